"""Filters that many of Kantata's index endpoints document in the same words: created and
updated after/before, and the external-reference family (`external_reference_*`,
`has_external_references`, `without_external_reference_service_name`). Written once here
for groups, custom fields, their choices and their values."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import QueryDict

from kantata_admin.sandbox.api import params
from kantata_admin.sandbox.api.errors import bad_request
from kantata_admin.sandbox.models import ExternalReference
from kantata_admin.sandbox.models.groups import stored_subject_type

MAX_SERVICE_MODEL_REFS = 200
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
_TIMESTAMP_FILTERS = (
    ("created_after", "created_at__gt"),
    ("created_before", "created_at__lt"),
    ("updated_after", "updated_at__gt"),
    ("updated_before", "updated_at__lt"),
)


def by_timestamps(records: QuerySet, query: QueryDict, zone) -> QuerySet:
    """created_after/before, updated_after/before: strict comparisons, ISO 8601."""
    for name, lookup in _TIMESTAMP_FILTERS:
        moment = params.timestamp(query, name, zone)
        if moment is not None:
            records = records.filter(**{lookup: moment})
    return records


def _references(subject_type: str, condition: Q | None = None) -> Exists:
    return Exists(
        ExternalReference.objects.filter(
            condition or Q(), subject_type=subject_type, subject_id=OuterRef("pk")
        )
    )


def _reference_condition(query: QueryDict) -> Q | None:
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
        if len(refs) > MAX_SERVICE_MODEL_REFS:
            raise bad_request(
                "external_reference_service_model_refs accepts at most "
                f"{MAX_SERVICE_MODEL_REFS} ids."
            )
        condition &= Q(service_model_ref__in=refs)
        used = True
    return condition if used else None


def by_external_references(records: QuerySet, query: QueryDict, subject_type: str) -> QuerySet:
    """The external-reference filters, for records whose references name `subject_type`
    (`WorkspaceGroup`, `CustomField`, …). A record type that never has references still
    filters as documented: asking for a reference finds nothing."""
    condition = _reference_condition(query)
    if condition is not None:
        records = records.filter(_references(subject_type, condition))
    has_refs = params.boolean(query, "has_external_references")
    if has_refs is not None:
        refs = _references(subject_type)
        records = records.filter(refs if has_refs else ~Q(refs))
    if without := params.present(query, "without_external_reference_service_name"):
        records = records.filter(~Q(_references(subject_type, Q(service_name=without))))
    return records


def by_only(records: QuerySet, query: QueryDict) -> QuerySet:
    only = params.only_ids(query)
    return records if only is None else records.filter(pk__in=only)


def by_subjects(records: QuerySet, query: QueryDict, *, required: bool = False) -> QuerySet:
    """The subject_type and with_subject_id filters that values and references share.
    `subject_type` takes the recorded spelling (`workspace_group`) or the spec's
    (`WorkspaceGroup`); custom field values require it, as the real service does."""
    spelling = params.present(query, "subject_type")
    if spelling is None and required:
        raise bad_request("subject_type is required, e.g. subject_type=workspace_group.")
    if spelling is not None:
        records = records.filter(subject_type=subject_type_named(spelling))
    subject_ids = params.id_list(query, "with_subject_id")
    if subject_ids is not None:
        records = records.filter(subject_id__in=subject_ids)
    return records


def subject_type_named(spelling: str) -> str:
    """The stored subject type of a query's `subject_type`; 400 when Kantata has none such."""
    subject_type = stored_subject_type(spelling)
    if subject_type is None:
        raise bad_request(
            f"subject_type {spelling!r} is not one of WorkspaceGroup, Workspace, Estimate, "
            "Story, User, Resource (or their snake_case spellings)."
        )
    return subject_type
