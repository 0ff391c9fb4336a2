"""Applying an import: a create whose earlier try may have landed is never duplicated
(the create-once recovery), the job's audit entries link to it, and a second apply of
the same dry run is refused."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from kantata_admin.audit.models import Action, AuditEntry
from kantata_admin.bulk.models import BulkItem, ItemState, JobState
from kantata_admin.imports.models import ImportRow, ImportRun
from kantata_admin.imports.services import keep_hours, purge_expired
from tests.bulk.conftest import run_here
from tests.imports.conftest import upload

pytestmark = pytest.mark.django_db(transaction=True)


def _same_name(witness, name: str) -> list:
    return [g for g in witness.workspace_groups.iter_all() if g.name.casefold() == name.casefold()]


def test_a_create_whose_worker_died_after_sending_is_not_made_twice(importer, login, witness):
    client = login(importer)
    name = f"Create once {uuid.uuid4().hex[:8]}"
    upload(client, [["id", "name", "notes"], ["", name, "From the file"]])
    run = ImportRun.objects.get()
    client.post(f"/import/{run.pk}/apply/")
    run.refresh_from_db()
    item = BulkItem.objects.get(job_id=run.job_id)
    # A worker sent the create, Kantata made the group, and the worker died before it
    # could record it: the item is left "sending", tried once.
    made = witness.workspace_groups.create({"name": name, "notes": "From the file"})
    BulkItem.objects.filter(pk=item.pk).update(state=ItemState.SENDING, attempts=1)
    try:
        job = run_here(run.job_id)

        assert (job.state, job.done, job.failed) == (JobState.DONE, 1, 0)
        assert [g.id for g in _same_name(witness, name)] == [made.id]
        item.refresh_from_db()
        assert item.new_group_id == made.id
        entry = AuditEntry.objects.get(bulk_item=item)
        assert entry.action == Action.GROUP_CREATE
        assert entry.group_id == made.id
        assert entry.changes["created_as"] == f"group #{made.id}"
        assert entry.changes["bulk_job"] == f"#{job.pk}"
    finally:
        for group in _same_name(witness, name):
            witness.workspace_groups.delete(group.id)


def test_a_dry_run_is_applied_once(importer, login, witness):
    client = login(importer)
    name = f"Apply once {uuid.uuid4().hex[:8]}"
    upload(client, [["id", "name"], ["", name]])
    run = ImportRun.objects.get()
    try:
        assert client.post(f"/import/{run.pk}/apply/").status_code == 302
        again = client.post(f"/import/{run.pk}/apply/", follow=True)
        run.refresh_from_db()
        assert f"This import was applied already, as bulk job #{run.job_id}." in (
            again.content.decode()
        )
        assert BulkItem.objects.filter(job_id=run.job_id).count() == 1
        run_here(run.job_id)
        assert len(_same_name(witness, name)) == 1
        page = client.get(f"/import/{run.pk}/").content.decode()
        assert f'Applied as <a href="/bulk/{run.job_id}/">bulk job #{run.job_id}</a>' in page
    finally:
        for group in _same_name(witness, name):
            witness.workspace_groups.delete(group.id)


def test_an_unapplied_dry_run_expires_and_an_applied_one_keeps_its_counts(importer, login, witness):
    client = login(importer)
    name = f"Expiry {uuid.uuid4().hex[:8]}"
    upload(client, [["id", "name"], ["", name]])
    upload(client, [["id", "name"], ["", f"{name} other"]])
    applied, _waiting = ImportRun.objects.order_by("pk")
    client.post(f"/import/{applied.pk}/apply/")
    old = timezone.now() - timedelta(hours=keep_hours() + 1)
    ImportRun.objects.update(created_at=old)
    try:
        assert purge_expired() >= 1
        assert list(ImportRun.objects.values_list("pk", flat=True)) == [applied.pk]
        assert not ImportRow.objects.exists()
        page = client.get(f"/import/{applied.pk}/").content.decode()
        assert "The rows are no longer kept." in page
        job_page = client.get(f"/bulk/{ImportRun.objects.get().job_id}/").content.decode()
        assert f'href="/import/{applied.pk}/" id="job-import">groups.csv</a>' in job_page
    finally:
        assert not _same_name(witness, name)  # never run: no worker, no run_here
