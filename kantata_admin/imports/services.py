"""Checking a file (read, then the dry run) and applying it as a bulk job; the only writes
of this app. Kantata is read outside any transaction; rows are stored as they come."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kantata_admin.bulk.actions import ActionRefused
from kantata_admin.bulk.models import BulkJob
from kantata_admin.bulk.services import bulk_import_start
from kantata_admin.groups.field_specs import CustomFieldSpec
from kantata_admin.imports.dry_run import KINDS, DryRun, RowResult
from kantata_admin.imports.models import ImportRow, ImportRun
from kantata_admin.imports.reading import read_upload
from kantata_admin.kantata import KantataClient, is_kantata_id

STORE_BATCH = 500
NOTHING_TO_APPLY = "This dry run has nothing to create or update."
NOT_CHECKED = "This dry run is not finished yet."
# A dry run still unchecked this long after it started never will be.
UNCHECKED_MINUTES = 10
OTHER_ACCOUNT = (
    "Your Kantata OX connection is now to another account than this dry run's: upload the "
    "file again."
)


def keep_hours() -> float:
    return getattr(settings, "IMPORT_KEEP_HOURS", 24)


def _stored(run: ImportRun, result: RowResult) -> ImportRow:
    return ImportRow(
        run=run,
        line=result.line,
        kind=result.kind,
        # Only an id that can be one (the column holds 64): a bad one's error shows it.
        group_id=result.group_id if is_kantata_id(result.group_id) else "",
        name=result.name[:255],
        changes=[list(change) for change in result.changes],
        error=result.error,
        patch=result.patch,
        guard=result.guard,
    )


def import_check(
    uploader: Any,
    *,
    client: KantataClient,
    account_id: str,
    custom_fields: tuple[CustomFieldSpec, ...],
    filename: str,
    data: bytes,
) -> ImportRun:
    """Read the file and dry-run it: the run with its classified rows. FileRefused for a
    file that cannot be imported, KantataError for Kantata failing the reads (nothing is
    kept of either)."""
    purge_expired()
    read = read_upload(data, custom_fields)
    dry_run = DryRun(client, read, custom_fields)
    run = ImportRun.objects.create(
        uploader=uploader,
        account_id=account_id,
        filename=filename[:255] or "upload.csv",
        field_names={spec.id: spec.name for spec in dry_run.specs.values()},
    )
    counts: Counter[str] = Counter()
    batch: list[ImportRow] = []
    try:
        for result in dry_run.results():
            counts[result.kind] += 1
            batch.append(_stored(run, result))
            if len(batch) >= STORE_BATCH:
                ImportRow.objects.bulk_create(batch)
                batch = []
        ImportRow.objects.bulk_create(batch)
    except BaseException:
        run.delete()
        raise
    run.counts = {kind: counts.get(kind, 0) for kind in KINDS}
    run.checked = True
    run.save(update_fields=["counts", "checked"])
    return run


def import_apply(starter: Any, run: ImportRun, *, account_id: str) -> BulkJob:
    """The run's creates and updates as a bulk job, in the file's order; the run's rows
    are deleted with it (the job's items hold what it writes). ActionRefused when there is
    nothing to apply, the run was applied already, or the connection changed account."""
    if run.account_id != account_id:
        raise ActionRefused(OTHER_ACCOUNT)
    try:
        with transaction.atomic():
            job = _start(starter, run)
    except _AppliedMeanwhile:
        pass
    else:
        return job
    applied = ImportRun.objects.filter(pk=run.pk).values_list("job_id", flat=True).first()
    raise ActionRefused(f"This import was applied already, as bulk job #{applied}.")


class _AppliedMeanwhile(Exception):
    """Another apply of the run took it first: this one's job is rolled back."""


def _start(starter: Any, run: ImportRun) -> BulkJob:
    locked = ImportRun.objects.filter(pk=run.pk, checked=True).first()
    if locked is None:
        raise ActionRefused(NOT_CHECKED)
    if locked.job_id is not None:
        raise _AppliedMeanwhile
    rows = locked.rows.filter(kind__in=[ImportRow.Kind.CREATE, ImportRow.Kind.UPDATE])
    targets = [
        (row.group_id or f"new:{row.line}", row.name, row.patch, row.guard, None)
        for row in rows.order_by("line").iterator(chunk_size=1000)
    ]
    if not targets:
        raise ActionRefused(NOTHING_TO_APPLY)
    counts = locked.counts
    summary = (
        f"Import of {locked.filename}: {counts.get('update', 0)} updates, "
        f"{counts.get('create', 0)} new groups"
    )
    job = bulk_import_start(
        starter,
        values={
            "summary": summary[:500],
            "field_names": locked.field_names,
            "import": locked.pk,
        },
        targets=targets,
        selection={"import": locked.pk, "file": locked.filename},
    )
    # Apply once: only the apply that finds the run still unapplied keeps its job
    # (select_for_update does nothing on SQLite; this conditional update holds on both).
    if not ImportRun.objects.filter(pk=locked.pk, job__isnull=True).update(job=job):
        raise _AppliedMeanwhile
    # Nothing of the file is kept longer than the job needs: its items have it now.
    locked.rows.all().delete()
    return job


def purge_expired() -> int:
    """Delete the dry runs never applied within IMPORT_KEEP_HOURS, and those never
    finished within UNCHECKED_MINUTES; how many."""
    now = timezone.now()
    limit = now - timedelta(hours=keep_hours())
    # A dry run never finished (its process died while storing its rows) is no use to anyone.
    stalled = now - timedelta(minutes=UNCHECKED_MINUTES)
    expired = Q(job__isnull=True, created_at__lt=limit) | Q(checked=False, created_at__lt=stalled)
    _, deleted = ImportRun.objects.filter(expired).delete()
    return deleted.get(ImportRun._meta.label, 0)
