"""The OAuth 2.0 authorization-code flow of the sandbox, rule by rule."""

import base64
import secrets
import uuid

import pytest
import requests

from kantata_admin.sandbox.oauth_views import CODE_LIFETIME
from tests.sandbox.oauth_flow import authorize, csrf, exchange, query, s256, sign_in
from tests.sandbox_harness import (
    ADMIN_EMAIL,
    DASHBOARD_CLIENT_ID,
    DASHBOARD_CLIENT_SECRET,
    EDITOR_EMAIL,
    READONLY_EMAIL,
    SANDBOX_PASSWORD,
)

REDIRECT = "http://127.0.0.1:9/oauth/callback"
OAUTH_ERROR = {"errors": [{"type": "oauth", "message": "Invalid OAuth 2 Request"}]}


@pytest.fixture(scope="module")
def app(sandbox):
    client_id, secret = f"test-app-{uuid.uuid4().hex[:8]}", secrets.token_urlsafe(16)
    sandbox.register_application(client_id, secret, [REDIRECT, REDIRECT + "?tenant=a"])
    return {"client_id": client_id, "secret": secret}


def params(app, **extra) -> dict:
    return {
        "client_id": app["client_id"],
        "response_type": "code",
        "redirect_uri": REDIRECT,
        "state": "xyz 123/=",
        **extra,
    }


def code_for(sandbox, app, email=ADMIN_EMAIL, **extra) -> str:
    response = authorize(sandbox, email, params(app, **extra))
    assert response.status_code == 302, response.text
    return query(response.headers["Location"])["code"]


def token_form(app, code, **extra) -> dict:
    return {
        "grant_type": "authorization_code",
        "client_id": app["client_id"],
        "client_secret": app["secret"],
        "code": code,
        "redirect_uri": REDIRECT,
        **extra,
    }


def me(sandbox, token) -> requests.Response:
    return requests.get(
        f"{sandbox.api_url}/users/me.json", headers={"Authorization": f"Bearer {token}"}
    )


def test_the_full_flow_yields_a_bearer_token_for_the_signed_in_user(sandbox, app):
    response = authorize(sandbox, EDITOR_EMAIL, params(app))
    location = response.headers["Location"]
    assert location.startswith(REDIRECT + "?")
    assert query(location)["state"] == "xyz 123/="
    token = exchange(sandbox, **token_form(app, query(location)["code"]))
    assert token.status_code == 200
    assert set(token.json()) == {"access_token", "token_type"}
    assert token.json()["token_type"] == "bearer"
    user = me(sandbox, token.json()["access_token"]).json()
    assert next(iter(user["users"].values()))["email_address"] == EDITOR_EMAIL


def test_the_dashboard_application_is_registered_by_the_seed(sandbox):
    uri = f"http://127.0.0.1:{sandbox.dashboard_port}/accounts/kantata/login/callback/"
    response = authorize(
        sandbox,
        ADMIN_EMAIL,
        {
            "client_id": DASHBOARD_CLIENT_ID,
            "response_type": "code",
            "redirect_uri": uri,
        },
    )
    code = query(response.headers["Location"])["code"]
    token = exchange(
        sandbox,
        grant_type="authorization_code",
        client_id=DASHBOARD_CLIENT_ID,
        client_secret=DASHBOARD_CLIENT_SECRET,
        code=code,
        redirect_uri=uri,
    )
    assert token.status_code == 200


def test_without_state_no_state_comes_back(sandbox, app):
    p = params(app)
    del p["state"]
    response = authorize(sandbox, ADMIN_EMAIL, p)
    assert "state" not in query(response.headers["Location"])


def test_a_redirect_uri_with_its_own_query_keeps_it(sandbox, app):
    response = authorize(sandbox, ADMIN_EMAIL, params(app, redirect_uri=REDIRECT + "?tenant=a"))
    got = query(response.headers["Location"])
    assert got["tenant"] == "a" and got["code"]


def test_denying_redirects_with_access_denied(sandbox, app):
    response = authorize(sandbox, ADMIN_EMAIL, params(app), decision="deny")
    got = query(response.headers["Location"])
    assert got["error"] == "access_denied"
    assert (
        got["error_description"] == "The resource owner or authorization server denied the request."
    )
    assert got["state"] == "xyz 123/=" and "code" not in got


def test_an_unknown_client_gets_an_error_page_not_a_redirect(sandbox, app):
    response = requests.get(
        f"{sandbox.url}/oauth/authorize",
        params=params(app, client_id="nobody"),
        allow_redirects=False,
    )
    assert response.status_code == 400 and "Location" not in response.headers
    assert "text/html" in response.headers["Content-Type"]


def test_an_unregistered_redirect_uri_gets_an_error_page_not_a_redirect(sandbox, app):
    for uri in ("http://evil.example/cb", REDIRECT + "/extra", ""):
        response = authorize(sandbox, ADMIN_EMAIL, params(app, redirect_uri=uri))
        assert response.status_code == 400 and "Location" not in response.headers


def test_a_wrong_response_type_is_redirected_as_an_error(sandbox, app):
    response = requests.get(
        f"{sandbox.url}/oauth/authorize",
        params=params(app, response_type="token"),
        allow_redirects=False,
    )
    assert query(response.headers["Location"])["error"] == "unsupported_response_type"


def test_a_wrong_password_does_not_sign_in(sandbox):
    browser = requests.Session()
    page = browser.get(f"{sandbox.url}/signin")
    response = browser.post(
        f"{sandbox.url}/signin",
        data={
            "email": ADMIN_EMAIL,
            "password": SANDBOX_PASSWORD + "x",
            "csrfmiddlewaretoken": csrf(page.text),
        },
        allow_redirects=False,
    )
    assert response.status_code == 400
    assert "do not match a sandbox user" in response.text
    assert f'value="{ADMIN_EMAIL}"' in response.text  # what was typed is kept
    assert browser.get(f"{sandbox.url}/applications", allow_redirects=False).status_code == 302


def test_the_sign_in_page_lists_the_demo_users(sandbox):
    page = requests.get(f"{sandbox.url}/signin").text
    assert ADMIN_EMAIL in page and READONLY_EMAIL in page and SANDBOX_PASSWORD in page


def test_a_code_can_be_used_only_once_and_replay_revokes_its_token(sandbox, app):
    code = code_for(sandbox, app)
    first = exchange(sandbox, **token_form(app, code))
    assert first.status_code == 200
    second = exchange(sandbox, **token_form(app, code))
    assert second.status_code == 400 and second.json()["error"] == "invalid_grant"
    assert me(sandbox, first.json()["access_token"]).status_code == 401


def test_an_expired_code_is_rejected(sandbox, app):
    code = code_for(sandbox, app)
    sandbox.advance_clock(CODE_LIFETIME.total_seconds() + 1)  # codes live 5 minutes
    response = exchange(sandbox, **token_form(app, code))
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_the_redirect_uri_must_match_the_one_authorized(sandbox, app):
    code = code_for(sandbox, app)
    response = exchange(sandbox, **token_form(app, code, redirect_uri=REDIRECT + "?tenant=a"))
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_a_code_is_bound_to_its_client(sandbox, app):
    other_id, other_secret = f"other-{uuid.uuid4().hex[:6]}", "other-secret"
    sandbox.register_application(other_id, other_secret, [REDIRECT])
    code = code_for(sandbox, app)
    response = exchange(
        sandbox, **token_form(app, code, client_id=other_id, client_secret=other_secret)
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_a_wrong_secret_is_invalid_client(sandbox, app):
    code = code_for(sandbox, app)
    response = exchange(sandbox, **token_form(app, code, client_secret="wrong"))
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"
    # The code was not spent by the failed attempt.
    assert exchange(sandbox, **token_form(app, code)).status_code == 200


def test_client_credentials_may_come_by_http_basic(sandbox, app):
    code = code_for(sandbox, app)
    form = token_form(app, code)
    del form["client_id"], form["client_secret"]
    basic = base64.b64encode(f"{app['client_id']}:{app['secret']}".encode()).decode()
    response = requests.post(
        f"{sandbox.url}/oauth/token", data=form, headers={"Authorization": f"Basic {basic}"}
    )
    assert response.status_code == 200
    bad = requests.post(f"{sandbox.url}/oauth/token", data=form, auth=(app["client_id"], "nope"))
    assert bad.status_code == 401 and "WWW-Authenticate" in bad.headers


def test_unsupported_grant_types_and_missing_parameters(sandbox, app):
    base = {"client_id": app["client_id"], "client_secret": app["secret"]}
    assert (
        exchange(sandbox, **base, grant_type="password").json()["error"] == "unsupported_grant_type"
    )
    missing = exchange(sandbox, **base)
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"
    no_code = exchange(sandbox, **base, grant_type="authorization_code", redirect_uri=REDIRECT)
    assert no_code.json()["error"] == "invalid_request"


@pytest.mark.parametrize("method", ["S256", "plain"])
def test_pkce_verifier_is_checked_when_a_challenge_was_sent(sandbox, app, method):
    verifier = secrets.token_urlsafe(48)
    challenge = s256(verifier) if method == "S256" else verifier
    extra = {"code_challenge": challenge, "code_challenge_method": method}
    bad = exchange(
        sandbox, **token_form(app, code_for(sandbox, app, **extra), code_verifier="x" * 50)
    )
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_grant"
    missing = exchange(sandbox, **token_form(app, code_for(sandbox, app, **extra)))
    assert missing.json()["error"] == "invalid_grant"
    good = exchange(
        sandbox, **token_form(app, code_for(sandbox, app, **extra), code_verifier=verifier)
    )
    assert good.status_code == 200


def test_revoking_on_the_applications_page_invalidates_tokens(sandbox, app):
    browser = requests.Session()
    sign_in(sandbox, browser, EDITOR_EMAIL)
    code = query(
        authorize(sandbox, EDITOR_EMAIL, params(app), browser=browser).headers["Location"]
    )["code"]
    token = exchange(sandbox, **token_form(app, code)).json()["access_token"]
    assert me(sandbox, token).status_code == 200
    page = browser.get(f"{sandbox.url}/applications")
    assert app["client_id"] in page.text
    response = browser.post(
        f"{sandbox.url}/applications/{app['client_id']}/revoke",
        data={"csrfmiddlewaretoken": csrf(page.text)},
        allow_redirects=False,
    )
    assert response.status_code == 302
    assert me(sandbox, token).status_code == 401
    assert me(sandbox, token).json() == OAUTH_ERROR
    assert app["client_id"] not in browser.get(f"{sandbox.url}/applications").text


def test_revoking_with_the_management_command_invalidates_tokens(sandbox, app):
    token = exchange(sandbox, **token_form(app, code_for(sandbox, app))).json()["access_token"]
    sandbox.manage("sandbox_revoke", ADMIN_EMAIL, app["client_id"])
    assert me(sandbox, token).json() == OAUTH_ERROR


def test_sandbox_pages_have_their_own_look(sandbox):
    page = requests.get(f"{sandbox.url}/signin")
    assert "Kantata OX" in page.text and "sandbox/sandbox.css" in page.text
    assert requests.get(f"{sandbox.base}/static/sandbox/sandbox.css").status_code == 200
