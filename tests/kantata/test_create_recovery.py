"""A create whose answer was lost: the group found afterwards is returned only if this call
made it; a group that already had the name is never passed off as the new one."""

import pytest

from kantata_admin.kantata import (
    KantataClient,
    Timeout,
    ValidationFailed,
    WorkspaceGroup,
    WorkspaceGroupFilters,
    track_calls,
)
from tests.sandbox_harness import LATE_MS, unique_name

SLOW_ANSWER = {"kind": "delay", "delay_ms": LATE_MS}


def _named(client, name: str) -> list[str]:
    return [g.id for g in client.workspace_groups.list(WorkspaceGroupFilters(matching=name))]


def test_timed_out_create_is_not_answered_with_an_older_group_of_that_name(
    sandbox, fresh_token, slow, seeded
):
    old = min(seeded.groups.values(), key=lambda g: g.created_at)
    sandbox.fault(fresh_token, **SLOW_ANSWER)
    with track_calls() as calls, pytest.raises(Timeout):
        slow.workspace_groups.create({"name": f"  {old.name.upper()} "})
    # Looked up once, found a group older than the call, and did not send again.
    assert [(c.method, c.status) for c in calls.calls] == [("POST", None), ("GET", 200)]


def test_timed_out_create_is_not_answered_with_a_new_group_holding_other_fields(
    sandbox, fresh_token, slow, client, new_group
):
    theirs = new_group(notes="theirs")
    sandbox.fault(fresh_token, **SLOW_ANSWER)
    with pytest.raises(Timeout):
        slow.workspace_groups.create({"name": theirs.name, "notes": "ours"})
    assert _named(client, theirs.name) == [theirs.id]
    assert client.workspace_groups.get(theirs.id).notes == "theirs"


def test_timed_out_create_returns_the_one_group_it_made(sandbox, fresh_token, slow, client):
    sandbox.fault(fresh_token, **SLOW_ANSWER)
    name = unique_name()
    group = slow.workspace_groups.create({"name": name, "notes": "once", "company": True})
    try:
        assert (group.name, group.notes, group.company) == (name, "once", True)
        assert _named(client, name) == [group.id]
    finally:
        client.workspace_groups.delete(group.id)


def _lookup_missing_the_first_time(client: KantataClient, name: str):
    """A lookup that ran before the lost create became visible: nothing the first time, the
    real lookup after that. It is passed in, as resources.create passes find_by_name."""
    looks = []

    def find(deadline: float) -> WorkspaceGroup | None:
        looks.append(deadline)
        if len(looks) == 1:
            return None
        return client.workspace_groups.find_by_name(name, deadline=deadline)

    return find, looks


def test_resent_create_refused_for_its_name_finds_the_group_the_first_one_made(
    sandbox, fresh_token, slow, client
):
    name = unique_name()
    body = {"workspace_group": {"name": name, "notes": "first"}}
    find, looks = _lookup_missing_the_first_time(slow, name)
    sandbox.fault(fresh_token, **SLOW_ANSWER)
    with track_calls() as calls:
        group = slow.create(
            "/workspace_groups.json",
            WorkspaceGroup,
            json=body,
            sent=body["workspace_group"],
            find_existing=find,
        )
    try:
        assert group.name == name and group.notes == "first"
        assert [(c.method, c.status) for c in calls.calls] == [
            ("POST", None),
            ("POST", 422),
            ("GET", 200),
        ]
        assert len(looks) == 2 and looks[0] == looks[1]  # one deadline for the whole create
        assert _named(client, name) == [group.id]
    finally:
        client.workspace_groups.delete(group.id)


def test_resent_create_refused_for_a_name_someone_else_holds_is_refused(
    sandbox, fresh_token, slow, seeded
):
    old = min(seeded.groups.values(), key=lambda g: g.created_at)
    body = {"workspace_group": {"name": old.name}}
    find, looks = _lookup_missing_the_first_time(slow, old.name)
    sandbox.fault(fresh_token, **SLOW_ANSWER)
    with pytest.raises(ValidationFailed) as caught:
        slow.create(
            "/workspace_groups.json",
            WorkspaceGroup,
            json=body,
            sent=body["workspace_group"],
            find_existing=find,
        )
    assert "name" in caught.value.field_errors
    assert len(looks) == 2


def test_find_by_name_ignores_surrounding_whitespace_and_case(client, new_group):
    group = new_group()
    assert client.workspace_groups.find_by_name(f"  {group.name.swapcase()}\t").id == group.id
