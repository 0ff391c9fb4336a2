"""The back office takes over no member and changes nothing unseen (issue 14, defect 1):
a member's e-mail is read-only there, and every change to a member, an invitation or a
connection writes the audit entries the Team page writes."""

from django.utils import timezone

from kantata_admin.accounts.models import Invitation, Role
from kantata_admin.audit.models import Action, AuditEntry

USERS = "/admin/accounts/user/"
INVITATIONS = "/admin/accounts/invitation/"


def _member_form(member, **overrides) -> dict:
    data = {
        "email": member.email,
        "first_name": member.first_name,
        "last_name": member.last_name,
        "role": member.role,
        "is_active": "on" if member.is_active else "",
        **overrides,
    }
    return {k: v for k, v in data.items() if v}


def _invitation_form(invitation: Invitation, **overrides) -> dict:
    expires = timezone.localtime(invitation.expires_at)
    data = {
        "email": invitation.email,
        "role": invitation.role,
        "expires_at_0": expires.strftime("%Y-%m-%d"),
        "expires_at_1": expires.strftime("%H:%M:%S"),
        "revoked_at_0": "",
        "revoked_at_1": "",
        **overrides,
    }
    return data


def test_a_members_email_is_read_only_in_the_back_office(client, team_admin, viewer):
    client.force_login(team_admin)
    page = client.get(f"{USERS}{viewer.pk}/change/").content.decode()
    assert 'name="email"' not in page
    assert viewer.email in page

    response = client.post(
        f"{USERS}{viewer.pk}/change/", _member_form(viewer, email="admin-owned@evil.test")
    )

    assert response.status_code == 302
    viewer.refresh_from_db()
    assert viewer.email == "viewer@team.test"


def test_every_back_office_change_to_a_member_is_audited(client, team_admin, viewer):
    client.force_login(team_admin)

    response = client.post(
        f"{USERS}{viewer.pk}/change/",
        _member_form(viewer, role=Role.EDITOR, first_name="Vera", is_active=""),
    )

    assert response.status_code == 302
    entries = {e.action: e for e in AuditEntry.objects.filter(actor=team_admin)}
    assert set(entries) == {Action.ROLE_CHANGE, Action.MEMBER_ACTIVE, Action.MEMBER_CHANGE}
    assert entries[Action.ROLE_CHANGE].changes == {
        "member": viewer.email,
        "fields": {"role": {"before": "Viewer", "after": "Editor"}},
    }
    assert entries[Action.MEMBER_CHANGE].changes == {
        "member": viewer.email,
        "fields": {"first_name": {"before": "", "after": "Vera"}},
    }


def test_raising_an_invitations_role_in_the_back_office_is_audited(client, team_admin):
    invitation, _ = Invitation.issue(email="late@team.test", role="viewer", invited_by=team_admin)
    client.force_login(team_admin)

    response = client.post(
        f"{INVITATIONS}{invitation.pk}/change/",
        _invitation_form(invitation, role="admin", email="mine@evil.test"),
    )

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.role == "admin" and invitation.email == "late@team.test"
    (entry,) = AuditEntry.objects.filter(action=Action.INVITATION_CHANGE)
    assert entry.actor == team_admin
    assert entry.changes == {
        "invited": "late@team.test",
        "fields": {"role": {"before": "Viewer", "after": "Admin"}},
    }


def test_revoking_or_deleting_an_invitation_in_the_back_office_is_audited(client, team_admin):
    revoked, _ = Invitation.issue(email="gone@team.test", role="editor", invited_by=team_admin)
    deleted, _ = Invitation.issue(email="bye@team.test", role="editor", invited_by=team_admin)
    client.force_login(team_admin)
    now = timezone.localtime()

    client.post(
        f"{INVITATIONS}{revoked.pk}/change/",
        _invitation_form(
            revoked, revoked_at_0=now.strftime("%Y-%m-%d"), revoked_at_1=now.strftime("%H:%M:%S")
        ),
    )
    client.post(f"{INVITATIONS}{deleted.pk}/delete/", {"post": "yes"})

    entries = AuditEntry.objects.filter(action=Action.INVITATION_REVOKE, actor=team_admin)
    assert sorted(e.changes["invited"] for e in entries) == ["bye@team.test", "gone@team.test"]
    assert not AuditEntry.objects.filter(action=Action.INVITATION_CHANGE).exists()


def test_a_back_office_disconnect_is_audited(client, team_admin, viewer, connect):
    connection = connect(viewer)
    client.force_login(team_admin)

    client.post(
        "/admin/connections/kantataconnection/",
        {"action": "disconnect", "_selected_action": [connection.pk]},
    )

    (entry,) = AuditEntry.objects.filter(action=Action.DISCONNECT)
    assert entry.actor == team_admin and entry.changes["member"] == viewer.email
