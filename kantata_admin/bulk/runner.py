"""One step of a job: claim it, take the next batch of items, decide and write them,
record each outcome, give the job back. A task (tasks.py) runs steps one after another;
any worker may run the next one.

Checkpoints: an item is marked "sending" (with its "before" and one more attempt) in the
database before its write goes out, and finished (with its audit entry) after. A worker
killed in between leaves it "sending"; the next step reads the group again and compares it
with the item's target (writing.decide), so an item is never written twice and never
skipped. A job is held by one worker at a time (`worker_id`), kept alive by a heartbeat
thread; a job whose heartbeat stops is given to the next step (tasks.reap_stalled).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from kantata_admin.bulk.models import ACTIVE_STATES, BulkItem, BulkJob, ItemState, JobState
from kantata_admin.bulk.outcomes import ItemResult, record
from kantata_admin.bulk.writing import (
    Batch,
    Interrupted,
    decide,
    failure,
    fields_to_read,
    is_transient,
    read_groups,
)
from kantata_admin.connections.errors import NotConnected, ReconnectNeeded
from kantata_admin.connections.services import client_for
from kantata_admin.kantata import AuthenticationError, KantataError
from kantata_admin.ratebudget.budget import JOB

BATCH_SIZE = 50
# Transient failures (429, 503, lost connections) an item may meet before it fails.
MAX_ATTEMPTS = 8
DISCONNECTED = (
    "Paused: {who}'s Kantata OX connection is gone or needs reconnecting. They reconnect, "
    "then resume the job; nothing was lost."
)


class Step(StrEnum):
    MORE = "more"  # items left: run another step
    FINISHED = "finished"
    BUSY = "busy"  # another worker holds the job
    PAUSED = "paused"


def stale_before() -> timezone.datetime:
    return timezone.now() - timedelta(seconds=settings.BULK_STALE_SECONDS)


def claim(job_id: int, worker_id: str) -> BulkJob | None:
    """Take the job for `worker_id` when no live worker holds it."""
    free = Q(worker_id="") | Q(heartbeat__isnull=True) | Q(heartbeat__lt=stale_before())
    taken = (
        BulkJob.objects.filter(pk=job_id, state__in=ACTIVE_STATES)
        .filter(free)
        .update(worker_id=worker_id, heartbeat=timezone.now())
    )
    if not taken:
        return None
    BulkJob.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=timezone.now()
    )
    return BulkJob.objects.select_related("starter").get(pk=job_id)


def release(job_id: int, worker_id: str) -> None:
    BulkJob.objects.filter(pk=job_id, worker_id=worker_id).update(
        worker_id="", heartbeat=timezone.now()
    )


@contextmanager
def heartbeat(job_id: int, worker_id: str) -> Iterator[None]:
    """Say every few seconds that this worker is alive and still holds the job."""
    stop = threading.Event()
    every = max(0.5, settings.BULK_STALE_SECONDS / 4)

    def beat() -> None:
        try:
            while not stop.wait(every):
                BulkJob.objects.filter(pk=job_id, worker_id=worker_id).update(
                    heartbeat=timezone.now()
                )
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"bulk-heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def run_step(job_id: int, worker_id: str) -> Step:
    job = claim(job_id, worker_id)
    if job is None:
        return Step.BUSY
    try:
        with heartbeat(job_id, worker_id):
            return _step(job, worker_id)
    finally:
        release(job_id, worker_id)


def _finish(job: BulkJob, state: JobState, reason: str = "") -> None:
    BulkJob.objects.filter(pk=job.pk).update(state=state, reason=reason, finished_at=timezone.now())


def _pause(job: BulkJob) -> Step:
    who = job.starter_email or "the starter"
    BulkJob.objects.filter(pk=job.pk).update(
        state=JobState.PAUSED, reason=DISCONNECTED.format(who=who)
    )
    return Step.PAUSED


def _cancelling(job_id: int) -> bool:
    return BulkJob.objects.filter(pk=job_id, state=JobState.CANCELLING).exists()


def _cancel_rest(job: BulkJob) -> None:
    with transaction.atomic():
        left = BulkItem.objects.filter(job=job, state=ItemState.PENDING).update(
            state=ItemState.CANCELLED, note="Not done: the job was cancelled."
        )
        BulkJob.objects.filter(pk=job.pk).update(
            state=JobState.CANCELLED,
            finished_at=timezone.now(),
            reason=f"Cancelled; {left} groups were left as they were.",
        )


def _step(job: BulkJob, worker_id: str) -> Step:
    if job.state == JobState.CANCELLING and not job.items.filter(state=ItemState.SENDING).exists():
        _cancel_rest(job)
        return Step.FINISHED
    try:
        client = client_for(job.starter, priority=JOB)
    except (NotConnected, ReconnectNeeded):
        return _pause(job)
    open_states = [ItemState.SENDING]
    if job.state != JobState.CANCELLING:
        open_states.append(ItemState.PENDING)
    items = list(job.items.filter(state__in=open_states).order_by("position")[:BATCH_SIZE])
    if not items:
        if job.state == JobState.CANCELLING:
            _cancel_rest(job)
        else:
            job.refresh_from_db(fields=["done", "failed"])
            if job.failed and not job.done:
                _finish(job, JobState.FAILED, "No group could be changed: see why below.")
            else:
                _finish(job, JobState.DONE)
        return Step.FINISHED
    try:
        ids = [i.group_id for i in items if not i.patch.get("recreate")]
        groups = read_groups(client, ids, field_ids=fields_to_read(items)) if ids else {}
    except AuthenticationError:
        return _pause(job)
    except KantataError as error:
        if is_transient(error):
            return Step.MORE
        for item in items:
            record(job, item, failure(error), worker_id=worker_id)
        return Step.MORE
    decisions = [decide(item, groups.get(item.group_id)) for item in items]
    for d in decisions:
        if d.result is not None and not record(job, d.item, d.result, worker_id=worker_id):
            return Step.BUSY
    writes = [d for d in decisions if d.result is None]
    if job.state == JobState.CANCELLING:
        # Items whose write never landed stay as they were: the job is being cancelled.
        BulkItem.objects.filter(pk__in=[d.item.pk for d in writes], state=ItemState.SENDING).update(
            state=ItemState.CANCELLED, note="Not done: the job was cancelled."
        )
        return Step.MORE
    # An item tried this often (transient failures, or steps that crashed) is given up on.
    for d in [d for d in writes if d.item.attempts >= MAX_ATTEMPTS]:
        writes.remove(d)
        gave_up = ItemResult(ItemState.FAILED, error=f"Given up after {MAX_ATTEMPTS} tries.")
        if not record(job, d.item, gave_up, worker_id=worker_id):
            return Step.BUSY
    if not _checkpoint(job, writes, worker_id):
        return Step.BUSY
    batch = Batch(client, stop=lambda: _cancelling(job.pk))
    try:
        batch.write(writes)
    except AuthenticationError:
        _record_results(job, writes, batch, worker_id)
        return _pause(job)
    except Interrupted as interruption:
        _record_results(job, writes, batch, worker_id, interruption=interruption)
        return Step.MORE
    _record_results(job, writes, batch, worker_id)
    return Step.MORE


def _checkpoint(job: BulkJob, writes: list, worker_id: str) -> bool:
    """Before any write goes out: each item is "sending", with its before and its try."""
    with transaction.atomic():
        if not BulkJob.objects.filter(pk=job.pk, worker_id=worker_id).exists():
            return False
        for d in writes:
            d.item.state = ItemState.SENDING
            d.item.attempts += 1
            d.item.before = d.before
        BulkItem.objects.bulk_update(
            [d.item for d in writes], ["state", "attempts", "before"], batch_size=100
        )
    return True


def _record_results(
    job: BulkJob,
    writes: list,
    batch: Batch,
    worker_id: str,
    *,
    interruption: Interrupted | None = None,
) -> None:
    for d in writes:
        result = batch.results.get(d.item.pk)
        if result is None and interruption is not None and d.item.attempts >= MAX_ATTEMPTS:
            result = ItemResult(
                ItemState.FAILED,
                error=f"Kantata OX kept answering with a temporary failure: {interruption}",
            )
        if result is not None:
            record(job, d.item, result, worker_id=worker_id)
