"""Background work through Django's Tasks API. django-tasks-db runs a task once and never
retries it, so a step that leaves items re-enqueues its own continuation, and the reaper
gives a job whose worker stopped heartbeating to a new step."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import timedelta

from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from kantata_admin.bulk.models import ACTIVE_STATES, BulkJob
from kantata_admin.bulk.runner import Step, run_step, stale_before
from kantata_admin.ratebudget.budget import cooldown_remaining

logger = logging.getLogger(__name__)
CRASH_PAUSE = 10.0


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@task()
def run_bulk_job(job_id: int) -> str:
    try:
        outcome = run_step(job_id, _worker_id())
    except Exception:
        # A bug or a database hiccup: the job goes on after a pause; each item's tries are
        # counted, so a step that keeps failing ends its items as failed, never loops.
        logger.exception("bulk job %s: a step failed; trying again shortly", job_id)
        enqueue_step(job_id, delay=CRASH_PAUSE)
        raise
    if outcome == Step.MORE:
        job = BulkJob.objects.filter(pk=job_id).only("account_id").first()
        # After a 429 the account's jobs wait anyway: the next step starts when they may.
        enqueue_step(job_id, delay=cooldown_remaining(job.account_id) if job else 0)
    return str(outcome)


def enqueue_step(job_id: int, *, delay: float = 0) -> None:
    step = run_bulk_job
    if delay > 0:
        step = run_bulk_job.using(run_after=timezone.now() + timedelta(seconds=delay))
    step.enqueue(job_id)


def reap_stalled() -> list[int]:
    """Give every active job that no live worker holds to a new step; the job ids."""
    stale = stale_before()
    reaped = []
    candidates = BulkJob.objects.filter(state__in=ACTIVE_STATES).filter(
        Q(heartbeat__lt=stale) | Q(heartbeat__isnull=True, created_at__lt=stale)
    )
    for job_id in candidates.values_list("pk", flat=True):
        # Only one reaper wins a job: the update is conditional on it still being stale.
        won = (
            BulkJob.objects.filter(pk=job_id)
            .filter(Q(heartbeat__lt=stale) | Q(heartbeat__isnull=True))
            .update(worker_id="", heartbeat=timezone.now())
        )
        if won:
            logger.warning("bulk job %s: its worker stopped heartbeating; resuming", job_id)
            enqueue_step(job_id)
            reaped.append(job_id)
    return reaped
