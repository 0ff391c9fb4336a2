import pytest

from kantata_admin.accounts.models import Role


@pytest.mark.parametrize(
    ("role", "team_status"), [("viewer", 403), ("editor", 403), ("admin", 200)]
)
def test_only_admins_manage_the_team(client, make_member, role, team_status):
    client.force_login(make_member(role))
    assert client.get("/team/").status_code == team_status


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_non_admins_cannot_change_roles(client, make_member, viewer, role):
    client.force_login(make_member(role))
    response = client.post(f"/team/members/{viewer.pk}/role", {"role": "admin"})
    assert response.status_code == 403
    viewer.refresh_from_db()
    assert viewer.role == Role.VIEWER


def test_refused_action_shows_a_styled_page(client, viewer):
    client.force_login(viewer)
    response = client.get("/team/")
    assert b"Your role does not allow this." in response.content
    assert b"app.css" in response.content


def test_admin_changes_a_members_role(client, team_admin, viewer):
    client.force_login(team_admin)
    client.post(f"/team/members/{viewer.pk}/role", {"role": "editor"})
    viewer.refresh_from_db()
    assert viewer.role == Role.EDITOR
    assert viewer.can_edit and not viewer.is_team_admin


def test_the_last_admin_cannot_be_demoted(client, team_admin):
    client.force_login(team_admin)
    response = client.post(f"/team/members/{team_admin.pk}/role", {"role": "viewer"}, follow=True)
    assert b"The team needs at least one active admin." in response.content
    team_admin.refresh_from_db()
    assert team_admin.role == Role.ADMIN


def test_admin_deactivates_and_reactivates_a_member(client, team_admin, editor):
    client.force_login(team_admin)
    client.post(f"/team/members/{editor.pk}/active", {"active": "false"})
    editor.refresh_from_db()
    assert not editor.is_active and not editor.can_edit
    client.post(f"/team/members/{editor.pk}/active", {"active": "true"})
    editor.refresh_from_db()
    assert editor.is_active


@pytest.mark.parametrize(("role", "sees_team_link"), [("viewer", False), ("admin", True)])
def test_navigation_shows_only_what_the_role_allows(client, make_member, role, sees_team_link):
    client.force_login(make_member(role))
    page = client.get("/").content
    assert (b'href="/team/"' in page) is sees_team_link


@pytest.mark.parametrize(("role", "status"), [("viewer", 302), ("editor", 302), ("admin", 200)])
def test_back_office_is_for_admins(client, make_member, role, status):
    client.force_login(make_member(role))
    assert client.get("/admin/").status_code == status


def test_roles_rank_viewer_editor_admin(make_member):
    viewer, editor, admin = (make_member(r) for r in ("viewer", "editor", "admin"))
    assert [u.can_edit for u in (viewer, editor, admin)] == [False, True, True]
    assert [u.is_team_admin for u in (viewer, editor, admin)] == [False, False, True]
    assert admin.is_staff and not editor.is_staff
