"""Kantata's 403 to a member's write is remembered for their connection (interface 2 of
the session's contracts): the group's page then shows Edit and Delete as unavailable with
the reason, the form says so but keeps Save, and a write that goes through forgets it."""

from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.services import connection_save_checked
from kantata_admin.groups.write_refusals import (
    REASON,
    clear_refusal,
    refusal_for,
    remember_refusal,
)
from tests.groups.edit_fixtures import stored
from tests.sandbox_harness import READONLY_EMAIL

pytestmark = pytest.mark.django_db


@pytest.fixture
def readonly_editor(kantata_sandbox, editor, login, _connect_tokens):
    """A dashboard editor connected as Kantata's collaborator, whose writes answer 403."""
    connection = connection_save_checked(editor, TokenGrant(_connect_tokens(READONLY_EMAIL)))
    return login(editor), connection


def _edit_post(client, group_id, **changes) -> dict:
    form = client.get(reverse("groups:edit", args=[group_id])).context["form"]
    data = {k: v for k, v in form.initial.items() if k not in {"workspace_titles"}}
    data["workspaces"] = form.initial.get("workspaces", [])
    return {**{k: ("" if v is None else v) for k, v in data.items()}, **changes}


def test_a_refused_edit_is_remembered_and_the_groups_page_says_why(readonly_editor, kantata, group):
    client, connection = readonly_editor
    response = client.post(
        reverse("groups:edit", args=[group.id]), _edit_post(client, group.id, contact_name="No")
    )
    assert response.status_code == 403
    assert stored(kantata, group.id).contact_name == ""
    refusal = refusal_for(connection)
    assert refusal is not None and refusal.reason.startswith(REASON)
    # The form shows the reason, Save still there.
    assert REASON in response.text and "Save changes</button>" in response.text

    page = client.get(reverse("groups:detail", args=[group.id])).text
    assert 'id="write-refusal-reason"' in page
    assert page.count('disabled aria-describedby="write-refusal-reason"') == 2
    assert f'href="{reverse("groups:edit", args=[group.id])}">Try anyway</a>' in page


def test_a_refused_create_and_a_refused_delete_are_remembered(
    readonly_editor, kantata, group, unique_name
):
    client, connection = readonly_editor
    response = client.post(reverse("groups:create"), {"name": unique_name})
    assert response.status_code == 403 and refusal_for(connection) is not None

    clear_refusal(connection)  # so that the delete's own 403 is what is remembered next
    response = client.post(
        reverse("groups:delete", args=[group.id]),
        {"name": group.name},
        headers={"HX-Request": "true"},
    )
    assert "was not deleted" in response.text
    assert refusal_for(connection) is not None
    assert kantata.workspace_groups.get(group.id).name == group.name


def test_a_write_that_goes_through_forgets_the_refusal(connect, editor, login, kantata, group):
    connection = connect(editor)
    client = login(editor)
    remember_refusal(connection, "Not now")
    assert "Not now" in client.get(reverse("groups:detail", args=[group.id])).text
    response = client.post(
        reverse("groups:edit", args=[group.id]), _edit_post(client, group.id, contact_name="Yes")
    )
    assert response.status_code == 302
    assert stored(kantata, group.id).contact_name == "Yes"
    assert refusal_for(connection) is None

    remember_refusal(connection)
    client.post(reverse("groups:delete", args=[group.id]), {"name": group.name})
    assert refusal_for(connection) is None


def test_a_save_and_a_delete_keep_the_lists_state(connect, editor, login, kantata, group):
    connect(editor)
    client = login(editor)
    list_query = "matching=Test&order=name%3Adesc&page=3"
    data = _edit_post(client, group.id, contact_name="Kept", _list=list_query)
    response = client.post(reverse("groups:edit", args=[group.id]), data)
    assert response["Location"] == (
        f"/groups/{group.id}/?_list=matching%3DTest%26order%3Dname%253Adesc%26page%3D3"
    )
    # The confirmation carries it into its form; the delete goes back to the list as it was.
    page = client.get(f"/groups/{group.id}/delete/?_list=matching%3DTest%26page%3D3").text
    assert '<input type="hidden" name="_list" value="matching=Test&amp;page=3">' in page
    response = client.post(
        reverse("groups:delete", args=[group.id]), {"name": group.name, "_list": "matching=Test"}
    )
    assert response["Location"] == "/groups/?matching=Test"


def test_every_page_shows_one_refusal_notice_the_same_way(connect, editor, login, group):
    """The list, the group's page, its form and its delete confirmation draw the same
    notice: one id for the reason (that the unavailable controls name), one class, the time
    in the member's zone with the zone said, and a way to try anyway."""
    editor.time_zone = "Europe/Paris"
    editor.save(update_fields=["time_zone"])
    connection = connect(editor)
    client = login(editor)
    remember_refusal(connection, "Not now")
    at = timezone.localtime(refusal_for(connection).at, ZoneInfo("Europe/Paris"))
    shown_at = f'<time datetime="{at.isoformat()}">{at:%H:%M} {at.tzname()}</time>'
    pages = {
        "list": (reverse("groups:list") + "?order=name%3Aasc", reverse("groups:create")),
        "detail": (reverse("groups:detail", args=[group.id]), None),
        "form": (reverse("groups:edit", args=[group.id]), None),
        "delete": (reverse("groups:delete", args=[group.id]), None),
    }
    for where, (url, _) in pages.items():
        page = client.get(url).text
        assert page.count('id="write-refusal-reason"') == 1, where
        assert page.count('class="message message-warning write-refusal"') == 1, where
        assert "write-refused" not in page, where
        assert shown_at in page, where
    detail = client.get(pages["detail"][0]).text
    assert f'<a href="{reverse("groups:edit", args=[group.id])}">Try anyway</a>' in detail
