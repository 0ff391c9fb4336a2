"""Drive the sandbox's sign-in and approve pages like a browser would, with requests."""

import base64
import hashlib
import re
from urllib.parse import parse_qs, urlsplit

import requests

from tests.sandbox_harness import SANDBOX_PASSWORD, SandboxServer

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf(html: str) -> str:
    return _CSRF.search(html).group(1)


def s256(verifier: str) -> str:
    return (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )


def query(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def sign_in(sandbox: SandboxServer, browser: requests.Session, email: str) -> None:
    page = browser.get(f"{sandbox.url}/signin")
    response = browser.post(
        f"{sandbox.url}/signin",
        data={"email": email, "password": SANDBOX_PASSWORD, "csrfmiddlewaretoken": csrf(page.text)},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text


def authorize(
    sandbox: SandboxServer,
    email: str,
    params: dict[str, str],
    decision: str = "approve",
    browser: requests.Session | None = None,
) -> requests.Response:
    """Sign in if needed, open /oauth/authorize, click `decision`; the final redirect."""
    browser = browser or requests.Session()
    first = browser.get(f"{sandbox.url}/oauth/authorize", params=params, allow_redirects=False)
    if first.status_code == 302 and "/signin" in first.headers["Location"]:
        sign_in(sandbox, browser, email)
        first = browser.get(f"{sandbox.url}/oauth/authorize", params=params, allow_redirects=False)
    if first.status_code != 200:
        return first
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', first.text))
    hidden.pop("next", None)
    hidden["decision"] = decision
    return browser.post(f"{sandbox.url}/oauth/authorize", data=hidden, allow_redirects=False)


def exchange(sandbox: SandboxServer, **form) -> requests.Response:
    return requests.post(f"{sandbox.url}/oauth/token", data=form)
