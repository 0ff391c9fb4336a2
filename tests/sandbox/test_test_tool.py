"""The sandbox stays a test tool (issue 7, item 5): never in production, capped faults,
failed sign-ins counted like the dashboard's, and an optional latency for demos."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from cryptography.fernet import Fernet
from django.test import Client

from tests.sandbox import factories
from tests.sandbox.oauth_flow import csrf
from tests.sandbox_harness import SANDBOX_PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def _check(command: list[str], **env: str) -> subprocess.CompletedProcess:
    """`command` (a manage.py) running `check` in a process of its own, with `env`."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    return subprocess.run(
        [sys.executable, *command, "check"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_sandbox_refuses_to_start_with_debug_off():
    """KANTATA_SANDBOX on with DEBUG=false stops the process with a clear message."""
    result = _check(
        ["manage.py"],
        DEBUG="false",
        KANTATA_SANDBOX="true",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="admin.example.com",
        TOKEN_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        KANTATA_CLIENT_ID="client-id",
        KANTATA_CLIENT_SECRET="client-secret",
    )
    assert result.returncode != 0
    assert "KANTATA_SANDBOX=true needs DEBUG=true" in result.stderr


def test_the_sandbox_service_refuses_to_start_with_debug_off():
    """The sandbox's own settings (its service) refuse DEBUG=false, saying why."""
    result = _check(["-m", "kantata_admin.sandbox"], DEBUG="false")
    assert result.returncode != 0
    assert "The Kantata OX sandbox needs DEBUG=true" in result.stderr


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"kind": "delay", "delay_ms": 60_001}, "delay_ms must be an integer from 0 to 60000"),
        ({"kind": "503", "count": 1001}, "count must be an integer from 0 to 1000"),
        ({"kind": "429", "retry_after": 3601}, "retry_after must be an integer from 0 to 3600"),
        (["not", "an", "object"], "the body must be a JSON object"),
    ],
)
def test_fault_delays_and_counts_are_capped(sandbox, fresh_token, body, message):
    """A fault is for a test: no day-long delays, no endless counts."""
    response = requests.post(
        f"{sandbox.url}/faults", json=body, headers={"Authorization": f"Bearer {fresh_token}"}
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["type"] == "system" and message in error["message"]
    # Nothing was queued: the next call answers normally.
    me = requests.get(
        f"{sandbox.api_url}/users/me.json", headers={"Authorization": f"Bearer {fresh_token}"}
    )
    assert me.status_code == 200


def test_the_largest_capped_values_are_accepted(sandbox, fresh_token):
    response = requests.post(
        f"{sandbox.url}/faults",
        json={"kind": "429", "count": 1000, "retry_after": 3600},
        headers={"Authorization": f"Bearer {fresh_token}"},
    )
    assert response.status_code == 201 and response.json()["count"] == 1000
    sandbox.clear_faults(fresh_token)


def test_failed_sign_ins_are_counted_like_the_dashboards(sandbox):
    """LOGIN_FAILED_RATE_LIMIT (default 5 per 300 s per key): after five failures for one
    e-mail address the sixth attempt is refused as too many (429), not checked. (An
    address of no demo user, so that no other test is locked out.)"""
    email = f"nobody-{uuid.uuid4().hex[:8]}@sandbox.test"
    browser = requests.Session()
    form_page = browser.get(f"{sandbox.url}/signin")
    statuses = []
    for _ in range(6):
        response = browser.post(
            f"{sandbox.url}/signin",
            data={
                "email": email,
                "password": SANDBOX_PASSWORD,
                "csrfmiddlewaretoken": csrf(form_page.text),
            },
            allow_redirects=False,
        )
        statuses.append(response.status_code)
    assert statuses == [400] * 5 + [429]
    assert "Too many failed sign-in attempts" in response.text
    assert f'value="{email}"' in response.text  # what was typed is kept


@pytest.mark.django_db
def test_sandbox_latency_is_added_to_every_api_answer(settings):
    """KANTATA_SANDBOX_LATENCY_MS delays each API answer by that much."""
    settings.ROOT_URLCONF = "kantata_admin.sandbox.root_urls"
    fixture = factories.build(groups=1)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {fixture.token}")

    def timed() -> float:
        started = time.perf_counter()
        assert client.get("/api/v1/users/me.json").status_code == 200
        return time.perf_counter() - started

    settings.KANTATA_SANDBOX_LATENCY_MS = 300
    assert timed() >= 0.3
    settings.KANTATA_SANDBOX_LATENCY_MS = 0
    assert timed() < 0.3
