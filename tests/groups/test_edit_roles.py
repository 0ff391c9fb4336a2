"""Roles on every write: viewers are refused by the server, and see no write control."""

import pytest
from django.urls import reverse

from tests.groups.edit_fixtures import group_entries

pytestmark = pytest.mark.django_db

WRITE_URLS = [
    ("groups:create", []),
    ("groups:edit", [1]),
    ("groups:delete", [1]),
    ("groups:workspace_search", []),
]


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize(("name", "args"), WRITE_URLS)
def test_a_viewer_is_refused_every_write_url(connect, viewer, login, name, args, method, htmx):
    connect(viewer)
    client = login(viewer)
    headers = {"HX-Request": "true"} if htmx else {}
    response = getattr(client, method)(reverse(name, args=args), {"name": "x"}, headers=headers)
    assert response.status_code in (403, 405)
    if response.status_code == 403:
        assert "Your role does not allow this" in response.text
    assert not group_entries().exists()


def test_an_editor_may_open_the_create_form(connect, editor, login):
    # The form carries the account's custom fields, so opening it needs the connection.
    connect(editor)
    response = login(editor).get(reverse("groups:create"))
    assert response.status_code == 200
    assert 'name="name"' in response.text


def test_a_viewer_sees_no_write_control(connect, viewer, login, group):
    connect(viewer)
    client = login(viewer)
    pages = [
        client.get(reverse("groups:list"), {"matching": group.name}),
        client.get(reverse("groups:detail", args=[group.id])),
    ]
    for page in pages:
        assert page.status_code == 200
        assert group.name in page.text
        for control in (
            'href="/groups/new/',
            f"/groups/{group.id}/edit/",
            f"/groups/{group.id}/delete/",
        ):
            assert control not in page.text


def test_an_editor_sees_the_write_controls_and_the_history(connect, editor, login, group):
    connect(editor)
    client = login(editor)
    listing = client.get(reverse("groups:list"), {"matching": group.name})
    assert 'href="/groups/new/?_list=' in listing.text  # carrying the list's state
    assert f'hx-post="/groups/{group.id}/delete/"' in listing.text
    detail = client.get(reverse("groups:detail", args=[group.id]))
    assert f'href="/groups/{group.id}/edit/"' in detail.text
    assert "History" in detail.text
