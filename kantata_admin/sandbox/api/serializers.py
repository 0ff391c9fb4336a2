"""JSON shapes of each object type, as the real service returns them (ids as strings)."""

from decimal import Decimal

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


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


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
        "notes": obj.notes or None,
        "id": str(obj.pk),
    }


def workspace(obj: Workspace, ctx: ApiContext) -> dict:
    return {
        "id": str(obj.pk),
        "title": obj.title,
        "description": obj.description,
        "account_id": str(obj.account_id),
        "archived": obj.archived,
        "access_level": obj.access_level,
        "start_date": obj.start_date.isoformat() if obj.start_date else None,
        "due_date": obj.due_date.isoformat() if obj.due_date else None,
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
        "subject_id": str(obj.subject_id),
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
    return {
        "id": str(obj.pk),
        "name": obj.name,
        "value_type": obj.value_type,
        "subject_type": obj.subject_type,
        "created_at": ctx.time(obj.created_at),
        "updated_at": ctx.time(obj.updated_at),
    }


def custom_field_choice(obj: CustomFieldChoice, ctx: ApiContext) -> dict:
    return {
        "id": str(obj.pk),
        "label": obj.label,
        "position": obj.position,
        "custom_field_id": str(obj.custom_field_id),
    }


def custom_field_value(obj: CustomFieldValue, ctx: ApiContext) -> dict:
    """`value` is typed as the real service sends it: "foo", 13, [998, "USD"], [1, 2]."""
    kind = obj.custom_field.value_type
    chosen = sorted(obj.choices.all(), key=lambda c: (c.position, c.pk))  # prefetched
    match kind:
        case "number":
            value, display = _number(obj.number_value), f"{_number(obj.number_value)}"
        case "currency":
            amount = _number(obj.number_value)
            value = [amount, obj.currency_code or "USD"]
            display = f"{obj.number_value:,.2f} {obj.currency_code or 'USD'}"
        case "date":
            value = obj.date_value.isoformat() if obj.date_value else None
            display = value or ""
        case "single" | "multi":
            value = [c.pk for c in chosen]
            display = ", ".join(c.label for c in chosen)
        case _:
            value, display = obj.text_value, obj.text_value or ""
    return {
        "id": str(obj.pk),
        "subject_type": obj.subject_type,
        "subject_id": str(obj.subject_id),
        "custom_field_id": str(obj.custom_field_id),
        "custom_field_name": obj.custom_field.name,
        "value": value,
        "display_value": display,
        "created_at": ctx.time(obj.created_at),
        "updated_at": ctx.time(obj.updated_at),
    }
