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
from kantata_admin.bulk.services import bulk_job_revert
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
    # A worker marked the create sent, sent it, Kantata made the group, and the worker
    # died before it could record it: the item is left "sending", tried once.
    sent = {**item.patch, "create_sent_at": timezone.now().isoformat()}
    BulkItem.objects.filter(pk=item.pk).update(state=ItemState.SENDING, attempts=1, patch=sent)
    witness.workspace_groups.create({"name": name, "notes": "From the file"})
    try:
        job = run_here(run.job_id)

        assert (job.state, job.done, job.failed) == (JobState.DONE, 1, 0)
        [made] = _same_name(witness, name)
        assert made.notes == "From the file"
        item.refresh_from_db()
        assert item.attempts == 2
        assert item.new_group_id == made.id
        entry = AuditEntry.objects.get(bulk_item=item)
        assert entry.action == Action.GROUP_CREATE
        assert entry.group_id == made.id
        assert entry.changes["created_as"] == f"group #{made.id}"
        assert entry.changes["bulk_job"] == f"#{job.pk}"
    finally:
        for group in _same_name(witness, name):
            witness.workspace_groups.delete(group.id)


def test_a_group_made_before_the_create_was_sent_is_not_adopted(importer, login, witness):
    """The item's create was sent (its marker is set), but the group of its name found on
    the retry is older than that (beyond a few seconds' clock difference): not its own."""
    client = login(importer)
    name = f"Older {uuid.uuid4().hex[:8]}"
    upload(client, [["id", "name"], ["", name]])
    run = ImportRun.objects.get()
    client.post(f"/import/{run.pk}/apply/")
    run.refresh_from_db()
    held = witness.workspace_groups.create({"name": name, "notes": "Held already"})
    item = BulkItem.objects.get(job_id=run.job_id)
    sent = {**item.patch, "create_sent_at": (timezone.now() + timedelta(seconds=30)).isoformat()}
    BulkItem.objects.filter(pk=item.pk).update(state=ItemState.SENDING, attempts=1, patch=sent)
    try:
        job = run_here(run.job_id)

        assert (job.done, job.failed) == (0, 1)
        item.refresh_from_db()
        assert f"A group named “{name}” already exists in Kantata OX." in item.error
        assert [g.id for g in _same_name(witness, name)] == [held.id]
        assert witness.workspace_groups.get(held.id).notes == "Held already"
    finally:
        for group in _same_name(witness, name):
            witness.workspace_groups.delete(group.id)


def test_a_group_the_import_never_created_is_not_adopted(importer, login, witness, import_sandbox):
    """A transient failure on the first create of a batch leaves the second item tried
    but never sent: on its retry, a group of its name that Kantata already held (made
    after the dry run, before the apply) is not taken for its own."""
    client = login(importer)
    tag = uuid.uuid4().hex[:8]
    first, second = f"Adopt first {tag}", f"Adopt second {tag}"
    upload(client, [["id", "name"], ["", first], ["", second]])
    run = ImportRun.objects.get()
    assert run.counts["create"] == 2
    held = witness.workspace_groups.create({"name": second, "notes": "Held already"})
    client.post(f"/import/{run.pk}/apply/")
    run.refresh_from_db()
    import_sandbox.fault(importer.kantata_token, kind="503")
    try:
        job = run_here(run.job_id)

        assert (job.state, job.done, job.failed) == (JobState.DONE, 1, 1)
        failed = job.items.get(state=ItemState.FAILED)
        assert failed.group_name == second
        assert f"A group named “{second}” already exists in Kantata OX." in failed.error
        assert not failed.new_group_id
        assert [g.id for g in _same_name(witness, second)] == [held.id]
        assert witness.workspace_groups.get(held.id).notes == "Held already"
        assert not AuditEntry.objects.filter(group_id=held.id).exists()
        page = client.get(f"/bulk/{job.pk}/").content.decode()
        assert f"A group named “{second}” already exists in Kantata OX." in page

        revert = run_here(bulk_job_revert(importer, job).pk)
        assert revert.state == JobState.DONE
        assert not _same_name(witness, first)
        assert [g.id for g in _same_name(witness, second)] == [held.id]
    finally:
        import_sandbox.clear_faults(importer.kantata_token)
        for group in _same_name(witness, first) + _same_name(witness, second):
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


def test_a_dry_run_not_finished_is_not_listed_shown_nor_applied(importer, login, witness):
    """A dry run is committed before its rows (500 at a time): until its counts are set
    it is not checked, and no page lists, shows or applies it; one never finished goes
    after a few minutes."""
    client = login(importer)
    name = f"Unfinished {uuid.uuid4().hex[:8]}"
    upload(client, [["id", "name"], ["", name]])
    run = ImportRun.objects.get()
    assert run.checked
    assert f'href="/import/{run.pk}/"' in client.get("/import/").content.decode()
    # The state of a run whose rows are still being stored.
    ImportRun.objects.filter(pk=run.pk).update(checked=False, counts={})

    assert f'href="/import/{run.pk}/"' not in client.get("/import/").content.decode()
    assert client.get(f"/import/{run.pk}/").status_code == 404
    assert client.post(f"/import/{run.pk}/apply/").status_code == 404
    run.refresh_from_db()
    assert run.job_id is None
    assert not BulkItem.objects.exists()

    assert purge_expired() == 0  # still being checked, perhaps
    ImportRun.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    assert purge_expired() == 1
    assert not ImportRun.objects.exists()
    assert not ImportRow.objects.exists()
    assert not _same_name(witness, name)


def test_an_apply_that_finds_the_run_applied_meanwhile_keeps_no_job(
    importer, login, witness, monkeypatch
):
    """Two applies of one dry run at once: both read the run unapplied (select_for_update
    does nothing on SQLite); the one that finds it applied when it records its job is
    refused and its job rolled back. (The rival's job is made in this test's one
    connection, so the rollback takes it too: what stays is that nothing is doubled.)"""
    from kantata_admin.bulk.models import BulkJob
    from kantata_admin.imports import services

    client = login(importer)
    name = f"Race {uuid.uuid4().hex[:8]}"
    upload(client, [["id", "name"], ["", name]])
    run = ImportRun.objects.get()
    real = services.bulk_import_start
    rivals: list = []

    def with_a_rival(*args, **kwargs):
        # The rival apply records its job while this one is starting its own.
        rivals.append(real(*args, **kwargs))
        ImportRun.objects.filter(pk=run.pk).update(job=rivals[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "bulk_import_start", with_a_rival)
    answer = client.post(f"/import/{run.pk}/apply/", follow=True)

    assert len(rivals) == 1
    assert "This import was applied already" in answer.content.decode()
    assert answer.redirect_chain == [(f"/import/{run.pk}/", 302)]
    assert not BulkJob.objects.exists()
    assert not BulkItem.objects.exists()
    assert run.rows.count() == 1  # this apply deleted nothing of the run
    assert not _same_name(witness, name)


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
