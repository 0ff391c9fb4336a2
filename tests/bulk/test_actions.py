"""Every action a bulk job can take, run through the runner against the sandbox, and
read back through the sandbox's API; each change an audit entry; each revertible."""

import uuid

import pytest

from kantata_admin.audit.models import Action, AuditEntry
from kantata_admin.bulk.models import ItemState, JobState
from kantata_admin.bulk.runner import Step, run_step
from kantata_admin.bulk.services import (
    audit_entry_revert,
    bulk_job_cancel,
    bulk_job_revert,
    bulk_job_start,
)
from kantata_admin.connections.models import KantataConnection
from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.services import connection_save_checked
from kantata_admin.kantata import CustomFieldValueInput, NotFound
from tests.bulk.conftest import run_here
from tests.bulk.helpers import acme_groups, custom_field, values_of
from tests.sandbox_harness import READONLY_EMAIL

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fresh_groups(own_groups):
    return own_groups(3)[1]


def _start(starter, groups, action, **values):
    return bulk_job_start(
        starter,
        action=action,
        values=values,
        groups=[(g.id, g.name) for g in groups],
        selection={"ids": [g.id for g in groups]},
    )


def test_set_and_clear_group_fields(starter, api, fresh_groups):
    job = run_here(_start(starter, fresh_groups, "set_field", field="company", value="yes").pk)
    assert (job.state, job.done) == (JobState.DONE, 3)
    assert all(api.workspace_groups.get(g.id).company for g in fresh_groups)
    job = run_here(
        _start(starter, fresh_groups, "set_field", field="contact_name", value="Ada L.").pk
    )
    assert {api.workspace_groups.get(g.id).contact_name for g in fresh_groups} == {"Ada L."}
    job = run_here(_start(starter, fresh_groups, "clear_field", field="contact_name").pk)
    assert job.done == 3
    assert {api.workspace_groups.get(g.id).contact_name or "" for g in fresh_groups} == {""}
    entry = AuditEntry.objects.filter(bulk_item__job=job).first()
    assert entry.changes["fields"]["contact_name"] == {"before": "Ada L.", "after": ""}


def test_add_and_remove_a_workspace(starter, api, fresh_groups):
    workspace = next(iter(api.workspaces.iter_all()))
    job = run_here(_start(starter, fresh_groups, "add_workspace", workspace_id=workspace.id).pk)
    assert job.done == 3
    assert all(
        workspace.id in api.workspace_groups.get(g.id, include=["workspaces"]).workspace_ids
        for g in fresh_groups
    )
    job = run_here(_start(starter, fresh_groups, "remove_workspace", workspace_id=workspace.id).pk)
    assert job.done == 3
    assert not any(
        workspace.id in api.workspace_groups.get(g.id, include=["workspaces"]).workspace_ids
        for g in fresh_groups
    )


@pytest.mark.parametrize(
    ("value_type", "value", "read_back"),
    [
        ("string", "Gold", "Gold"),
        ("number", "12.5", 12.5),
        ("date", "2026-03-01", "2026-03-01"),
        ("currency", [125000, "USD"], [125000, "USD"]),
        ("single", None, None),
        ("multi", None, None),
    ],
)
def test_set_then_clear_a_custom_field_of_every_type(
    starter, api, fresh_groups, value_type, value, read_back
):
    field = custom_field(api, value_type)
    if value_type in ("single", "multi"):
        choices = [c.id for c in api.custom_field_choices.iter_all([field.id])]
        value = [int(choices[0])] if value_type == "single" else [int(c) for c in choices[:2]]
        read_back = value
    ids = [g.id for g in fresh_groups]
    job = run_here(
        _start(
            starter,
            fresh_groups,
            "set_custom",
            field_id=field.id,
            value_type=value_type,
            value=value,
        ).pk
    )
    assert (job.done, job.failed) == (3, 0), list(job.items.values_list("error", flat=True))
    stored = values_of(api, ids, field.id)
    assert all(len(stored[g]) == 1 for g in ids)
    assert all(
        (float(stored[g][0]) if value_type == "number" else stored[g][0]) == read_back for g in ids
    ), stored
    job = run_here(
        _start(starter, fresh_groups, "clear_custom", field_id=field.id, value_type=value_type).pk
    )
    assert job.done == 3
    assert values_of(api, ids, field.id) == {g: [] for g in ids}


def test_delete_then_revert_recreates_with_new_ids(starter, api, fresh_groups):
    field = custom_field(api, "string")
    group = fresh_groups[0]
    api.custom_field_values.create([CustomFieldValueInput(group.id, field.id, "Keep me")])
    job = run_here(_start(starter, [group], "delete").pk)
    assert job.done == 1
    with pytest.raises(NotFound):
        api.workspace_groups.get(group.id)
    assert AuditEntry.objects.get(bulk_item__job=job).action == Action.GROUP_DELETE
    revert = run_here(bulk_job_revert(starter, job).pk)
    item = revert.items.get()
    assert item.state == ItemState.DONE and item.new_group_id and item.new_group_id != group.id
    assert "new group" in item.note
    again = api.workspace_groups.get(item.new_group_id)
    assert again.name == group.name
    assert values_of(api, [again.id], field.id) == {again.id: ["Keep me"]}
    api.workspace_groups.delete(again.id)


def test_a_single_change_is_reverted_and_a_refusal_is_listed(starter, api, fresh_groups):
    job = run_here(_start(starter, fresh_groups, "set_field", field="notes", value="bulk").pk)
    entry = AuditEntry.objects.filter(bulk_item__job=job).first()
    revert = run_here(audit_entry_revert(starter, entry).pk)
    assert revert.done == 1
    assert api.workspace_groups.get(entry.group_id).notes in ("", None)


def test_a_disconnected_starter_pauses_the_job_with_a_reason(starter, api, fresh_groups):
    job = _start(starter, fresh_groups, "set_field", field="notes", value="paused?")
    KantataConnection.objects.filter(user=starter).delete()
    job = run_here(job.pk)
    assert job.state == JobState.PAUSED
    assert "reconnect" in job.reason and starter.email in job.reason
    assert job.items.filter(state=ItemState.PENDING).count() == 3


def test_groups_kantata_refuses_fail_one_by_one_with_its_reason(
    make_member, bulk_env, bulk_sandbox, fresh_groups
):
    member = make_member("editor", "bulk-refused@team.test")
    connection_save_checked(member, TokenGrant(bulk_sandbox.token(READONLY_EMAIL)))
    job = run_here(_start(member, fresh_groups, "set_field", field="notes", value="no").pk)
    assert (job.state, job.done, job.failed) == (JobState.FAILED, 0, 3)
    item = job.items.first()
    assert item.state == ItemState.FAILED and item.error and item.request_id
    entry = AuditEntry.objects.get(bulk_item=item)
    assert entry.outcome == "error" and entry.request_id == item.request_id


def test_cancelling_a_running_job_stops_after_the_groups_in_flight(starter, api):
    groups = acme_groups(api, 120)
    job = _start(starter, groups, "set_field", field="notes", value=f"C {uuid.uuid4().hex[:6]}")
    assert run_step(job.pk, "test-process") == Step.MORE  # the first 50
    assert bulk_job_cancel(job)
    job = run_here(job.pk)
    assert job.state == JobState.CANCELLED and "70 groups were left" in job.reason
    assert (job.done, job.failed) == (50, 0)
    assert job.items.filter(state=ItemState.CANCELLED).count() == 70
