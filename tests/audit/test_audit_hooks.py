"""Team and connection changes leave an audit entry too: who, what, and for whom."""

import pytest
from django.urls import reverse

from kantata_admin.accounts.models import Invitation
from kantata_admin.audit.models import Action, AuditEntry, Outcome
from kantata_admin.connections.models import KantataConnection
from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.services import (
    client_with_token,
    connection_delete,
    connection_save_checked,
    rotate_token_keys,
)
from kantata_admin.kantata import AuthenticationError
from tests.sandbox_harness import ADMIN_EMAIL, EDITOR_EMAIL

pytestmark = pytest.mark.django_db


def _only(action: Action) -> AuditEntry:
    return AuditEntry.objects.get(action=action)


def test_a_role_change_is_recorded_with_before_and_after(team_admin, viewer, login):
    login(team_admin).post(reverse("member_role", args=[viewer.pk]), {"role": "editor"})
    entry = _only(Action.ROLE_CHANGE)
    assert entry.actor == team_admin
    assert entry.changes == {
        "member": viewer.email,
        "fields": {"role": {"before": "Viewer", "after": "Editor"}},
    }


def test_deactivating_a_member_is_recorded(team_admin, editor, login):
    login(team_admin).post(reverse("member_active", args=[editor.pk]), {"active": "false"})
    entry = _only(Action.MEMBER_ACTIVE)
    assert entry.changes["fields"]["active"] == {"before": True, "after": False}


def _back_office_change(client, member, **overrides):
    data = {"email": member.email, "role": member.role, "is_active": "on", **overrides}
    response = client.post(
        f"/admin/accounts/user/{member.pk}/change/", {k: v for k, v in data.items() if v}
    )
    assert response.status_code == 302


def test_back_office_role_and_activation_changes_are_recorded_like_the_team_pages(
    team_admin, viewer, login
):
    client = login(team_admin)
    _back_office_change(client, viewer, role="editor")
    entry = _only(Action.ROLE_CHANGE)
    assert entry.actor == team_admin
    assert entry.changes == {
        "member": viewer.email,
        "fields": {"role": {"before": "Viewer", "after": "Editor"}},
    }
    assert not AuditEntry.objects.filter(action=Action.MEMBER_ACTIVE).exists()

    # Deactivating (role unchanged) is one entry of its own; saving unchanged adds none.
    _back_office_change(client, viewer, role="editor", is_active="")
    assert _only(Action.MEMBER_ACTIVE).changes["fields"]["active"] == {
        "before": True,
        "after": False,
    }
    viewer.refresh_from_db()
    _back_office_change(client, viewer, is_active="")
    assert (
        AuditEntry.objects.filter(action__in=[Action.ROLE_CHANGE, Action.MEMBER_ACTIVE]).count()
        == 2
    )


def test_sending_and_revoking_an_invitation_are_recorded(team_admin, login):
    client = login(team_admin)
    client.post(reverse("team"), {"email": "new@team.test", "role": "editor"})
    sent = _only(Action.INVITATION_CREATE)
    assert (sent.actor, sent.changes) == (
        team_admin,
        {"invited": "new@team.test", "role": "Editor"},
    )
    invitation = Invitation.objects.get(email="new@team.test")
    client.post(reverse("invitation_revoke", args=[invitation.pk]))
    revoked = _only(Action.INVITATION_REVOKE)
    assert (revoked.actor, revoked.changes["invited"]) == (team_admin, "new@team.test")


def test_connecting_and_disconnecting_are_recorded(kantata_sandbox, editor):
    # A token of the dashboard's own application, which its revocation request may revoke.
    answer = kantata_sandbox.token_answer(ADMIN_EMAIL)
    connection = connection_save_checked(editor, TokenGrant.from_answer(answer))
    connected = _only(Action.CONNECT)
    assert connected.actor == editor and connected.account_id == connection.account_id
    assert connected.account_id
    assert connection_delete(connection) is True
    disconnected = _only(Action.DISCONNECT)
    assert disconnected.changes["member"] == editor.email
    # The sandbox confirmed it: the token no longer works.
    assert disconnected.changes["revoked_upstream"] == "yes"
    with pytest.raises(AuthenticationError):
        client_with_token(answer["access_token"]).users.me()
    assert not KantataConnection.objects.filter(user=editor).exists()


def test_a_revocation_nobody_confirmed_is_recorded_as_such(connect, editor, settings):
    connection = connect(editor)
    settings.KANTATA_OAUTH_URL = "http://127.0.0.1:9/sandbox"  # nothing listens on port 9
    assert connection_delete(connection) is False
    assert _only(Action.DISCONNECT).changes["revoked_upstream"] == "no"


def test_key_rotation_is_recorded_as_the_systems(connect, editor, viewer):
    connect(editor)
    connect(viewer, EDITOR_EMAIL)
    rotated, unreadable = rotate_token_keys()
    # Two connections without refresh tokens: one token each.
    assert (rotated, unreadable) == (2, 0)
    entry = _only(Action.KEY_ROTATION)
    assert entry.actor is None and entry.outcome == Outcome.SUCCESS
    assert entry.changes == {"tokens_re_encrypted": 2, "connections_unreadable": 0}


def test_an_unreadable_connection_is_counted_and_the_rotation_is_an_error(connect, editor):
    connection = connect(editor)
    KantataConnection.objects.filter(pk=connection.pk).update(
        access_token_encrypted="not-a-ciphertext"
    )
    assert rotate_token_keys() == (0, 1)
    entry = _only(Action.KEY_ROTATION)
    assert entry.outcome == Outcome.ERROR
    assert entry.changes == {"tokens_re_encrypted": 0, "connections_unreadable": 1}
    assert entry.error == "1 connection(s) could not be read with any key"
