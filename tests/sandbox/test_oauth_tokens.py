"""Tokens as RFC 9700 wants them: the PKCE downgrade refused, RFC 7009 revocation, and
Doorkeeper-style expiring tokens with the refresh_token grant (KANTATA_SANDBOX_TOKEN_TTL,
on the small `sandbox_expiring` server)."""

import secrets
import time
import uuid

import pytest
import requests

from tests.sandbox.oauth_flow import authorize, exchange, query
from tests.sandbox_harness import (
    ADMIN_EMAIL,
    DASHBOARD_CLIENT_ID,
    DASHBOARD_CLIENT_SECRET,
    EXPIRING_TOKEN_TTL,
    SandboxServer,
)

REDIRECT = "http://127.0.0.1:9/oauth/callback"
OAUTH_ERROR = {"errors": [{"type": "oauth", "message": "Invalid OAuth 2 Request"}]}
DASHBOARD = {"client_id": DASHBOARD_CLIENT_ID, "client_secret": DASHBOARD_CLIENT_SECRET}


def register(sandbox: SandboxServer) -> dict:
    client_id, secret = f"tokens-app-{uuid.uuid4().hex[:8]}", secrets.token_urlsafe(16)
    sandbox.register_application(client_id, secret, [REDIRECT])
    return {"client_id": client_id, "client_secret": secret}


@pytest.fixture(scope="module")
def app(sandbox):
    return register(sandbox)


@pytest.fixture(scope="module")
def other_app(sandbox):
    return register(sandbox)


def code_for(sandbox: SandboxServer, app: dict, **extra) -> str:
    params = {
        "client_id": app["client_id"],
        "response_type": "code",
        "redirect_uri": REDIRECT,
        **extra,
    }
    response = authorize(sandbox, ADMIN_EMAIL, params)
    assert response.status_code == 302, response.text
    return query(response.headers["Location"])["code"]


def token_via_flow(sandbox: SandboxServer, app: dict) -> dict:
    response = exchange(
        sandbox,
        grant_type="authorization_code",
        code=code_for(sandbox, app),
        redirect_uri=REDIRECT,
        **app,
    )
    assert response.status_code == 200, response.text
    return response.json()


def me(sandbox: SandboxServer, token: str) -> requests.Response:
    return requests.get(
        f"{sandbox.api_url}/users/me.json", headers={"Authorization": f"Bearer {token}"}
    )


def revoke(sandbox: SandboxServer, app: dict, **form) -> requests.Response:
    return requests.post(f"{sandbox.url}/oauth/revoke", data={**app, **form})


def refresh(sandbox: SandboxServer, refresh_token: str, app: dict = DASHBOARD):
    return exchange(sandbox, grant_type="refresh_token", refresh_token=refresh_token, **app)


# --- PKCE downgrade -------------------------------------------------------------------


def test_a_verifier_for_a_code_issued_without_a_challenge_is_a_refused_downgrade(sandbox, app):
    """RFC 9700 2.1.1: a code_verifier sent for a code issued without code_challenge is
    refused with invalid_grant, so an attacker cannot strip the challenge."""
    code = code_for(sandbox, app)  # no code_challenge
    response = exchange(
        sandbox,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT,
        code_verifier=secrets.token_urlsafe(48),
        **app,
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert "access_token" not in response.json()


# --- RFC 7009 revocation ----------------------------------------------------------------


def test_revoking_an_access_token_makes_the_api_answer_401_oauth(sandbox, app):
    """RFC 7009 2.1-2.2; Kantata notes: a revoked token gets 401 `oauth` on every call."""
    token = token_via_flow(sandbox, app)["access_token"]
    assert me(sandbox, token).status_code == 200
    response = revoke(sandbox, app, token=token, token_type_hint="access_token")
    assert response.status_code == 200
    assert response.json() == {}
    assert me(sandbox, token).status_code == 401
    assert me(sandbox, token).json() == OAUTH_ERROR


def test_revoking_an_unknown_or_already_revoked_token_answers_200(sandbox, app):
    """RFC 7009 2.2: "invalid tokens do not cause an error response" - 200 either way."""
    token = token_via_flow(sandbox, app)["access_token"]
    assert revoke(sandbox, app, token=token).status_code == 200
    assert revoke(sandbox, app, token=token).status_code == 200
    assert revoke(sandbox, app, token="never-issued").status_code == 200


def test_revocation_authenticates_the_client_like_the_token_endpoint(sandbox, app):
    """RFC 7009 2.1: the client authenticates as at the token endpoint (RFC 6749 2.3)."""
    token = token_via_flow(sandbox, app)["access_token"]
    wrong = revoke(sandbox, {**app, "client_secret": "wrong"}, token=token)
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    assert me(sandbox, token).status_code == 200
    basic = requests.post(
        f"{sandbox.url}/oauth/revoke",
        data={"token": token},
        auth=(app["client_id"], app["client_secret"]),
    )
    assert basic.status_code == 200
    assert me(sandbox, token).status_code == 401


def test_a_client_cannot_revoke_another_clients_token(sandbox, app, other_app):
    """RFC 7009 2.1: the server checks the token was issued to the revoking client."""
    token = token_via_flow(sandbox, app)["access_token"]
    response = revoke(sandbox, other_app, token=token)
    assert response.status_code == 403
    assert response.json()["error"] == "unauthorized_client"
    assert me(sandbox, token).status_code == 200


def test_revocation_without_a_token_parameter_is_invalid_request(sandbox, app):
    """RFC 7009 2.1: `token` is REQUIRED; errors as in RFC 6749 5.2."""
    response = revoke(sandbox, app)
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


# --- tokens that never expire (the default, Kantata's classic flow) ----------------------


def test_without_a_ttl_no_refresh_token_is_issued_and_the_grant_finds_none(sandbox, app):
    """Kantata notes: classic access tokens do not expire, and the answer is
    `{"access_token", "token_type"}` only."""
    answer = token_via_flow(sandbox, app)
    assert set(answer) == {"access_token", "token_type"}
    response = refresh(sandbox, answer["access_token"], app)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


# --- expiring tokens and the refresh grant (sandbox_expiring) ----------------------------


def test_an_expiring_token_answer_carries_expires_in_created_at_and_a_refresh_token(
    sandbox_expiring,
):
    """Kantata notes, token responses: Doorkeeper may add `created_at`, `expires_in` and
    `refresh_token`; `created_at` is epoch seconds."""
    app = register(sandbox_expiring)
    offset = sandbox_expiring.clock_offset()  # the sandbox's clock, which tests move
    before = int(time.time() + offset)
    answer = token_via_flow(sandbox_expiring, app)
    assert answer["token_type"] == "bearer"
    assert answer["expires_in"] == EXPIRING_TOKEN_TTL
    assert before - 2 <= answer["created_at"] <= time.time() + offset + 2
    assert answer["refresh_token"] and answer["refresh_token"] != answer["access_token"]
    assert me(sandbox_expiring, answer["access_token"]).status_code == 200


def test_an_expired_access_token_answers_401_oauth_and_refreshing_gives_a_new_pair(
    sandbox_expiring,
):
    """Kantata notes: a token that no longer works gets 401 `oauth`; RFC 6749 6: the
    refresh grant issues a new access token (and here, Doorkeeper-style, a new refresh
    token, retiring the old one)."""
    answer = sandbox_expiring.token_answer(ADMIN_EMAIL)
    assert me(sandbox_expiring, answer["access_token"]).status_code == 200
    sandbox_expiring.advance_clock(answer["expires_in"] + 1)
    expired = me(sandbox_expiring, answer["access_token"])
    assert expired.status_code == 401 and expired.json() == OAUTH_ERROR

    renewed = refresh(sandbox_expiring, answer["refresh_token"])
    assert renewed.status_code == 200, renewed.text
    pair = renewed.json()
    assert pair["expires_in"] == EXPIRING_TOKEN_TTL
    assert {pair["access_token"], pair["refresh_token"]}.isdisjoint(
        {answer["access_token"], answer["refresh_token"]}
    )
    user = me(sandbox_expiring, pair["access_token"]).json()
    assert next(iter(user["users"].values()))["email_address"] == ADMIN_EMAIL

    replay = refresh(sandbox_expiring, answer["refresh_token"])
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"


def test_refreshing_retires_the_old_pair_before_it_expires(sandbox_expiring):
    """RFC 6749 6 / Doorkeeper: after a refresh the previous access token stops working
    and its refresh token cannot be used again."""
    answer = sandbox_expiring.token_answer(ADMIN_EMAIL)
    pair = refresh(sandbox_expiring, answer["refresh_token"]).json()
    assert me(sandbox_expiring, answer["access_token"]).status_code == 401
    assert me(sandbox_expiring, pair["access_token"]).status_code == 200


def test_a_refresh_token_works_only_for_its_own_client(sandbox_expiring):
    """RFC 6749 6: the refresh token is bound to the client it was issued to."""
    other = register(sandbox_expiring)
    answer = sandbox_expiring.token_answer(ADMIN_EMAIL)
    stolen = refresh(sandbox_expiring, answer["refresh_token"], other)
    assert stolen.status_code == 400 and stolen.json()["error"] == "invalid_grant"
    assert refresh(sandbox_expiring, answer["refresh_token"]).status_code == 200


def test_revoking_a_refresh_token_retires_its_access_token_too(sandbox_expiring):
    """RFC 7009 2.1: revoking a refresh token SHOULD also invalidate the access tokens of
    the same grant."""
    answer = sandbox_expiring.token_answer(ADMIN_EMAIL)
    response = revoke(
        sandbox_expiring,
        DASHBOARD,
        token=answer["refresh_token"],
        token_type_hint="refresh_token",
    )
    assert response.status_code == 200
    assert me(sandbox_expiring, answer["access_token"]).status_code == 401
    assert refresh(sandbox_expiring, answer["refresh_token"]).json()["error"] == "invalid_grant"
