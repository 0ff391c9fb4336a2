"""GET /workspace_groups and /workspace_groups/{id}: every filter the seed documents."""

from django.db.models import Exists, OuterRef, Q, QuerySet
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
        # The official gem's specification: a page's values come in the same answer.
        "custom_field_values": Include(
            "custom_field_values",
            "custom_field_value_ids",
            load_custom_field_values,
            serializers.custom_field_value,
        ),
    },
    optional_fields={"can_edit": lambda group, ctx: ctx.user.can_write_groups},
)

# query parameter -> lookup on ExternalReference; all given ones must hold for one reference.
_REFERENCE_FILTERS = {
    "external_reference_external_message": "external_message",
    "external_reference_external_status": "external_status",
    "external_reference_service_model": "service_model",
    "external_reference_service_name": "service_name",
    "external_reference_status": "status",
}
# The seed documents the status filter's values as "successful or fail", while records
# (and the write body) say pending|successful|failed: the seed wins, so `fail` is
# accepted as another spelling of `failed`.
_STATUS_ALIASES = {"fail": ExternalReference.Status.FAILED}


def _references(condition: Q | None = None) -> Exists:
    return Exists(
        ExternalReference.objects.filter(
            condition or Q(), subject_type=GROUP_SUBJECT, subject_id=OuterRef("pk")
        )
    )


def _reference_condition(query) -> Q | None:
    condition, used = Q(), False
    for name, lookup in _REFERENCE_FILTERS.items():
        value = query.get(name)
        if value is not None and value != "":
            if lookup == "status":
                value = _STATUS_ALIASES.get(value, value)
            condition &= Q(**{lookup: value})
            used = True
    ref = params.integer(query, "external_reference_service_model_ref")
    if ref is not None:
        condition &= Q(service_model_ref=str(ref))
        used = True
    refs = params.word_list(query, "external_reference_service_model_refs")
    if refs:
        if len(refs) > 200:
            raise bad_request("external_reference_service_model_refs accepts at most 200 ids.")
        condition &= Q(service_model_ref__in=refs)
        used = True
    return condition if used else None


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
    for name, lookup in (
        ("created_after", "created_at__gt"),
        ("created_before", "created_at__lt"),
        ("updated_after", "updated_at__gt"),
        ("updated_before", "updated_at__lt"),
    ):
        moment = params.timestamp(query, name, ctx.zone)
        if moment is not None:
            groups = groups.filter(**{lookup: moment})
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
    condition = _reference_condition(query)
    if condition is not None:
        groups = groups.filter(_references(condition))
    has_refs = params.boolean(query, "has_external_references")
    if has_refs is not None:
        groups = groups.filter(_references() if has_refs else ~Q(_references()))
    if without := params.present(query, "without_external_reference_service_name"):
        groups = groups.filter(~Q(_references(Q(service_name=without))))
    return groups


def list_groups(request: HttpRequest, ctx: ApiContext) -> JsonResponse:
    shape = parse_shape(WORKSPACE_GROUPS, ctx.params)
    return list_response(ctx, WORKSPACE_GROUPS, filter_groups(ctx), shape)


def show_group(request: HttpRequest, ctx: ApiContext, pk: int) -> JsonResponse:
    # Show routes apply the index filters too: a filtered-out group is a 404.
    return show_response(ctx, WORKSPACE_GROUPS, filter_groups(ctx), pk)
