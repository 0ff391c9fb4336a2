"""Fixtures over the shared sandbox server (tests/sandbox_harness.py, which also holds
admin_token, fresh_token and unique_name)."""

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
def readonly_api(sandbox: SandboxServer, tokens) -> requests.Session:
    """A session for the seeded read-only user (tests/conftest.py's `viewer` is a member)."""
    return sandbox.api(tokens[READONLY_EMAIL])


@pytest.fixture(scope="session")
def outsider(sandbox: SandboxServer, tokens) -> requests.Session:
    return sandbox.api(tokens[OTHER_ACCOUNT_EMAIL])
