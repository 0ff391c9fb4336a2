"""Updating a group: the check and the write, only the difference, the stale-edit guard,
Kantata's own refusals, one audit entry."""

import pytest

from kantata_admin.audit.models import Action, Outcome
from kantata_admin.groups.changes import GroupValues, ReferenceValues
from kantata_admin.groups.forms import GroupForm
from kantata_admin.groups.services import StaleEdit, workspace_group_update
from kantata_admin.kantata import (
    PermissionDenied,
    ServiceUnavailable,
    ValidationFailed,
    track_calls,
)
from tests.groups.edit_fixtures import group_entries, stored, titles

pytestmark = pytest.mark.django_db


def _update(client, actor, group, values, *, opened=None):
    opened_values = GroupValues.from_group(group)
    return workspace_group_update(
        client=client,
        actor=actor,
        group_id=group.id,
        values=values,
        opened=opened_values,
        opened_updated_at=opened if opened is not None else group.updated_at,
    )


def test_update_sends_the_difference_in_three_calls_and_audits_it(
    kantata, editor, group, some_workspaces
):
    kept, dropped = group.workspaces
    added = some_workspaces[2]
    typed = GroupValues.from_group(group)
    typed = GroupValues(
        **{
            **typed.__dict__,
            "email": "after@example.test",
            "notes": "Renewal in March",
            "workspace_ids": frozenset({kept.id, added.id}),
        }
    )
    with track_calls() as calls:
        result = _update(kantata, editor, group, typed)
    # The check (the group, its values: Kantata documents no include of them), the write.
    assert [c.method for c in calls.calls] == ["GET", "GET", "PUT"]
    assert result.written

    upstream = stored(kantata, group.id)
    assert (upstream.email, upstream.notes, upstream.name) == (
        "after@example.test",
        "Renewal in March",
        group.name,
    )
    assert titles(upstream) == sorted([kept.title, added.title])

    entry = group_entries().get()
    assert (entry.action, entry.outcome, entry.group_id) == (
        Action.GROUP_UPDATE,
        Outcome.SUCCESS,
        group.id,
    )
    assert entry.changes["fields"] == {
        "notes": {"before": "", "after": "Renewal in March"},
        "email": {"before": "before@example.test", "after": "after@example.test"},
    }
    assert entry.changes["workspaces_added"] == [added.title]
    assert entry.changes["workspaces_removed"] == [dropped.title]


def test_an_unchanged_form_writes_nothing(kantata, editor, group):
    with track_calls() as calls:
        result = _update(kantata, editor, group, GroupValues.from_group(group))
    assert calls.count == 2 and not result.written  # the group and its values
    assert not group_entries().exists()


def test_a_group_changed_meanwhile_is_not_overwritten(sandbox, admin_token, kantata, editor, group):
    # Someone changes the group straight through Kantata's API after the form opened.
    answer = sandbox.api(admin_token).put(
        f"{sandbox.api_url}/workspace_groups/{group.id}.json",
        json={"workspace_group": {"name": group.name, "phone_number": "+44 20 7946 0000"}},
    )
    assert answer.status_code == 200
    typed = GroupValues(**{**GroupValues.from_group(group).__dict__, "email": "mine@x.test"})

    with track_calls() as calls, pytest.raises(StaleEdit) as stale:
        _update(kantata, editor, group, typed)
    assert calls.count == 2  # the check only (the group and its values)
    assert stale.value.changed_meanwhile == ["phone_number"]
    assert stale.value.current_values.phone_number == "+44 20 7946 0000"
    assert stored(kantata, group.id).email == "before@example.test"
    assert not group_entries().exists()

    # Saving again on the version now shown overwrites, keeping the other change.
    result = _update(kantata, editor, stale.value.current, typed)
    assert result.written
    upstream = stored(kantata, group.id)
    assert upstream.email == "mine@x.test"


def test_kantata_refusing_the_user_is_audited_with_its_request_id(readonly_kantata, editor, group):
    # The form opens on the group as this user sees it (fewer workspaces than an admin).
    seen = stored(readonly_kantata, group.id)
    typed = GroupValues(**{**GroupValues.from_group(seen).__dict__, "notes": "no"})
    with pytest.raises(PermissionDenied) as refused:
        _update(readonly_kantata, editor, seen, typed)
    entry = group_entries().get()
    assert entry.outcome == Outcome.ERROR and entry.request_id == refused.value.request_id
    assert entry.changes["fields"]["notes"] == {"before": "", "after": "no"}


def test_a_503_is_audited_and_nothing_is_written(sandbox, own_kantata, fresh_token, editor, group):
    sandbox.fault(fresh_token, kind="503", count=10)
    typed = GroupValues(**{**GroupValues.from_group(group).__dict__, "notes": "later"})
    try:
        with pytest.raises(ServiceUnavailable):
            _update(own_kantata, editor, group, typed)
    finally:
        sandbox.clear_faults(fresh_token)
    entry = group_entries().get()
    assert entry.outcome == Outcome.ERROR and "503" in entry.error
    assert stored(own_kantata, group.id).notes in ("", None)


def test_nested_external_reference_errors_land_on_their_fields(kantata, editor, group):
    too_long = "x" * 101  # past the sandbox's 100-character column
    typed = GroupValues(
        **{
            **GroupValues.from_group(group).__dict__,
            "external_reference": ReferenceValues(
                service_name=too_long, service_model="Account", service_model_ref="7"
            ),
        }
    )
    with pytest.raises(ValidationFailed) as refused:
        _update(kantata, editor, group, typed)
    form = GroupForm({"name": group.name}, editing=False)
    form.is_valid()
    form.add_upstream_errors(refused.value)
    assert "too long" in form.errors["external_reference_service_name"][0]
    assert group_entries().get().outcome == Outcome.ERROR
