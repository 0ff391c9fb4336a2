"""The back office (/admin/) gives the admin role what the README promises: members, their
roles and invitations, nothing more; and the Team page's rules hold there too."""

import pytest
from django.utils import timezone

from kantata_admin.accounts.models import Invitation, Role, User

USERS = "/admin/accounts/user/"


def _change(client, member: User, **overrides) -> object:
    data = {
        "email": member.email,
        "first_name": member.first_name,
        "last_name": member.last_name,
        "role": member.role,
        "is_active": "on" if member.is_active else "",
        **overrides,
    }
    return client.post(f"{USERS}{member.pk}/change/", {k: v for k, v in data.items() if v})


def test_an_admin_sees_members_and_invitations_in_the_back_office(client, team_admin):
    assert not team_admin.is_superuser
    client.force_login(team_admin)
    index = client.get("/admin/").content.decode()
    assert "have permission to view or edit anything" not in index
    assert f'href="{USERS}"' in index and 'href="/admin/accounts/invitation/"' in index
    # Nothing more: Django's permission groups stay the superuser's.
    assert 'href="/admin/auth/group/"' not in index
    assert client.get("/admin/auth/group/").status_code == 403
    members = client.get(USERS).content.decode()
    assert team_admin.email in members


def test_an_admin_changes_a_members_role_in_the_back_office(client, team_admin, viewer):
    client.force_login(team_admin)
    response = _change(client, viewer, role=Role.EDITOR)
    assert response.status_code == 302
    viewer.refresh_from_db()
    assert viewer.role == Role.EDITOR and viewer.can_edit


def test_an_admin_cannot_make_anyone_a_superuser(client, team_admin, viewer):
    client.force_login(team_admin)
    _change(client, team_admin, is_superuser="on")
    _change(client, viewer, is_superuser="on")
    assert not User.objects.filter(is_superuser=True).exists()


def test_an_admin_cannot_change_a_superuser(client, team_admin, django_user_model):
    root = django_user_model.objects.create_superuser(email="root@team.test", password="x-y-z-1")
    client.force_login(team_admin)
    response = _change(client, root, first_name="Mallory", is_active="")
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.is_active and root.first_name == ""


def test_the_back_office_keeps_the_team_rules(client, team_admin):
    client.force_login(team_admin)
    demoted = _change(client, team_admin, role=Role.VIEWER)
    assert "The team needs at least one active admin." in demoted.content.decode()
    deactivated = _change(client, team_admin, is_active="")
    assert "You cannot deactivate yourself." in deactivated.content.decode()
    team_admin.refresh_from_db()
    assert team_admin.role == Role.ADMIN and team_admin.is_active


@pytest.mark.parametrize("action", ["add/", "{pk}/delete/", "{pk}/password/"])
def test_an_admin_neither_adds_deletes_nor_sets_passwords_of_members(
    client, team_admin, viewer, action
):
    client.force_login(team_admin)
    before = viewer.password
    url = USERS + action.format(pk=viewer.pk)
    assert client.get(url).status_code == 403
    data = {"post": "yes", "password1": "new-Pass-123456", "password2": "new-Pass-123456"}
    assert client.post(url, data).status_code == 403
    viewer.refresh_from_db()
    assert viewer.password == before and User.objects.filter(pk=viewer.pk).exists()


def test_an_admin_manages_invitations_in_the_back_office(client, team_admin):
    invitation, _ = Invitation.issue(email="late@team.test", role="viewer", invited_by=team_admin)
    client.force_login(team_admin)
    listing = client.get("/admin/accounts/invitation/").content.decode()
    assert "late@team.test" in listing
    response = client.post(f"/admin/accounts/invitation/{invitation.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Invitation.objects.filter(pk=invitation.pk).exists()


@pytest.mark.parametrize(("role", "status"), [("viewer", 302), ("editor", 302)])
def test_other_roles_have_no_back_office(client, make_member, role, status):
    client.force_login(make_member(role))
    assert client.get(USERS).status_code == status


def test_an_accepted_invitation_cannot_be_revoked_and_the_admin_is_told_why(
    client, team_admin, make_member
):
    joined = make_member("editor", "joined@team.test")
    invitation, _ = Invitation.issue(email=joined.email, role="editor", invited_by=team_admin)
    Invitation.objects.filter(pk=invitation.pk).update(
        accepted_at=timezone.now(), accepted_by=joined
    )
    client.force_login(team_admin)
    page = client.post(f"/team/invitations/{invitation.pk}/revoke", follow=True)
    text = page.content.decode()
    assert "cannot be revoked: joined@team.test already accepted it" in text
    assert "deactivate the member instead" in text
    assert "is revoked" not in text
    invitation.refresh_from_db()
    assert invitation.revoked_at is None and invitation.status == "accepted"
    joined.refresh_from_db()
    assert joined.is_active


def test_revoking_twice_says_it_was_already_revoked(client, team_admin):
    invitation, _ = Invitation.issue(email="twice@team.test", role="viewer", invited_by=team_admin)
    client.force_login(team_admin)
    first = client.post(f"/team/invitations/{invitation.pk}/revoke", follow=True)
    assert "The invitation for twice@team.test is revoked." in first.content.decode()
    revoked_at = Invitation.objects.get(pk=invitation.pk).revoked_at
    assert revoked_at is not None
    second = client.post(f"/team/invitations/{invitation.pk}/revoke", follow=True)
    assert "The invitation for twice@team.test was already revoked." in second.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).revoked_at == revoked_at
