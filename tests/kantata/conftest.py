"""Clients for the real sandbox server, one token per role, and the seeded data once.

admin_token, fresh_token (a token per test, for faults) and unique_name come from
tests/sandbox_harness.py."""

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from kantata_admin.kantata import KantataClient, WorkspaceGroup
from tests.retries import FAST_RETRIES
from tests.sandbox_harness import (
    IMPATIENT_TIMEOUT,
    OTHER_ACCOUNT_EMAIL,
    READONLY_EMAIL,
    unique_name,
)


class Sleeps(list):
    """An injectable sleep that really sleeps and remembers how long."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)
        time.sleep(seconds)


@pytest.fixture(scope="session")
def readonly_token(sandbox) -> str:
    return sandbox.token(READONLY_EMAIL)


@pytest.fixture(scope="session")
def other_account_token(sandbox) -> str:
    return sandbox.token(OTHER_ACCOUNT_EMAIL)


@pytest.fixture
def client(sandbox, admin_token) -> KantataClient:
    return KantataClient(admin_token, base_url=sandbox.api_url, retry=FAST_RETRIES)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def faulty(sandbox, fresh_token, sleeps) -> KantataClient:
    """A client whose token (this test's own, from the harness) takes injected faults."""
    return KantataClient(fresh_token, base_url=sandbox.api_url, retry=FAST_RETRIES, sleep=sleeps)


@pytest.fixture
def slow(sandbox, fresh_token, sleeps) -> KantataClient:
    """Like `faulty`, but gives up on an answer after IMPATIENT_TIMEOUT seconds, long before a
    delay fault of LATE_MS answers."""
    return KantataClient(
        fresh_token,
        base_url=sandbox.api_url,
        read_timeout=IMPATIENT_TIMEOUT,
        retry=FAST_RETRIES,
        sleep=sleeps,
    )


@pytest.fixture
def new_group(client) -> Iterator:
    """Creates uniquely named groups and deletes them afterwards."""
    created: list[WorkspaceGroup] = []

    def make(**fields) -> WorkspaceGroup:
        fields.setdefault("name", unique_name("Client test"))
        group = client.workspace_groups.create(fields)
        created.append(group)
        return group

    yield make
    for group in created:
        with contextlib.suppress(Exception):
            client.workspace_groups.delete(group.id)


@dataclass
class Seeded:
    """The admin's account as the API shows it: groups with every include, fields, values."""

    groups: dict[str, WorkspaceGroup]
    fields: dict[str, object]
    # (group id, field id) -> the raw `value` the API sends
    values: dict[tuple[str, str], object] = field(default_factory=dict)


@pytest.fixture(scope="session")
def seeded(sandbox, admin_token) -> Seeded:
    client = KantataClient(admin_token, base_url=sandbox.api_url)
    groups = {
        g.id: g
        for g in client.workspace_groups.iter_all(
            include=["workspaces", "rate_card_sets", "external_references"]
        )
    }
    fields = {f.id: f for f in client.custom_fields.iter_all()}
    values = {
        (v.subject_id, v.custom_field_id): v.value for v in client.custom_field_values.iter_all()
    }
    return Seeded(groups=groups, fields=fields, values=values)
