"""Deleting a group: confirmation naming it, two upstream calls, the row leaving the list
under htmx, a group already deleted elsewhere reported as such, one audit entry."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils.html import escape

from kantata_admin.audit.models import Action, Outcome
from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.services import connection_save_checked
from kantata_admin.groups.services import AlreadyDeleted, workspace_group_delete
from kantata_admin.kantata import NotFound, PermissionDenied, track_calls
from tests.groups.edit_fixtures import group_entries
from tests.sandbox_harness import READONLY_EMAIL

pytestmark = pytest.mark.django_db


def test_delete_reads_the_last_values_then_deletes_in_three_calls(kantata, editor, group):
    with track_calls() as calls:
        workspace_group_delete(client=kantata, actor=editor, group_id=group.id)
    # The group, its values (documented: not an include of groups), the delete.
    assert [c.method for c in calls.calls] == ["GET", "GET", "DELETE"]
    with pytest.raises(NotFound):
        kantata.workspace_groups.get(group.id)
    entry = group_entries().get()
    assert (entry.action, entry.outcome, entry.group_name) == (
        Action.GROUP_DELETE,
        Outcome.SUCCESS,
        group.name,
    )
    # The last known values, kept for the record.
    assert entry.changes["fields"]["email"] == {"before": "before@example.test", "after": None}
    assert entry.changes["workspaces_removed"] == sorted(w.title for w in group.workspaces)


def test_a_group_deleted_elsewhere_is_reported_as_such(kantata, editor, group):
    kantata.workspace_groups.delete(group.id)
    with pytest.raises(AlreadyDeleted):
        workspace_group_delete(client=kantata, actor=editor, group_id=group.id)
    entry = group_entries().get()
    assert entry.outcome == Outcome.ERROR and entry.request_id


def test_kantata_refusing_the_delete_keeps_the_group(readonly_kantata, kantata, editor, group):
    with pytest.raises(PermissionDenied):
        workspace_group_delete(client=readonly_kantata, actor=editor, group_id=group.id)
    assert kantata.workspace_groups.get(group.id).name == group.name
    assert group_entries().get().outcome == Outcome.ERROR


def test_the_confirmation_names_the_group(connect, editor, login, group):
    connect(editor)
    page = login(editor).get(reverse("groups:delete", args=[group.id]))
    assert page.status_code == 200
    assert f"Delete “{group.name}”?" in page.text


def test_with_htmx_the_row_leaves_the_list(connect, editor, login, kantata, group):
    connect(editor)
    response = login(editor).post(
        reverse("groups:delete", args=[group.id]),
        {"name": group.name},
        headers={"HX-Request": "true"},
    )
    # The row leaves (nothing takes its place); the notice goes into the list's live region,
    # out of band.
    assert response.status_code == 200 and "<tr" not in response.text
    assert 'hx-swap-oob="innerHTML:#list-notices"' in response.text
    assert f"Deleted “{group.name}”." in response.text
    with pytest.raises(NotFound):
        kantata.workspace_groups.get(group.id)


def test_with_htmx_a_group_deleted_elsewhere_says_so_in_its_row(
    connect, editor, login, kantata, group
):
    connect(editor)
    kantata.workspace_groups.delete(group.id)
    response = login(editor).post(
        reverse("groups:delete", args=[group.id]),
        {"name": group.name},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert f"“{group.name}” was not found in your Kantata OX account" in response.text
    assert response.text.lstrip().startswith("<tr")


def test_without_htmx_a_delete_goes_back_to_the_list_with_a_message(connect, editor, login, group):
    connect(editor)
    client = login(editor)
    response = client.post(reverse("groups:delete", args=[group.id]), {"name": group.name})
    assert response.status_code == 302 and response["Location"] == reverse("groups:list")
    [shown] = [str(m) for m in response.wsgi_request._messages]
    assert shown.startswith(f'Deleted “{group.name}”. <a href="/groups/{group.id}/#history-')
    assert shown.endswith(">See the delete in its history</a>")


def test_with_htmx_kantata_refusing_the_delete_says_so_in_the_row(
    kantata_sandbox, editor, login, kantata, group, _connect_tokens
):
    connection_save_checked(editor, TokenGrant(_connect_tokens(READONLY_EMAIL)))
    response = login(editor).post(
        reverse("groups:delete", args=[group.id]),
        {"name": group.name, "_list": "matching=a&order=name%3Adesc&page=2"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Your Kantata account may not change this group." in response.text
    assert 'class="row-notice row-error"' in response.text
    # The row's way to the group keeps the list's state, as every link from the list does.
    detail = reverse("groups:detail", args=[group.id])
    state = urlencode({"_list": "matching=a&order=name%3Adesc&page=2"})
    assert f'<a href="{detail}?{escape(state)}">Open the group</a>' in response.text
    assert kantata.workspace_groups.get(group.id).name == group.name
