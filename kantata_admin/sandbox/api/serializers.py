"""JSON shapes of each object type, as the real service returns them: record ids and
most `*_id` references as strings, but integers where the recordings have integers (a
workspace's `account_id`, a custom field value's `subject_id` and `account_id`, an
external reference's `subject_id`)."""

from kantata_admin.sandbox.api.envelope import ApiContext
from kantata_admin.sandbox.models import (
    CustomField,
    CustomFieldChoice,
    CustomFieldValue,
    ExternalReference,
    RateCardSet,
    SandboxUser,
    Workspace,
    WorkspaceGroup,
)
from kantata_admin.sandbox.models.groups import recorded_subject_type


def user(obj: SandboxUser, ctx: ApiContext) -> dict:
    return {
        "id": str(obj.pk),
        "full_name": obj.full_name,
        "email_address": obj.email,
        "headline": obj.headline,
        "photo_path": "/images/avatar.png",
        "account_id": str(obj.account_id),
        "account_permission": obj.account_permission,
        "plan_type": obj.plan_type,
    }


def workspace_group(obj: WorkspaceGroup, ctx: ApiContext) -> dict:
    return {
        "created_at": ctx.time(obj.created_at),
        "updated_at": ctx.time(obj.updated_at),
        "name": obj.name,
        "company": obj.company,
        "contact_name": obj.contact_name,
        "email": obj.email,
        "phone_number": obj.phone_number,
        "address": obj.address,
        "website": obj.website,
        "notes": obj.notes,
        "id": str(obj.pk),
    }


def workspace(obj: Workspace, ctx: ApiContext) -> dict:
    return {
        "id": str(obj.pk),
        "title": obj.title,
        "description": obj.description,
        "account_id": obj.account_id,
        "archived": obj.archived,
        "access_level": obj.access_level,
        # Recorded: dates not set are "", not null.
        "start_date": obj.start_date.isoformat() if obj.start_date else "",
        "due_date": obj.due_date.isoformat() if obj.due_date else "",
        "created_at": ctx.time(obj.created_at),
        "updated_at": ctx.time(obj.updated_at),
        "status": {"color": obj.status_color, "key": obj.status_key, "message": obj.status_message},
    }


def rate_card_set(obj: RateCardSet, ctx: ApiContext) -> dict:
    return {
        "id": str(obj.pk),
        "title": obj.title,
        "account_default": obj.account_default,
        "active_currencies": obj.active_currencies,
        "default_currencies": obj.default_currencies,
        "destroyable": obj.destroyable,
        "created_at": ctx.time(obj.created_at),
        "updated_at": ctx.time(obj.updated_at),
    }


def external_reference(obj: ExternalReference, ctx: ApiContext) -> dict:
    return {
        "id": str(obj.pk),
        "service_name": obj.service_name,
        "service_model": obj.service_model,
        "service_model_ref": obj.service_model_ref,
        "subject_id": obj.subject_id,
        "subject_type": obj.subject_type,
        "status": obj.status,
        "external_link": obj.external_link,
        "external_message": obj.external_message,
        "external_status": obj.external_status,
        "locked": obj.locked,
        "last_synced_at": ctx.time(obj.last_synced_at),
        "created_at": ctx.time(obj.created_at),
        "updated_at": ctx.time(obj.updated_at),
    }


def custom_field(obj: CustomField, ctx: ApiContext) -> dict:
    """`creator_id` and `custom_field_set_id` come only with their includes (envelope)."""
    values_count = getattr(obj, "values_count", None)
    return {
        "id": str(obj.pk),
        "name": obj.name,
        "value_type": obj.value_type,
        "subject_type": obj.subject_type,
        "default_text": obj.default_text,
        "read_access": obj.read_access,
        "write_access": obj.write_access,
        "unique_constraint": obj.unique_constraint,
        "values_count": obj.values.count() if values_count is None else values_count,
        "created_at": ctx.time(obj.created_at),
        "updated_at": ctx.time(obj.updated_at),
    }


def custom_field_choice(obj: CustomFieldChoice, ctx: ApiContext) -> dict:
    """`custom_field_id` comes only with include=custom_field (envelope)."""
    return {
        "id": str(obj.pk),
        "label": obj.label,
        "position": obj.position,
        "created_at": ctx.time(obj.created_at),
        "updated_at": ctx.time(obj.updated_at),
    }


def custom_field_value(obj: CustomFieldValue, ctx: ApiContext) -> dict:
    """`value` and `display_value` come from the model's one rule for value types;
    `custom_field_id` and `setter_id` only with include=custom_field / include=setter, as
    Kantata documents (the envelope adds them)."""
    return {
        "subject_type": recorded_subject_type(obj.subject_type),
        "subject_id": obj.subject_id,
        "value": obj.value,
        "account_id": obj.account_id,
        "custom_field_name": obj.custom_field.name,
        "type": obj.custom_field.value_type,
        "display_value": obj.display_value,
        "can_edit": obj.custom_field.writable_by(ctx.user),
        "created_at": ctx.time(obj.created_at),
        "updated_at": ctx.time(obj.updated_at),
        "id": str(obj.pk),
    }


def custom_field_value_in_group(obj: CustomFieldValue, ctx: ApiContext) -> dict:
    """A value included with its group (the undocumented include, when the sandbox is set
    to answer it): whole, references and all, as the official gem's specification had it."""
    return custom_field_value(obj, ctx) | {
        "custom_field_id": str(obj.custom_field_id),
        "setter_id": None if obj.setter_id is None else str(obj.setter_id),
    }
