"""Creating a group: one upstream call, never a duplicate, one audit entry."""

import pytest
from django.urls import reverse

from kantata_admin.audit.models import Action, Outcome
from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.services import connection_save_checked
from kantata_admin.groups.changes import GroupValues, ReferenceValues
from kantata_admin.groups.services import workspace_group_create
from kantata_admin.kantata import KantataClient, ValidationFailed, track_calls
from tests.groups.edit_fixtures import FAST_RETRIES, group_entries, stored, titles
from tests.sandbox_harness import IMPATIENT_TIMEOUT, LATE_MS

pytestmark = pytest.mark.django_db


def test_create_with_two_workspaces_is_one_call_and_one_audit_entry(
    kantata, editor, some_workspaces, unique_name
):
    first, second = some_workspaces[:2]
    values = GroupValues(
        name=unique_name,
        company=True,
        email="hello@example.test",
        workspace_ids=frozenset({first.id, second.id}),
        external_reference=ReferenceValues(
            service_name="salesforce", service_model="Account", service_model_ref="901"
        ),
    )
    with track_calls() as calls:
        group = workspace_group_create(
            client=kantata, actor=editor, values=values, account_id="acme"
        )
    assert calls.count == 1

    upstream = stored(kantata, group.id)
    assert upstream.name == unique_name and upstream.company is True
    assert upstream.email == "hello@example.test"
    assert titles(upstream) == sorted([first.title, second.title])
    assert [r.service_model_ref for r in upstream.external_references] == ["901"]

    entry = group_entries().get()
    assert (entry.action, entry.outcome) == (Action.GROUP_CREATE, Outcome.SUCCESS)
    assert (entry.actor, entry.actor_email) == (editor, editor.email)
    assert (entry.group_id, entry.group_name, entry.account_id) == (group.id, unique_name, "acme")
    assert entry.changes["fields"]["name"] == {"before": None, "after": unique_name}
    assert entry.changes["fields"]["email"]["after"] == "hello@example.test"
    assert (
        entry.changes["fields"]["external_reference"]["after"] == "salesforce/Account/901 (pending)"
    )
    assert entry.changes["workspaces_added"] == sorted([first.title, second.title])
    assert entry.changes["workspaces_removed"] == []
    kantata.workspace_groups.delete(group.id)


def test_duplicate_name_in_another_case_is_refused_and_audited(kantata, editor, unique_name):
    existing = kantata.workspace_groups.create({"name": unique_name})
    try:
        with pytest.raises(ValidationFailed) as refused, track_calls() as calls:
            workspace_group_create(
                client=kantata, actor=editor, values=GroupValues(name=unique_name.upper())
            )
        assert calls.count == 1
        assert "name" in refused.value.field_errors
        entry = group_entries().get()
        assert entry.outcome == Outcome.ERROR
        assert "already been taken" in entry.error
        assert entry.request_id and entry.request_id == refused.value.request_id
        assert entry.group_id == "" and entry.group_name == unique_name.upper()
    finally:
        kantata.workspace_groups.delete(existing.id)


def test_a_timed_out_create_is_not_duplicated(sandbox, fresh_token, editor, unique_name):
    # The sandbox runs the create, then answers too late for this client: the answer is
    # lost, and the client must find the group it made instead of making a second one.
    impatient = KantataClient(
        fresh_token, base_url=sandbox.api_url, read_timeout=IMPATIENT_TIMEOUT, retry=FAST_RETRIES
    )
    sandbox.fault(fresh_token, kind="delay", delay_ms=LATE_MS)
    group = workspace_group_create(
        client=impatient, actor=editor, values=GroupValues(name=unique_name, notes="once")
    )
    sandbox.clear_faults(fresh_token)

    same_name = [
        g
        for g in impatient.workspace_groups.iter_all()
        if g.name.casefold() == unique_name.casefold()
    ]
    assert [g.id for g in same_name] == [group.id]
    entry = group_entries().get()
    assert (entry.outcome, entry.group_id) == (Outcome.SUCCESS, group.id)
    impatient.workspace_groups.delete(group.id)


def test_the_member_sees_the_group_a_timed_out_create_made(
    kantata_sandbox, fresh_token, editor, login, settings, unique_name
):
    connection_save_checked(editor, TokenGrant(fresh_token))
    settings.KANTATA_READ_TIMEOUT = IMPATIENT_TIMEOUT
    kantata_sandbox.fault(fresh_token, kind="delay", delay_ms=LATE_MS)
    with track_calls() as calls:
        response = login(editor).post(reverse("groups:create"), {"name": unique_name})
    kantata_sandbox.clear_faults(fresh_token)
    # The create's answer was lost (no status), then the group was looked up, not re-sent.
    assert (calls.calls[0].method, calls.calls[0].status) == ("POST", None)
    assert [c.method for c in calls.calls].count("POST") == 1

    client = KantataClient(fresh_token, base_url=kantata_sandbox.api_url)
    made = [g for g in client.workspace_groups.iter_all() if g.name == unique_name]
    assert len(made) == 1
    assert response.status_code == 302
    assert response["Location"] == reverse("groups:detail", args=[made[0].id])
    client.workspace_groups.delete(made[0].id)
