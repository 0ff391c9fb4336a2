"""GET /custom_fields, /custom_field_choices and /custom_field_values (and one value): every
filter, include and order Kantata documents for them, applied, or refused with a 400 that
says so. A field's `read_access` hides it, and its values, from users below that level."""

from django.db.models import Count, QuerySet
from django.http import HttpRequest, JsonResponse

from kantata_admin.sandbox.api import params, serializers
from kantata_admin.sandbox.api.envelope import (
    ApiContext,
    Include,
    Resource,
    group_by,
    list_response,
    one_id,
    orders_by,
    parse_shape,
    show_response,
)
from kantata_admin.sandbox.api.record_filters import (
    by_external_references,
    by_only,
    by_subjects,
    by_timestamps,
    subject_type_named,
)
from kantata_admin.sandbox.models import (
    CustomField,
    CustomFieldChoice,
    CustomFieldValue,
    ExternalReference,
    WorkspaceGroup,
)
from kantata_admin.sandbox.models.groups import GROUP_SUBJECT, access_levels_held

# The subject types external references name for these records.
FIELD_SUBJECT, CHOICE_SUBJECT, VALUE_SUBJECT = (
    "CustomField",
    "CustomFieldChoice",
    "CustomFieldValue",
)


def _orders(*columns: str) -> dict:
    return orders_by({column: column for column in columns})


def _each(attribute: str):
    """A belongs-to loader: {record pk: [record.<attribute>]} from what was selected along."""

    def load(records: list, ctx: ApiContext) -> dict:
        return {r.pk: [related] for r in records if (related := getattr(r, attribute)) is not None}

    return load


def _references_of(subject_type: str):
    def load(records: list, ctx: ApiContext) -> dict:
        refs = ExternalReference.objects.filter(
            account=ctx.account, subject_type=subject_type, subject_id__in=[r.pk for r in records]
        ).order_by("id")
        return group_by((ref.subject_id, ref) for ref in refs)

    return load


def _references_include(subject_type: str) -> Include:
    return Include(
        "external_references",
        "external_reference_ids",
        _references_of(subject_type),
        serializers.external_reference,
    )


def _load_choices(fields: list[CustomField], ctx: ApiContext) -> dict:
    choices = CustomFieldChoice.objects.filter(custom_field__in=fields).order_by("position", "id")
    return group_by((choice.custom_field_id, choice) for choice in choices)


def _no_sets(fields: list[CustomField], ctx: ApiContext) -> dict:
    # The sandbox models no custom field sets: every field's set is null.
    return {}


def _load_chosen(values: list[CustomFieldValue], ctx: ApiContext) -> dict:
    return {value.pk: value.chosen() for value in values}


def _load_subjects(values: list[CustomFieldValue], ctx: ApiContext) -> dict:
    ids = {v.subject_id for v in values if v.subject_type == GROUP_SUBJECT}
    groups = WorkspaceGroup.objects.filter(account=ctx.account, pk__in=ids).in_bulk()
    return {v.pk: [groups[v.subject_id]] for v in values if v.subject_id in groups}


def _subject_ref(related: list) -> dict | None:
    return {"key": "workspace_groups", "id": str(related[0].pk)} if related else None


# include=custom_field on choices and values: the field each belongs to (`custom_field_id`).
_FIELD_INCLUDE = Include(
    "custom_fields",
    "custom_field_id",
    _each("custom_field"),
    serializers.custom_field,
    reference=one_id,
)
CUSTOM_FIELDS = Resource(
    "custom_fields",
    serializers.custom_field,
    _orders("created_at", "updated_at", "name", "id"),
    "id:asc",
    includes={
        "choices": Include(
            "custom_field_choices", "choice_ids", _load_choices, serializers.custom_field_choice
        ),
        "creator": Include(
            "users", "creator_id", _each("creator"), serializers.user, reference=one_id
        ),
        "custom_field_set": Include(
            "custom_field_sets",
            "custom_field_set_id",
            _no_sets,
            lambda obj, ctx: {},
            reference=one_id,
        ),
        "external_references": _references_include(FIELD_SUBJECT),
    },
)
CUSTOM_FIELD_CHOICES = Resource(
    "custom_field_choices",
    serializers.custom_field_choice,
    _orders("position", "label"),
    "position:asc",
    includes={
        "custom_field": _FIELD_INCLUDE,
        "external_references": _references_include(CHOICE_SUBJECT),
    },
)
CUSTOM_FIELD_VALUES = Resource(
    "custom_field_values",
    serializers.custom_field_value,
    _orders("created_at", "updated_at", "subject_id"),
    "created_at:asc",
    includes={
        "custom_field": _FIELD_INCLUDE,
        "setter": Include(
            "users", "setter_id", _each("setter"), serializers.user, reference=one_id
        ),
        "selected_choices": Include(
            "custom_field_choices",
            "selected_choice_ids",
            _load_chosen,
            serializers.custom_field_choice,
        ),
        "external_references": _references_include(VALUE_SUBJECT),
        "subject": Include(
            "workspace_groups",
            "subject_ref",
            _load_subjects,
            serializers.workspace_group,
            reference=_subject_ref,
        ),
    },
)


def readable_fields(ctx: ApiContext) -> QuerySet[CustomField]:
    """The account's custom fields the user may see (`read_access`)."""
    return CustomField.objects.filter(
        account=ctx.account, read_access__in=access_levels_held(ctx.user.account_permission)
    )


def own_values(ctx: ApiContext) -> QuerySet[CustomFieldValue]:
    """The account's custom field values the user may see, with what answering them needs."""
    return (
        CustomFieldValue.objects.filter(account=ctx.account, custom_field__in=readable_fields(ctx))
        .select_related("custom_field", "setter__account")
        .prefetch_related("choices")
    )


def _matching(records: QuerySet, ctx: ApiContext, column: str) -> QuerySet:
    if matching := params.present(ctx.params, "matching"):
        records = records.filter(**{f"{column}__icontains": matching})
    return records


def list_custom_fields(request: HttpRequest, ctx: ApiContext) -> JsonResponse:
    shape = parse_shape(CUSTOM_FIELDS, ctx.params)
    fields = by_only(readable_fields(ctx), ctx.params).select_related("creator__account")
    if spelling := params.present(ctx.params, "subject_type"):
        fields = fields.filter(subject_type=subject_type_named(spelling))
    fields = _matching(fields, ctx, "name")
    fields = by_timestamps(fields, ctx.params, ctx.zone)
    fields = by_external_references(fields, ctx.params, FIELD_SUBJECT)
    return list_response(ctx, CUSTOM_FIELDS, fields.annotate(values_count=Count("values")), shape)


def _per_custom_field(choices: QuerySet, ctx: ApiContext, shape) -> QuerySet:
    """`per_custom_field=N`: at most N choices of each field, in the answer's order."""
    size = params.integer(ctx.params, "per_custom_field", minimum=1)
    if size is None:
        return choices
    ordered = choices.order_by(*shape.ordering) if shape.ordering else choices
    kept, seen = [], {}
    for pk, field_id in ordered.values_list("pk", "custom_field_id"):
        seen[field_id] = seen.get(field_id, 0) + 1
        if seen[field_id] <= size:
            kept.append(pk)
    return choices.filter(pk__in=kept)


def list_custom_field_choices(request: HttpRequest, ctx: ApiContext) -> JsonResponse:
    query = ctx.params
    shape = parse_shape(CUSTOM_FIELD_CHOICES, query)
    choices = CustomFieldChoice.objects.filter(custom_field__in=readable_fields(ctx))
    choices = by_only(choices, query).select_related("custom_field")
    field_ids = params.id_list(query, "for_custom_fields")
    if field_ids is not None:
        choices = choices.filter(custom_field_id__in=field_ids)
    choice_ids = params.id_list(query, "for_choice_ids")
    if choice_ids is not None:
        choices = choices.filter(pk__in=choice_ids)
    if params.boolean(query, "active"):
        choices = choices.filter(active=True)
    choices = _matching(choices, ctx, "label")
    choices = by_timestamps(choices, query, ctx.zone)
    choices = by_external_references(choices, query, CHOICE_SUBJECT)
    choices = _per_custom_field(choices, ctx, shape)
    return list_response(ctx, CUSTOM_FIELD_CHOICES, choices, shape)


def show_custom_field_value(request: HttpRequest, ctx: ApiContext, pk: int) -> JsonResponse:
    return show_response(ctx, CUSTOM_FIELD_VALUES, own_values(ctx), pk)


_VALUE_ID_FILTERS = (("with_custom_field_id", "custom_field_id"), ("with_setter_id", "setter_id"))


def list_custom_field_values(request: HttpRequest, ctx: ApiContext) -> JsonResponse:
    query = ctx.params
    shape = parse_shape(CUSTOM_FIELD_VALUES, query)
    values = by_subjects(by_only(own_values(ctx), query), query, required=True)
    for name, column in (
        ("with_custom_field_id", "custom_field_id"),
        ("with_setter_id", "setter_id"),
    ):
        ids = params.id_list(query, name)
        if ids is not None:
            values = values.filter(**{f"{column}__in": ids})
    values = by_timestamps(values, query, ctx.zone)
    values = by_external_references(values, query, VALUE_SUBJECT)
    return list_response(ctx, CUSTOM_FIELD_VALUES, values, shape)
