"""Starting, cancelling, resuming and reverting bulk jobs: the only writes of this app
outside the runner. A job's groups are frozen when it starts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from kantata_admin.audit.models import Action, AuditEntry, Outcome
from kantata_admin.bulk.actions import ActionRefused, describe, patch_for
from kantata_admin.bulk.changes import BULK_FIELDS, Patch
from kantata_admin.bulk.models import (
    ACTIVE_STATES,
    BulkItem,
    BulkJob,
    ItemState,
    JobState,
)
from kantata_admin.bulk.tasks import enqueue_step
from kantata_admin.connections.services import connection_for

# The most groups one job takes (Kantata's `only` answers up to 1,000 ids at once, and a
# job this size already runs for a long while under the rate limit).
MAX_GROUPS = 10_000


def _create(
    starter: Any,
    *,
    action: str,
    values: dict[str, Any],
    targets: Sequence[tuple[str, str, Patch, Patch | None, Patch | None]],
    selection: dict[str, Any],
    reverts_job: BulkJob | None = None,
    reverts_entry_id: int | None = None,
) -> BulkJob:
    """A job over `targets`: (group id, name, patch, guard, before) each."""
    if not targets:
        raise ActionRefused("No groups are selected.")
    if len(targets) > MAX_GROUPS:
        raise ActionRefused(f"A job takes at most {MAX_GROUPS:,} groups.")
    connection = connection_for(starter)
    with transaction.atomic():
        job = BulkJob.objects.create(
            starter=starter,
            starter_email=getattr(starter, "email", ""),
            account_id=connection.account_id if connection else "",
            action=action,
            values=values,
            summary=describe(action, values)[:500],
            selection=selection,
            reverts_job=reverts_job,
            reverts_entry_id=reverts_entry_id,
            total=len(targets),
        )
        BulkItem.objects.bulk_create(
            [
                BulkItem(
                    job=job,
                    position=position,
                    group_id=group_id,
                    group_name=name[:255],
                    patch=patch,
                    guard=guard,
                    before=before,
                )
                for position, (group_id, name, patch, guard, before) in enumerate(targets)
            ],
            batch_size=500,
        )
        transaction.on_commit(lambda: enqueue_step(job.pk))
    return job


def bulk_job_start(
    starter: Any,
    *,
    action: str,
    values: dict[str, Any],
    groups: Sequence[tuple[str, str]],
    selection: dict[str, Any],
) -> BulkJob:
    """Start `action` on `groups` ((id, name) pairs, frozen here)."""
    patch = patch_for(action, values)
    seen: set[str] = set()
    targets = []
    for group_id, name in groups:
        if group_id not in seen:
            seen.add(group_id)
            targets.append((group_id, name, patch, None, None))
    return _create(starter, action=action, values=values, targets=targets, selection=selection)


def bulk_import_start(
    starter: Any,
    *,
    values: dict[str, Any],
    targets: Sequence[tuple[str, str, Patch, Patch | None, Patch | None]],
    selection: dict[str, Any],
) -> BulkJob:
    """The job of an import's dry run: its updates (each guarded by every value its row
    was checked against) and its creates (`{"recreate": ..., "new": True}`, placeholder
    ids), in the file's order."""
    return _create(starter, action="import", values=values, targets=targets, selection=selection)


def bulk_job_cancel(job: BulkJob) -> bool:
    """Ask the job to stop after the items in flight; False when it had finished."""
    paused = BulkJob.objects.filter(pk=job.pk, state=JobState.PAUSED).update(
        state=JobState.CANCELLING
    )
    if paused:
        enqueue_step(job.pk)
        return True
    return bool(
        BulkJob.objects.filter(pk=job.pk, state__in=ACTIVE_STATES)
        .exclude(state=JobState.CANCELLING)
        .update(state=JobState.CANCELLING)
    )


def bulk_job_resume(job: BulkJob) -> bool:
    """Carry on with a paused job (its starter has reconnected)."""
    resumed = BulkJob.objects.filter(pk=job.pk, state=JobState.PAUSED).update(
        state=JobState.RUNNING, reason=""
    )
    if resumed:
        enqueue_step(job.pk)
    return bool(resumed)


# --- revert ------------------------------------------------------------------------------


def _inverse(item: BulkItem) -> tuple[str, str, Patch, Patch | None, Patch | None] | None:
    """The item that undoes `item`: its "before" written where its "after" still holds;
    a deleted group re-created from its last values."""
    if item.patch.get("delete"):
        return (item.group_id, item.group_name, {"recreate": item.before}, None, item.before)
    if item.patch.get("recreate"):
        return (item.new_group_id, item.group_name, {"delete": True}, None, None)
    if item.before is None or item.after is None:
        return None
    return (item.group_id, item.group_name, item.before, item.after, None)


def bulk_job_revert(starter: Any, job: BulkJob) -> BulkJob:
    """A new job of the inverse of every item `job` changed."""
    items = job.items.filter(state=ItemState.DONE).order_by("position")
    targets = [t for t in map(_inverse, items) if t is not None]
    if not targets:
        raise ActionRefused("This job changed no group: there is nothing to revert.")
    values = {
        "summary": f"Revert bulk job #{job.pk} ({job.summary})"[:500],
        "field_names": job.values.get("field_names", {}),
    }
    return _create(
        starter,
        action="revert",
        values=values,
        targets=targets,
        selection={"reverts_job": job.pk},
        reverts_job=job,
    )


def _entry_inverse(entry: AuditEntry) -> tuple[str, str, Patch, Patch | None, Patch | None]:
    # getattr: a reverse one-to-one with no row raises an AttributeError subclass.
    item = getattr(entry, "bulk_item", None)
    if item is not None and (inverse := _inverse(item)) is not None:
        return inverse
    # A change made on the group's own page: the fields of its entry a bulk job can write.
    before: Patch = {"fields": {}}
    after: Patch = {"fields": {}}
    for name, change in (entry.changes.get("fields") or {}).items():
        if name in BULK_FIELDS and isinstance(change, dict):
            empty = False if name == "company" else ""
            before["fields"][name] = empty if change.get("before") is None else change["before"]
            after["fields"][name] = empty if change.get("after") is None else change["after"]
    if not before["fields"]:
        raise ActionRefused("This change has nothing a revert can write back.")
    return (entry.group_id, entry.group_name, before, after, None)


def audit_entry_revert(starter: Any, entry: AuditEntry) -> BulkJob:
    """A one-group job undoing one audited change."""
    if entry.outcome != Outcome.SUCCESS or entry.action not in (
        Action.GROUP_UPDATE,
        Action.GROUP_DELETE,
        Action.GROUP_CREATE,
    ):
        raise ActionRefused("Only a group change that succeeded can be reverted.")
    target = _entry_inverse(entry)
    values = {
        "summary": f"Revert the change of {timezone.localtime(entry.created_at):%Y-%m-%d %H:%M}"
    }
    return _create(
        starter,
        action="revert",
        values=values,
        targets=[target],
        selection={"reverts_entry": entry.pk},
        reverts_entry_id=entry.pk,
    )
