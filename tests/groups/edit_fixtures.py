"""Fixtures of the create, edit and delete tests (a plugin of tests/conftest.py).

They talk to the session sandbox over HTTP with a real client; nothing is mocked.
"""

import contextlib
from collections.abc import Iterator

import pytest
from django.db.models import QuerySet

from kantata_admin.audit.models import AuditEntry
from kantata_admin.kantata import (
    KantataClient,
    NotFound,
    Workspace,
    WorkspaceGroup,
)
from tests.retries import FAST_RETRIES
from tests.sandbox_harness import READONLY_EMAIL, unique_name


@pytest.fixture
def kantata(sandbox, admin_token) -> KantataClient:
    """The sandbox administrator's client: every Acme workspace, may write."""
    return KantataClient(admin_token, base_url=sandbox.api_url, retry=FAST_RETRIES)


@pytest.fixture
def own_kantata(sandbox, fresh_token) -> KantataClient:
    """An administrator's client with a token of this test's own, for injected faults."""
    return KantataClient(fresh_token, base_url=sandbox.api_url, retry=FAST_RETRIES)


@pytest.fixture(scope="session")
def readonly_kantata(sandbox) -> KantataClient:
    """The sandbox's collaborator: reads, and every write answers 403."""
    return KantataClient(sandbox.token(READONLY_EMAIL), base_url=sandbox.api_url)


@pytest.fixture(scope="session")
def some_workspaces(sandbox, admin_token) -> list[Workspace]:
    """Four workspaces the administrator can put in a group, read once."""
    client = KantataClient(admin_token, base_url=sandbox.api_url)
    return client.workspaces.list(per_page=4).records


@pytest.fixture
def group(kantata, some_workspaces) -> Iterator[WorkspaceGroup]:
    """A fresh group with two workspaces, deleted afterwards if the test left it."""
    created = kantata.workspace_groups.create(
        {
            "name": unique_name(),
            "email": "before@example.test",
            "add_workspace_ids": [some_workspaces[0].id, some_workspaces[1].id],
        },
        include=["workspaces", "external_references"],
    )
    yield created
    with contextlib.suppress(NotFound):  # the test may have deleted it
        kantata.workspace_groups.delete(created.id)


def stored(client: KantataClient, group_id: str) -> WorkspaceGroup:
    return client.workspace_groups.get(group_id, include=["workspaces", "external_references"])


def titles(group: WorkspaceGroup) -> list[str]:
    return sorted(w.title for w in group.workspaces or ())


def group_entries() -> QuerySet[AuditEntry]:
    """Audit entries about groups (connecting a member leaves one of its own)."""
    return AuditEntry.objects.filter(action__startswith="group_")
