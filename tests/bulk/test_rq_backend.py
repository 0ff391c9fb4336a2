"""The RQ engine on Redis (django-tasks-rq through Django 6.1's Tasks API), chosen by
setting: a real `rqworker` process (through `bulk_worker`) runs a job, is SIGKILLed in the
middle, and a new one finishes it. Runs in CI's PostgreSQL + Redis leg; skipped without
REDIS_URL."""

import os
import uuid

import pytest
from asgiref.local import Local
from django.tasks import task_backends

from kantata_admin.audit.models import AuditEntry
from kantata_admin.bulk.models import BulkItem, ItemState, JobState
from tests.bulk.conftest import job_finished, wait_for
from tests.bulk.helpers import acme_groups, custom_field, start_set_custom, values_of, witness

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI's Redis leg)"),
]
GROUPS = 60


def _reset_backends() -> None:
    task_backends.__dict__.pop("settings", None)
    task_backends._settings = None
    task_backends._connections = Local(task_backends.thread_critical)


@pytest.fixture
def rq_backend(settings, bulk_env):
    """This process enqueues through RQ, and the workers it starts run `rqworker`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": os.environ["REDIS_URL"]}}
    _reset_backends()
    bulk_env.update(TASKS_BACKEND="django_tasks_rq.RQBackend", REDIS_URL=os.environ["REDIS_URL"])
    yield
    _reset_backends()


def test_rq_worker_killed_mid_job_is_resumed_by_the_next(
    bulk_sandbox, bulk_tokens, starter, rq_backend, workers
):
    api = witness(bulk_sandbox, bulk_tokens[0])
    field = custom_field(api, "string")
    groups = acme_groups(api, GROUPS)
    ids = [g.id for g in groups]
    wanted = f"RQ {uuid.uuid4().hex[:8]}"
    bulk_sandbox.fault(starter.kantata_token, kind="429", count=2)
    bulk_sandbox.fault(starter.kantata_token, kind="503", count=1)
    job = start_set_custom(starter, groups, field.id, wanted)
    first = workers.start()
    wait_for(
        lambda: BulkItem.objects.filter(job=job, state=ItemState.SENDING).exists(),
        90,
        "a batch in flight",
        workers.log,
    )
    workers.kill(first)
    workers.start()
    wait_for(lambda: job_finished(job.pk), 120, "the job to finish", workers.log)

    job.refresh_from_db()
    assert job.state == JobState.DONE, job.reason
    assert (job.done, job.failed, job.skipped) == (GROUPS, 0, 0)
    assert all(v == [wanted] for v in values_of(api, ids, field.id).values())
    assert AuditEntry.objects.filter(bulk_item__job=job).count() == GROUPS
