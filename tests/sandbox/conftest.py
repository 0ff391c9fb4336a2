"""Fixtures over the shared sandbox server (tests/sandbox_harness.py)."""

import uuid

import pytest
import requests

from tests.sandbox_harness import (
    ADMIN_EMAIL,
    EDITOR_EMAIL,
    OTHER_ACCOUNT_EMAIL,
    READONLY_EMAIL,
    SandboxServer,
)


@pytest.fixture(scope="session")
def admin_token(sandbox: SandboxServer) -> str:
    return sandbox.token(ADMIN_EMAIL)


@pytest.fixture(scope="session")
def tokens(sandbox: SandboxServer) -> dict[str, str]:
    return {
        email: sandbox.token(email)
        for email in (ADMIN_EMAIL, EDITOR_EMAIL, READONLY_EMAIL, OTHER_ACCOUNT_EMAIL)
    }


@pytest.fixture(scope="session")
def admin(sandbox: SandboxServer, tokens) -> requests.Session:
    """A session for the seeded administrator of the first account."""
    return sandbox.api(tokens[ADMIN_EMAIL])


@pytest.fixture(scope="session")
def viewer(sandbox: SandboxServer, tokens) -> requests.Session:
    return sandbox.api(tokens[READONLY_EMAIL])


@pytest.fixture(scope="session")
def outsider(sandbox: SandboxServer, tokens) -> requests.Session:
    return sandbox.api(tokens[OTHER_ACCOUNT_EMAIL])


@pytest.fixture(scope="session")
def token_pool(sandbox: SandboxServer) -> list[str]:
    return sandbox.tokens(ADMIN_EMAIL, 40)


@pytest.fixture
def fresh_token(sandbox: SandboxServer, token_pool: list[str]) -> str:
    """An administrator's token used by no other test, for faults and rate limits."""
    return token_pool.pop() if token_pool else sandbox.token(ADMIN_EMAIL)


@pytest.fixture
def unique_name() -> str:
    return f"Test group {uuid.uuid4().hex[:10]}"
