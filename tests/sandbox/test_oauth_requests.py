"""How /oauth/authorize and /oauth/token read malformed or unusual requests (RFC 6749)."""

import base64
import secrets
import uuid
from urllib.parse import quote_plus

import pytest
import requests

from tests.sandbox.oauth_flow import authorize, exchange, query
from tests.sandbox_harness import ADMIN_EMAIL

REDIRECT = "http://127.0.0.1:9/oauth/requests"


@pytest.fixture(scope="module")
def app(sandbox):
    # Characters that must be form-urlencoded inside HTTP Basic credentials.
    client_id = f"app:{uuid.uuid4().hex[:8]} +%"
    secret = f"s3cr:t/+%={secrets.token_urlsafe(8)}"
    sandbox.register_application(client_id, secret, [REDIRECT])
    return {"client_id": client_id, "secret": secret}


def new_code(sandbox, app) -> str:
    response = authorize(
        sandbox,
        ADMIN_EMAIL,
        {"client_id": app["client_id"], "response_type": "code", "redirect_uri": REDIRECT},
    )
    assert response.status_code == 302, response.text
    return query(response.headers["Location"])["code"]


def test_a_missing_response_type_redirects_with_invalid_request(sandbox, app):
    response = requests.get(
        f"{sandbox.url}/oauth/authorize",
        params={"client_id": app["client_id"], "redirect_uri": REDIRECT, "state": "s1"},
        allow_redirects=False,
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith(REDIRECT)
    error = query(response.headers["Location"])
    assert error["error"] == "invalid_request" and error["state"] == "s1"


def test_a_wrong_response_type_still_redirects_with_unsupported_response_type(sandbox, app):
    response = requests.get(
        f"{sandbox.url}/oauth/authorize",
        params={"client_id": app["client_id"], "redirect_uri": REDIRECT, "response_type": "token"},
        allow_redirects=False,
    )
    assert query(response.headers["Location"])["error"] == "unsupported_response_type"


def test_http_basic_client_credentials_are_url_decoded(sandbox, app):
    code = new_code(sandbox, app)
    pair = f"{quote_plus(app['client_id'])}:{quote_plus(app['secret'])}"
    response = requests.post(
        f"{sandbox.url}/oauth/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
        headers={"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()},
    )
    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "bearer"


def test_form_credentials_with_special_characters_work_too(sandbox, app):
    code = new_code(sandbox, app)
    response = exchange(
        sandbox,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT,
        client_id=app["client_id"],
        client_secret=app["secret"],
    )
    assert response.status_code == 200, response.text


def test_a_json_token_request_is_invalid_request_not_invalid_client(sandbox, app):
    code = new_code(sandbox, app)
    response = requests.post(
        f"{sandbox.url}/oauth/token",
        json={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": app["client_id"],
            "client_secret": app["secret"],
        },
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    assert "WWW-Authenticate" not in response.headers


def test_an_application_whose_secret_begins_with_a_dash_registers(sandbox):
    """Generated secrets (token_urlsafe) can begin with "-"; registering one must not read
    it as a command-line option (a CI run once failed on `--secret -EBaCi_...`)."""
    client_id = f"dash-app-{uuid.uuid4().hex[:8]}"
    secret = "-EBaCi_AWmm_-XLvjM_axQ"
    sandbox.register_application(client_id, secret, ["http://127.0.0.1:9/cb"])

    def revoke(client_secret: str) -> int:
        body = {"token": "unknown", "client_id": client_id, "client_secret": client_secret}
        return requests.post(f"{sandbox.url}/oauth/revoke", data=body, timeout=30).status_code

    # RFC 7009: an unknown token is revoked "successfully" once the client authenticates.
    assert (revoke(secret), revoke(secret[1:])) == (200, 401)
