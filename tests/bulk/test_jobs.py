"""A bulk job runs in a real worker process against the sandbox: each group is written
once, each change is an audit entry linked to the job."""

import pytest

from kantata_admin.audit.models import AuditEntry
from kantata_admin.bulk.models import BulkItem, ItemState, JobState
from kantata_admin.bulk.services import bulk_job_start
from tests.bulk.conftest import job_finished, wait_for
from tests.bulk.helpers import acme_groups, custom_field, values_of, witness

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_job_sets_a_custom_field_on_every_selected_group(
    bulk_sandbox, bulk_tokens, starter, workers
):
    api = witness(bulk_sandbox, bulk_tokens[0])
    field = custom_field(api, "string")
    groups = acme_groups(api, 12)
    before = values_of(api, [g.id for g in groups], field.id)
    job = bulk_job_start(
        starter,
        action="set_custom",
        values={
            "field_id": field.id,
            "value_type": "string",
            "value": "Tier A",
            "field_names": {field.id: field.name},
        },
        groups=[(g.id, g.name) for g in groups],
        selection={"ids": [g.id for g in groups]},
    )
    workers.start()
    wait_for(lambda: job_finished(job.pk), 60, "the job to finish", workers.log)

    job.refresh_from_db()
    assert job.state == JobState.DONE
    ids = [g.id for g in groups]
    stored = values_of(api, ids, field.id)
    assert all(stored[gid] == ["Tier A"] for gid in ids), stored
    already = {gid for gid, found in before.items() if found == ["Tier A"]}
    assert job.done == 12 - len(already) and job.skipped == len(already) and job.failed == 0
    entries = AuditEntry.objects.filter(bulk_item__job=job)
    assert entries.count() == job.done
    entry = entries.first()
    assert entry.changes["bulk_job"] == f"#{job.pk}"
    assert entry.changes["fields"][field.name]["after"] == "Tier A"
    assert entry.actor == starter
    assert (
        not BulkItem.objects.filter(job=job)
        .exclude(state__in=[ItemState.DONE, ItemState.SKIPPED])
        .exists()
    )
