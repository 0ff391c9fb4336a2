"""The read-only endpoints around workspace groups: users/me, workspaces, custom fields,
their choices and values, rate card sets and external references."""

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, JsonResponse

from kantata_admin.sandbox.api import params, serializers
from kantata_admin.sandbox.api.envelope import (
    ApiContext,
    Include,
    Resource,
    group_by,
    list_response,
    orders_by,
    parse_shape,
    show_response,
    through_loader,
)
from kantata_admin.sandbox.api.errors import bad_request
from kantata_admin.sandbox.api.groups import accessible_workspaces
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
from kantata_admin.sandbox.models.groups import stored_subject_type


def _orders(*columns: str) -> dict:
    """Orders named after their columns; every resource here sorts by the column itself."""
    return orders_by({column: column for column in columns})


def _timestamps(*columns: str) -> dict:
    return _orders("created_at", "updated_at", *columns)


_load_workspace_groups = through_loader(
    WorkspaceGroup.workspaces.through, "workspace", "workspacegroup"
)


def _load_choices(fields: list[CustomField], ctx: ApiContext) -> dict:
    choices = CustomFieldChoice.objects.filter(custom_field__in=fields).order_by("position", "id")
    return group_by((choice.custom_field_id, choice) for choice in choices)


USERS = Resource("users", serializers.user, _orders("id"), "id:asc")
WORKSPACES = Resource(
    "workspaces",
    serializers.workspace,
    _timestamps("title"),
    "updated_at:desc",
    includes={
        "workspace_groups": Include(
            "workspace_groups",
            "workspace_group_ids",
            _load_workspace_groups,
            serializers.workspace_group,
        ),
    },
)
CUSTOM_FIELDS = Resource(
    "custom_fields",
    serializers.custom_field,
    _timestamps("name", "id"),
    "id:asc",
    includes={
        "choices": Include(
            "custom_field_choices", "choice_ids", _load_choices, serializers.custom_field_choice
        ),
    },
)
CUSTOM_FIELD_CHOICES = Resource(
    "custom_field_choices",
    serializers.custom_field_choice,
    _orders("position", "id"),
    "position:asc",
)
CUSTOM_FIELD_VALUES = Resource(
    "custom_field_values", serializers.custom_field_value, _timestamps("id"), "id:asc"
)
RATE_CARD_SETS = Resource(
    "rate_card_sets", serializers.rate_card_set, _timestamps("title"), "title:asc"
)
EXTERNAL_REFERENCES = Resource(
    "external_references", serializers.external_reference, _timestamps("id"), "id:asc"
)


def users_me(request: HttpRequest, ctx: ApiContext) -> JsonResponse:
    return show_response(ctx, USERS, SandboxUser.objects.select_related("account"), ctx.user.pk)


def _only(queryset: QuerySet, ctx: ApiContext) -> QuerySet:
    only = params.only_ids(ctx.params)
    return queryset if only is None else queryset.filter(pk__in=only)


def _of_subjects(queryset: QuerySet, ctx: ApiContext, *, required: bool = False) -> QuerySet:
    """The subject_type and with_subject_id filters that values and references share.
    `subject_type` takes the recorded spelling (`workspace_group`) or the spec's
    (`WorkspaceGroup`); custom field values require it, as the real service does."""
    spelling = params.present(ctx.params, "subject_type")
    if spelling is None and required:
        raise bad_request("subject_type is required, e.g. subject_type=workspace_group.")
    if spelling is not None:
        subject_type = stored_subject_type(spelling)
        if subject_type is None:
            raise bad_request(
                f"subject_type {spelling!r} is not one of workspace_group, workspace."
            )
        queryset = queryset.filter(subject_type=subject_type)
    subject_ids = params.id_list(ctx.params, "with_subject_id")
    if subject_ids is not None:
        queryset = queryset.filter(subject_id__in=subject_ids)
    return queryset


def _workspaces(ctx: ApiContext) -> tuple[QuerySet[Workspace], bool]:
    """Filtered workspaces, and whether a search already orders them by relevance."""
    query = ctx.params
    spaces = _only(accessible_workspaces(ctx), ctx)
    if not params.boolean(query, "include_archived"):
        spaces = spaces.filter(archived=False)
    group_ids = params.id_list(query, "workspace_groups")
    if group_ids is not None:
        spaces = spaces.filter(groups__in=group_ids, groups__account=ctx.account).distinct()
    if matching := params.present(query, "matching"):
        spaces = spaces.filter(title__icontains=matching)
    search = params.present(query, "search")
    if search and not params.is_only_request(query):
        spaces = spaces.filter(title__icontains=search) | spaces.filter(
            description__icontains=search
        )
        relevance = Case(
            When(title__icontains=search, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return spaces.order_by(relevance, "-updated_at", "id"), True
    return spaces, False


def list_workspaces(request: HttpRequest, ctx: ApiContext) -> JsonResponse:
    spaces, searched = _workspaces(ctx)
    shape = parse_shape(WORKSPACES, ctx.params, ordered=not searched)
    return list_response(ctx, WORKSPACES, spaces, shape)


def show_workspace(request: HttpRequest, ctx: ApiContext, pk: int) -> JsonResponse:
    return show_response(ctx, WORKSPACES, accessible_workspaces(ctx), pk)


def list_custom_fields(request: HttpRequest, ctx: ApiContext) -> JsonResponse:
    shape = parse_shape(CUSTOM_FIELDS, ctx.params)
    fields = _only(CustomField.objects.filter(account=ctx.account), ctx)
    if subject_type := params.present(ctx.params, "subject_type"):
        fields = fields.filter(subject_type=subject_type)
    return list_response(ctx, CUSTOM_FIELDS, fields, shape)


def list_custom_field_choices(request: HttpRequest, ctx: ApiContext) -> JsonResponse:
    shape = parse_shape(CUSTOM_FIELD_CHOICES, ctx.params)
    choices = _only(CustomFieldChoice.objects.filter(custom_field__account=ctx.account), ctx)
    field_ids = params.id_list(ctx.params, "for_custom_fields")
    if field_ids is not None:
        choices = choices.filter(custom_field_id__in=field_ids)
    return list_response(ctx, CUSTOM_FIELD_CHOICES, choices, shape)


def own_values(ctx: ApiContext) -> QuerySet[CustomFieldValue]:
    """The account's custom field values, with what answering them needs."""
    return (
        CustomFieldValue.objects.filter(account=ctx.account)
        .select_related("custom_field")
        .prefetch_related("choices")
    )


def show_custom_field_value(request: HttpRequest, ctx: ApiContext, pk: int) -> JsonResponse:
    return show_response(ctx, CUSTOM_FIELD_VALUES, own_values(ctx), pk)


def list_custom_field_values(request: HttpRequest, ctx: ApiContext) -> JsonResponse:
    shape = parse_shape(CUSTOM_FIELD_VALUES, ctx.params)
    values = _only(own_values(ctx), ctx)
    values = _of_subjects(values, ctx, required=True)
    field_ids = params.id_list(ctx.params, "with_custom_field_id")
    if field_ids is not None:
        values = values.filter(custom_field_id__in=field_ids)
    return list_response(ctx, CUSTOM_FIELD_VALUES, values, shape)


def list_rate_card_sets(request: HttpRequest, ctx: ApiContext) -> JsonResponse:
    shape = parse_shape(RATE_CARD_SETS, ctx.params)
    cards = _only(RateCardSet.objects.filter(account=ctx.account), ctx)
    return list_response(ctx, RATE_CARD_SETS, cards, shape)


def list_external_references(request: HttpRequest, ctx: ApiContext) -> JsonResponse:
    shape = parse_shape(EXTERNAL_REFERENCES, ctx.params)
    refs = _only(ExternalReference.objects.filter(account=ctx.account), ctx)
    refs = _of_subjects(refs, ctx)
    if service_name := params.present(ctx.params, "service_name"):
        refs = refs.filter(service_name=service_name)
    return list_response(ctx, EXTERNAL_REFERENCES, refs, shape)
