"""A save costs two upstream calls before the member sees the result: the group's page
after a save is drawn from the write's own answer (issue 15 item 6)."""

import pytest
from django.urls import reverse

from kantata_admin.kantata import track_calls
from tests.groups.edit_fixtures import stored

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(connect, editor, login):
    connect(editor)
    return login(editor)


def _opened(client, group_id):
    page = client.get(reverse("groups:edit", args=[group_id]))
    assert page.status_code == 200
    return page.context["form"].initial["opened"]


def test_a_save_then_the_groups_page_costs_two_calls_and_shows_what_was_saved(
    editor_client, kantata, group
):
    kept = group.workspaces[0]
    data = {
        "name": group.name,
        "notes": "Written by the save",
        "email": "before@example.test",
        "workspaces": [kept.id],
        "opened": _opened(editor_client, group.id),
    }
    with track_calls() as calls:
        response = editor_client.post(reverse("groups:edit", args=[group.id]), data, follow=True)
    assert [c.method for c in calls.calls] == ["GET", "PUT"]
    assert response.redirect_chain == [(reverse("groups:detail", args=[group.id]), 302)]
    page = response.text
    assert "Written by the save" in page and f"Saved “{group.name}”." in page
    assert [w.title for w in response.context["workspaces"]] == [kept.title]
    assert f"<li>{kept.title}</li>" in page
    assert stored(kantata, group.id).notes == "Written by the save"

    # The answer is used once: the page read again asks Kantata (the group, and its custom
    # field values, which Kantata documents no include for).
    with track_calls() as again:
        assert "Written by the save" in editor_client.get(response.request["PATH_INFO"]).text
    assert again.count == 2


def test_a_create_then_the_groups_page_costs_one_call(editor_client, kantata, unique_name):
    with track_calls() as calls:
        response = editor_client.post(
            reverse("groups:create"), {"name": unique_name, "notes": "New notes"}, follow=True
        )
    assert [c.method for c in calls.calls] == ["POST"]
    assert unique_name in response.text and "New notes" in response.text
    group_id = response.redirect_chain[0][0].rstrip("/").split("/")[-1]
    kantata.workspace_groups.delete(group_id)
