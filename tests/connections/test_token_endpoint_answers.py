"""What the token endpoint is asked and what its refusals tell the member: every refusal
of the connect flow's code exchange but a spent code says "tell a team admin", and a
disconnect revokes both the access and the refresh token (asserted on the calls made,
since the sandbox retires the pair together)."""

import pytest

from kantata_admin.audit.models import Action, AuditEntry
from kantata_admin.connections import oauth_flow
from kantata_admin.connections.models import KantataConnection
from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.services import (
    client_with_token,
    connection_delete,
    connection_save_checked,
)
from kantata_admin.kantata import AuthenticationError
from tests.sandbox_harness import ADMIN_EMAIL


@pytest.mark.parametrize(
    "refusal",
    ["invalid_request", "unsupported_grant_type", "unauthorized_client", "invalid_client"],
)
def test_every_token_endpoint_refusal_says_tell_a_team_admin(
    flow, token_endpoint, viewer, login, refusal
):
    login(viewer)
    flow.start()
    values = flow.approve(ADMIN_EMAIL)
    recorder = token_endpoint(flow.sandbox)
    recorder.refusal = refusal

    response = flow.callback(values)

    assert [c.form["grant_type"] for c in recorder.calls] == ["authorization_code"]
    page = flow.land(response).content.decode()
    assert oauth_flow.TokenRequestRefused.user_message in page
    assert "tell a team admin" in oauth_flow.TokenRequestRefused.user_message
    assert not KantataConnection.objects.filter(user=viewer).exists()


def test_a_spent_code_says_connect_again(flow, token_endpoint, viewer, login):
    login(viewer)
    flow.start()
    values = flow.approve(ADMIN_EMAIL)
    token_endpoint(flow.sandbox).refusal = "invalid_grant"

    page = flow.land(flow.callback(values)).content.decode()

    assert oauth_flow.CodeRefused.user_message in page


def test_disconnect_revokes_both_the_access_and_the_refresh_token(
    sandbox_expiring, settings, token_endpoint, viewer
):
    settings.KANTATA_API_URL = sandbox_expiring.api_url
    answer = sandbox_expiring.token_answer(ADMIN_EMAIL)
    connection = connection_save_checked(viewer, TokenGrant.from_answer(answer))
    recorder = token_endpoint(sandbox_expiring)

    assert connection_delete(connection) is True

    asked = {(c.form["token_type_hint"], c.form["token"]) for c in recorder.revocations()}
    assert asked == {
        ("access_token", answer["access_token"]),
        ("refresh_token", answer["refresh_token"]),
    }
    assert len(recorder.revocations()) == 2
    with pytest.raises(AuthenticationError):
        client_with_token(answer["access_token"]).users.me()
    entry = AuditEntry.objects.get(action=Action.DISCONNECT)
    assert entry.changes["revoked_upstream"] == "yes"
    assert not KantataConnection.objects.filter(user=viewer).exists()
