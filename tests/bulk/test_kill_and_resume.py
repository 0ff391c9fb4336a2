"""Done-when of issue 19: a job over 150 groups, with 429 bursts (no Retry-After) and 503s
injected, its worker SIGKILLed mid-batch and a new one started: every group changed
exactly once, the counts match, 150 audit entries; then its revert restores the 150
previous values, skipping (and listing) a group changed by hand meanwhile."""

import uuid

import pytest
from django.db.models import Count

from kantata_admin.audit.models import AuditEntry
from kantata_admin.bulk.models import BulkItem, BulkJob, ItemState, JobState
from kantata_admin.bulk.services import bulk_job_revert
from tests.bulk.conftest import job_finished, wait_for
from tests.bulk.helpers import acme_groups, custom_field, start_set_custom, values_of, witness

pytestmark = pytest.mark.django_db(transaction=True)
GROUPS = 150


def _mid_batch(job_id: int) -> bool:
    job = BulkJob.objects.get(pk=job_id)
    writing = BulkItem.objects.filter(job_id=job_id, state=ItemState.SENDING).exists()
    return job.done >= 1 and writing


def test_killed_worker_resumes_without_redoing_and_the_revert_restores(
    bulk_sandbox, bulk_tokens, starter, workers, bulk_env, settings
):
    api = witness(bulk_sandbox, bulk_tokens[0])
    field = custom_field(api, "string")
    groups = acme_groups(api, GROUPS)
    ids = [g.id for g in groups]
    previous = values_of(api, ids, field.id)
    # Both kinds of write: new values (a second create of one would be refused by Kantata,
    # one value per field and group, and fail its item) and changed values.
    had_value = sum(1 for found in previous.values() if found)
    assert 10 < had_value < GROUPS - 10, had_value
    wanted = f"Wave {uuid.uuid4().hex[:8]}"
    # Bursts of 429s without Retry-After, and 503s, on the starter's own token.
    token = starter.kantata_token
    bulk_sandbox.fault(token, kind="429", count=3)
    bulk_sandbox.fault(token, kind="503", count=2)
    job = start_set_custom(starter, groups, field.id, wanted)
    first = workers.start()
    wait_for(lambda: _mid_batch(job.pk), 90, "a batch in flight", workers.log)
    workers.kill(first)
    job.refresh_from_db()
    assert not job.finished and job.done < GROUPS
    in_flight = list(
        BulkItem.objects.filter(job=job, state=ItemState.SENDING).values_list("pk", flat=True)
    )
    assert in_flight
    bulk_sandbox.fault(token, kind="429", count=4)
    bulk_sandbox.fault(token, kind="503", count=1)
    workers.start()
    wait_for(lambda: job_finished(job.pk), 120, "the job to finish", workers.log)

    job.refresh_from_db()
    assert job.state == JobState.DONE, job.reason
    assert (job.total, job.done, job.failed, job.skipped) == (GROUPS, GROUPS, 0, 0)
    # The items in flight at the kill were taken up again: found written, or written now.
    assert set(BulkItem.objects.filter(pk__in=in_flight).values_list("state", flat=True)) == {
        ItemState.DONE
    }
    stored = values_of(api, ids, field.id)
    # One value per group, the one asked for: a second create would have been refused
    # (one value per field and group) and failed its item.
    assert all(stored[gid] == [wanted] for gid in ids), stored
    entries = AuditEntry.objects.filter(bulk_item__job=job)
    assert entries.count() == GROUPS
    per_group = entries.values("group_id").annotate(n=Count("id"))
    assert {row["n"] for row in per_group} == {1} and len(per_group) == GROUPS

    # By hand, meanwhile: one group's value changes. The revert must leave it alone.
    touched = ids[7]
    value_id = next(
        v.id for v in api.custom_field_values.for_group(touched) if v.custom_field_id == field.id
    )
    api.custom_field_values.update(value_id, "Changed by hand")
    revert = bulk_job_revert(starter, job)
    wait_for(lambda: job_finished(revert.pk), 120, "the revert to finish", workers.log)

    revert.refresh_from_db()
    assert revert.state == JobState.DONE, revert.reason
    assert (revert.done, revert.skipped, revert.failed) == (GROUPS - 1, 1, 0)
    skipped = revert.items.get(state=ItemState.SKIPPED)
    assert skipped.group_id == touched and "Changed since" in skipped.note
    restored = values_of(api, ids, field.id)
    assert restored[touched] == ["Changed by hand"]
    assert {gid: restored[gid] for gid in ids if gid != touched} == {
        gid: previous[gid] for gid in ids if gid != touched
    }
    assert AuditEntry.objects.filter(bulk_item__job=revert).count() == GROUPS - 1
