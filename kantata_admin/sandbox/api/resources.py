"""The read-only endpoints around workspace groups: users/me, workspaces, custom fields,
their choices and values, rate card sets and external references."""

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, JsonResponse

from kantata_admin.sandbox.api import params, serializers
from kantata_admin.sandbox.api.envelope import (
    ApiContext,
    Include,
    Resource,
    list_response,
    orders_by,
    parse_shape,
    show_response,
    through_loader,
)
from kantata_admin.sandbox.api.groups import accessible_workspaces
from kantata_admin.sandbox.api.record_filters import by_only, by_subjects
from kantata_admin.sandbox.models import (
    ExternalReference,
    RateCardSet,
    SandboxUser,
    Workspace,
    WorkspaceGroup,
)


def _orders(*columns: str) -> dict:
    """Orders named after their columns; every resource here sorts by the column itself."""
    return orders_by({column: column for column in columns})


def _timestamps(*columns: str) -> dict:
    return _orders("created_at", "updated_at", *columns)


_load_workspace_groups = through_loader(
    WorkspaceGroup.workspaces.through, "workspace", "workspacegroup"
)


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
RATE_CARD_SETS = Resource(
    "rate_card_sets", serializers.rate_card_set, _timestamps("title"), "title:asc"
)
EXTERNAL_REFERENCES = Resource(
    "external_references", serializers.external_reference, _timestamps("id"), "id:asc"
)


def users_me(request: HttpRequest, ctx: ApiContext) -> JsonResponse:
    return show_response(ctx, USERS, SandboxUser.objects.select_related("account"), ctx.user.pk)


def _only(queryset: QuerySet, ctx: ApiContext) -> QuerySet:
    return by_only(queryset, ctx.params)


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


def list_rate_card_sets(request: HttpRequest, ctx: ApiContext) -> JsonResponse:
    shape = parse_shape(RATE_CARD_SETS, ctx.params)
    cards = _only(RateCardSet.objects.filter(account=ctx.account), ctx)
    return list_response(ctx, RATE_CARD_SETS, cards, shape)


def list_external_references(request: HttpRequest, ctx: ApiContext) -> JsonResponse:
    shape = parse_shape(EXTERNAL_REFERENCES, ctx.params)
    refs = _only(ExternalReference.objects.filter(account=ctx.account), ctx)
    refs = by_subjects(refs, ctx.params)
    if service_name := params.present(ctx.params, "service_name"):
        refs = refs.filter(service_name=service_name)
    return list_response(ctx, EXTERNAL_REFERENCES, refs, shape)
