"""GET /workspace_groups and /workspace_groups/{id}: every filter the seed documents."""

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, JsonResponse

from kantata_admin.sandbox.api import params, serializers
from kantata_admin.sandbox.api.custom_filters import FILTER_NAMES, custom_value_filter
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
from kantata_admin.sandbox.api.record_filters import by_external_references, by_timestamps
from kantata_admin.sandbox.models import (
    CustomFieldValue,
    ExternalReference,
    Workspace,
    WorkspaceGroup,
)
from kantata_admin.sandbox.models.groups import GROUP_SUBJECT


def accessible_workspaces(ctx: ApiContext) -> QuerySet[Workspace]:
    """Workspaces of the user's account in which the user participates."""
    return Workspace.objects.filter(account=ctx.account, participants=ctx.user)


_load_workspaces = through_loader(
    WorkspaceGroup.workspaces.through,
    "workspacegroup",
    "workspace",
    # Only the workspaces the user may see, of their own account.
    workspace__participants=lambda ctx: ctx.user,
    workspace__account=lambda ctx: ctx.account,
)
_load_rate_card_sets = through_loader(
    WorkspaceGroup.rate_card_sets.through, "workspacegroup", "ratecardset"
)


def load_custom_field_values(groups: list[WorkspaceGroup], ctx: ApiContext) -> dict:
    """The page's values in one query (and one for their choices), in field order."""
    values = (
        CustomFieldValue.objects.filter(
            subject_type=GROUP_SUBJECT, subject_id__in=[g.pk for g in groups]
        )
        .select_related("custom_field")
        .prefetch_related("choices")
        .order_by("custom_field_id", "id")
    )
    return group_by((value.subject_id, value) for value in values)


def _load_external_references(groups: list[WorkspaceGroup], ctx: ApiContext) -> dict:
    refs = ExternalReference.objects.filter(
        subject_type=GROUP_SUBJECT, subject_id__in=[g.pk for g in groups]
    ).order_by("id")
    return group_by((ref.subject_id, ref) for ref in refs)


WORKSPACE_GROUPS = Resource(
    key="workspace_groups",
    serialize=serializers.workspace_group,
    # Names sort case-insensitively by their casefolded key, which the (account, name_key)
    # unique index already covers; the timestamps have indexes of their own.
    orders=orders_by({"created_at": "created_at", "name": "name_key", "updated_at": "updated_at"}),
    default_order="name:asc",
    includes={
        "workspaces": Include(
            "workspaces", "workspace_ids", _load_workspaces, serializers.workspace
        ),
        "rate_card_sets": Include(
            "rate_card_sets", "rate_card_set_ids", _load_rate_card_sets, serializers.rate_card_set
        ),
        "external_references": Include(
            "external_references",
            "external_reference_ids",
            _load_external_references,
            serializers.external_reference,
        ),
        # Not in Kantata's published description (which lists the three above): ignored,
        # as unknown includes are, unless KANTATA_SANDBOX_GROUP_VALUES_INCLUDE turns it on
        # to play a service that answers it (the official gem's old specification).
        "custom_field_values": Include(
            "custom_field_values",
            "custom_field_value_ids",
            load_custom_field_values,
            serializers.custom_field_value_in_group,
            enabled=lambda: settings.KANTATA_SANDBOX_GROUP_VALUES_INCLUDE,
        ),
    },
    optional_fields={"can_edit": lambda group, ctx: ctx.user.can_write_groups},
)


def filter_groups(ctx: ApiContext) -> QuerySet[WorkspaceGroup]:
    query = ctx.params
    if "search" in query and not params.is_only_request(query):
        raise bad_request("search is unavailable for workspace_groups.")
    groups = WorkspaceGroup.objects.filter(account=ctx.account)
    only = params.only_ids(query)
    if only is not None:
        groups = groups.filter(pk__in=only)
    if matching := params.present(query, "matching"):
        # name_key is casefolded in Python: SQLite's LIKE folds ASCII letters only.
        groups = groups.filter(name_key__contains=matching.casefold())
    if params.boolean(query, "companies_only"):
        groups = groups.filter(company=True)
    groups = by_timestamps(groups, query, ctx.zone)
    field_ids = params.id_list(query, "has_value_for_custom_field_ids")
    if field_ids:
        groups = groups.filter(
            Exists(
                CustomFieldValue.objects.filter(
                    custom_field_id__in=field_ids,
                    subject_type=GROUP_SUBJECT,
                    subject_id=OuterRef("pk"),
                )
            )
        )
    for name in FILTER_NAMES:
        if name in query:
            groups = groups.filter(custom_value_filter(name, query[name]))
    return by_external_references(groups, query, GROUP_SUBJECT)


def list_groups(request: HttpRequest, ctx: ApiContext) -> JsonResponse:
    shape = parse_shape(WORKSPACE_GROUPS, ctx.params)
    return list_response(ctx, WORKSPACE_GROUPS, filter_groups(ctx), shape)


def show_group(request: HttpRequest, ctx: ApiContext, pk: int) -> JsonResponse:
    # Show routes apply the index filters too: a filtered-out group is a 404.
    return show_response(ctx, WORKSPACE_GROUPS, filter_groups(ctx), pk)
