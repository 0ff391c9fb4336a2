"""Saved views of the group list: saved as the list is, shared with the team or kept,
opened with today's filters checked, a member's default, removed by whom may."""

import re

import pytest
from django.test import Client

from kantata_admin.audit.models import Action, AuditEntry
from kantata_admin.savedviews.models import DefaultView, SavedView
from tests.groups.browse_fixtures import browsing_fixture  # noqa: F401 (fixture)
from tests.sandbox_harness import ADMIN_EMAIL, EDITOR_EMAIL, READONLY_EMAIL


def _member(make_member, connect, role, email):
    """A signed-in member of `role`, connected as the sandbox user `email` (one Kantata
    user belongs to one member)."""
    member = make_member(role)
    connect(member, email)
    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    return member, client


@pytest.fixture
def editor_client(make_member, connect):
    return _member(make_member, connect, "editor", ADMIN_EMAIL)


def _save(client, name, query, **flags):
    data = {"name": name, "query": query, **{key: "on" for key, on in flags.items() if on}}
    return client.post("/views/", data)


def test_a_view_keeps_the_filters_columns_sort_and_size_but_not_the_page(editor_client):
    member, client = editor_client
    query = "matching=Apex&order=updated_at%3Adesc&per_page=50&include=workspaces&page=3&notes="
    response = _save(client, "Apex, newest", query)

    view = SavedView.objects.get(owner=member)
    assert view.query == "matching=Apex&order=updated_at%3Adesc&per_page=50&include=workspaces"
    assert not view.shared
    assert response.status_code == 302
    assert response["Location"] == f"/groups/?{view.query}"
    listed = client.get(response["Location"]).content.decode()
    assert f'href="/views/{view.pk}/">Apex, newest</a>' in listed
    assert "You saved the view “Apex, newest”." in listed


def test_a_second_view_of_the_same_name_is_refused_with_the_name_kept(editor_client):
    member, client = editor_client
    _save(client, "Companies", "companies_only=on")
    response = _save(client, "companies", "companies_only=on&per_page=50")

    assert response.status_code == 400
    page = response.content.decode()
    assert "You already have a view named “companies”." in page
    assert 'value="companies"' in page  # what was typed is kept
    assert SavedView.objects.filter(owner=member).count() == 1


def test_a_viewer_cannot_share_a_view(browsing):
    response = browsing.client.post("/views/", {"name": "Mine", "query": "", "shared": "on"})
    assert response.status_code == 403
    assert not SavedView.objects.exists()


def test_a_shared_view_is_listed_for_the_team_and_a_personal_one_is_not(
    make_member, connect, editor_client
):
    _owner, owner_client = editor_client
    _save(owner_client, "Team companies", "companies_only=on", shared=True)
    _save(owner_client, "My own", "matching=x")
    _, other_client = _member(make_member, connect, "viewer", READONLY_EMAIL)

    page = other_client.get("/groups/").content.decode()
    assert "Team companies" in page
    assert "My own" not in page
    mine = SavedView.objects.get(name="My own")
    assert other_client.get(f"/views/{mine.pk}/").status_code == 404


def test_an_admin_removes_a_teammates_shared_view_and_the_log_says_so(
    make_member, connect, editor_client
):
    owner, owner_client = editor_client
    _save(owner_client, "Team companies", "companies_only=on", shared=True)
    view = SavedView.objects.get()
    admin, admin_client = _member(make_member, connect, "admin", EDITOR_EMAIL)
    _, other_editor = _member(make_member, connect, "editor", READONLY_EMAIL)

    assert other_editor.post(f"/views/{view.pk}/remove/").status_code == 403
    assert SavedView.objects.filter(pk=view.pk).exists()

    response = admin_client.post(f"/views/{view.pk}/remove/")
    assert response.status_code == 302
    assert not SavedView.objects.filter(pk=view.pk).exists()
    entry = AuditEntry.objects.get(action=Action.SAVED_VIEW_REMOVE)
    assert entry.actor == admin
    assert entry.changes == {
        "view": "Team companies",
        "owner": owner.email,
        "query": "companies_only=on",
    }


def test_opening_a_view_whose_custom_field_is_gone_warns_and_opens_the_rest(editor_client):
    member, client = editor_client
    view = SavedView.objects.create(
        owner=member, name="Old field", query="matching=Apex&cf_987654321=gone&per_page=50"
    )
    response = client.get(f"/views/{view.pk}/")

    assert response.status_code == 302
    assert response["Location"] == "/groups/?matching=Apex&per_page=50"
    page = client.get(response["Location"]).content.decode()
    assert "filtered on something Kantata OX no longer has" in page
    assert response["Location"].endswith("per_page=50")


def test_opening_a_view_with_a_value_no_longer_accepted_leaves_only_that_filter_out(
    editor_client,
):
    member, client = editor_client
    view = SavedView.objects.create(owner=member, name="Odd", query="matching=Apex&per_page=7")
    response = client.get(f"/views/{view.pk}/")

    assert response["Location"] == "/groups/?matching=Apex"
    page = client.get(response["Location"]).content.decode()
    assert "had a value for “Per page” that is no longer accepted" in page


def test_groups_opens_with_the_members_default_view_and_clear_filters_does_not(editor_client):
    member, client = editor_client
    _save(client, "Companies", "companies_only=on&per_page=50", make_default=True)
    view = SavedView.objects.get()
    assert DefaultView.objects.get(member=member).view == view

    response = client.get("/groups/")
    assert response.status_code == 302
    assert response["Location"] == f"/views/{view.pk}/"
    page = client.get("/groups/?companies_only=on&per_page=50").content.decode()
    clear = re.search(r'<a href="(/groups/\?[^"]*)">Clear filters</a>', page)
    assert clear and client.get(clear.group(1).replace("&amp;", "&")).status_code == 200

    client.post("/views/default/clear/")
    assert client.get("/groups/").status_code == 200


def test_opening_a_view_whose_custom_field_column_is_gone_warns_and_opens_the_rest(
    editor_client,
):
    member, client = editor_client
    view = SavedView.objects.create(
        owner=member,
        name="Old column",
        query="columns=name&columns=cf_987654321&columns=email&per_page=50",
    )
    response = client.get(f"/views/{view.pk}/")

    assert response["Location"] == "/groups/?columns=name&columns=email&per_page=50"
    page = client.get(response["Location"]).content.decode()
    assert "showed a column Kantata OX no longer has" in page
    assert re.findall(r'<th scope="col"[^>]*>(?:<a[^>]*>)?([^<]+)', page)[-2:] == [
        "Name",
        "E-mail",
    ]


@pytest.mark.parametrize(
    "back",
    ["https://evil.example/", "//evil.example/groups/", "/\\evil.example/", "javascript:alert(1)"],
)
def test_the_way_back_after_removing_a_view_never_leaves_the_dashboards_list(editor_client, back):
    member, client = editor_client
    view = SavedView.objects.create(owner=member, name="Mine", query="order=name%3Aasc")
    DefaultView.objects.create(member=member, view=view)
    response = client.post("/views/default/clear/", {"back": back})
    assert response.status_code == 302 and response["Location"] == "/groups/"
    response = client.post(f"/views/{view.pk}/remove/", {"back": back})
    assert response.status_code == 302 and response["Location"] == "/groups/"
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_the_way_back_after_removing_a_view_is_the_list_as_it_was(editor_client):
    member, client = editor_client
    view = SavedView.objects.create(owner=member, name="Mine", query="order=name%3Aasc")
    response = client.post(f"/views/{view.pk}/remove/", {"back": "/groups/?matching=a&page=2"})
    assert response["Location"] == "/groups/?matching=a&page=2"
