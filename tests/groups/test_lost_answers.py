"""A write whose answer was lost says so (issue 14, defect 6): when Kantata does the work
and its answer comes back cut or garbled (the sandbox's `malformed` fault), the group is
read back and the write reported as it stands, in the page and in the audit entry."""

from dataclasses import replace

import pytest
from django.urls import reverse

from kantata_admin.audit.models import Action, Outcome
from kantata_admin.connections import crypto
from kantata_admin.groups.changes import GroupValues
from kantata_admin.groups.services import (
    workspace_group_create,
    workspace_group_delete,
    workspace_group_update,
)
from kantata_admin.kantata import NotFound, track_calls
from tests.groups.edit_fixtures import group_entries, stored
from tests.sandbox_harness import unique_name

pytestmark = pytest.mark.django_db


def _garble_second_call(sandbox, token: str) -> None:
    """The next two calls (the group, then its custom field values, which Kantata documents
    no include for) answer as usual (a 1 ms wait), the write after them runs and is
    garbled."""
    sandbox.fault(token, kind="delay", delay_ms=1, count=2)
    sandbox.fault(token, kind="malformed")


def test_an_update_whose_answer_is_garbled_is_read_back_and_saved(
    sandbox, fresh_token, own_kantata, kantata, editor, group
):
    typed = replace(GroupValues.from_group(group), email="after@example.test")
    _garble_second_call(sandbox, fresh_token)

    with track_calls() as calls:
        result = workspace_group_update(
            client=own_kantata,
            actor=editor,
            group_id=group.id,
            values=typed,
            opened=GroupValues.from_group(group),
            opened_updated_at=group.updated_at,
        )

    assert [c.method for c in calls.calls] == [
        "GET",
        "GET",
        "PUT",
        "GET",
    ]  # the check (the group, its values), the write, the read-back
    assert result.written and result.group.email == "after@example.test"
    assert stored(kantata, group.id).email == "after@example.test"
    entry = group_entries().get()
    assert (entry.action, entry.outcome) == (Action.GROUP_UPDATE, Outcome.SUCCESS)
    assert entry.changes["answer_lost"] == "read back: saved"
    assert entry.changes["fields"]["email"] == {
        "before": "before@example.test",
        "after": "after@example.test",
    }


def test_a_delete_whose_answer_is_garbled_is_read_back_and_done(
    sandbox, fresh_token, own_kantata, kantata, editor, group
):
    _garble_second_call(sandbox, fresh_token)

    deleted = workspace_group_delete(client=own_kantata, actor=editor, group_id=group.id)

    assert deleted.id == group.id
    with pytest.raises(NotFound):
        kantata.workspace_groups.get(group.id)
    entry = group_entries().get()
    assert (entry.action, entry.outcome) == (Action.GROUP_DELETE, Outcome.SUCCESS)
    assert entry.changes["answer_lost"] == "read back: saved"


def test_a_create_whose_answer_is_garbled_is_found_and_made_once(
    sandbox, fresh_token, own_kantata, kantata, editor
):
    name = unique_name()
    sandbox.fault(fresh_token, kind="malformed")

    created = workspace_group_create(
        client=own_kantata, actor=editor, values=GroupValues(name=name, email="x@example.test")
    )

    made = [g for g in kantata.workspace_groups.iter_all() if g.name == name]
    try:
        assert [g.id for g in made] == [created.id]
        entry = group_entries().get()
        assert (entry.action, entry.outcome, entry.group_id) == (
            Action.GROUP_CREATE,
            Outcome.SUCCESS,
            created.id,
        )
    finally:
        for group in made:
            kantata.workspace_groups.delete(group.id)


def test_the_edit_page_says_saved_when_the_answer_was_garbled(
    sandbox, connect, editor, login, kantata, group
):
    connection = connect(editor)
    token = crypto.unseal(
        connection.access_token_encrypted, owner_id=editor.pk, purpose=crypto.ACCESS
    )
    client = login(editor)
    opened = client.get(reverse("groups:edit", args=[group.id])).context["form"].initial["opened"]
    _garble_second_call(sandbox, token)

    response = client.post(
        reverse("groups:edit", args=[group.id]),
        {
            "name": group.name,
            "email": "page@example.test",
            "workspaces": [w.id for w in group.workspaces or ()],
            "opened": opened,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("groups:detail", args=[group.id])
    assert stored(kantata, group.id).email == "page@example.test"
    assert "refused" not in " ".join(str(m) for m in response.wsgi_request._messages)
