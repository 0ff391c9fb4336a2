"""Recording what became of an item: its state, the job's counts and its audit entry, in
one transaction, so a worker killed at any moment leaves either all of it or none."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kantata_admin.audit.models import Action, Outcome
from kantata_admin.audit.services import audit_record
from kantata_admin.bulk.changes import Patch, audit_changes
from kantata_admin.bulk.models import BulkItem, BulkJob, ItemState

COUNTER = {ItemState.DONE: "done", ItemState.FAILED: "failed", ItemState.SKIPPED: "skipped"}


@dataclass
class ItemResult:
    state: ItemState
    after: Patch | None = None
    note: str = ""
    error: str = ""
    request_id: str = ""
    new_group_id: str = ""


def _action_of(item: BulkItem) -> Action:
    if item.patch.get("delete"):
        return Action.GROUP_DELETE
    if item.patch.get("recreate"):
        return Action.GROUP_CREATE
    return Action.GROUP_UPDATE


def record(job: BulkJob, item: BulkItem, result: ItemResult, *, worker_id: str) -> bool:
    """Finish `item` with `result`; False (and nothing written) when this worker no longer
    holds the job or the item is already finished."""
    with transaction.atomic():
        if not BulkJob.objects.filter(pk=job.pk, worker_id=worker_id).exists():
            return False
        finishing = BulkItem.objects.filter(
            pk=item.pk, state__in=(ItemState.PENDING, ItemState.SENDING)
        )
        entry = None
        if result.state in (ItemState.DONE, ItemState.FAILED):
            names = {**job.values.get("field_names", {})}
            changes = audit_changes(item.before, result.after or item.before, names)
            changes["bulk_job"] = f"#{job.pk}"
            if result.new_group_id and item.patch.get("new"):
                changes["created_as"] = f"group #{result.new_group_id}"
            elif result.new_group_id:
                changes["re_created_as"] = f"group #{result.new_group_id} (a new id)"
            entry = audit_record(
                actor=job.starter,
                action=_action_of(item),
                account_id=job.account_id,
                group_id=result.new_group_id or item.group_id,
                group_name=item.group_name,
                changes=changes,
                outcome=Outcome.SUCCESS if result.state == ItemState.DONE else Outcome.ERROR,
                error=result.error,
                request_id=result.request_id,
            )
        updated = finishing.update(
            state=result.state,
            after=result.after,
            note=result.note[:500],
            error=result.error,
            request_id=result.request_id[:128],
            new_group_id=result.new_group_id,
            audit_entry=entry,
            updated_at=timezone.now(),
        )
        if not updated:
            transaction.set_rollback(True)
            return False
        counter = COUNTER[result.state]
        BulkJob.objects.filter(pk=job.pk).update(
            **{counter: F(counter) + 1}, heartbeat=timezone.now()
        )
    return True
