"""The import's tests run against a sandbox of their own, seeded as the session's (250
groups, so its first account holds exactly the issue's 225), since they change groups
other tests count. The member is an editor connected to that account's administrator."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.services import connection_save_checked
from kantata_admin.kantata import KantataClient
from kantata_admin.ratebudget.budget import reset_buckets
from tests.sandbox_harness import ADMIN_EMAIL, SandboxServer, serve

ACME_GROUPS = 225


@pytest.fixture(scope="session", name="import_sandbox")
def import_sandbox_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    yield from serve(tmp_path_factory, "import_sandbox", 250, KANTATA_SANDBOX_RETRY_AFTER="false")


@pytest.fixture(scope="session", name="import_tokens")
def import_tokens_fixture(import_sandbox: SandboxServer) -> list[str]:
    return import_sandbox.tokens(ADMIN_EMAIL, 20)


@pytest.fixture(name="import_env")
def import_env_fixture(import_sandbox, settings):
    settings.KANTATA_API_URL = import_sandbox.api_url
    settings.KANTATA_OAUTH_URL = import_sandbox.oauth_url
    settings.KANTATA_RATE_BUDGET_PER_MINUTE = 0
    reset_buckets()
    return import_sandbox


@pytest.fixture(name="importer")
def importer_fixture(import_env, import_tokens, make_member, transactional_db):
    """An editor connected to the sandbox's administrator, with a token of its own."""
    member = make_member("editor", "importer@team.test")
    if len(import_tokens) < 2:  # the first is the witness's
        import_tokens.extend(import_env.tokens(ADMIN_EMAIL, 20))
    member.kantata_token = import_tokens.pop()
    connection_save_checked(member, TokenGrant(member.kantata_token))
    return member


@pytest.fixture(name="witness")
def witness_fixture(import_sandbox, import_tokens) -> KantataClient:
    """The sandbox's API with a token of no member."""
    return KantataClient(import_tokens[0], base_url=import_sandbox.api_url)


def upload(client, rows: list[list[str]], name: str = "groups.csv", *, delimiter: str = ","):
    """POST a CSV file of `rows` to the import page."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return upload_bytes(client, out.getvalue().encode("utf-8"), name)


def upload_bytes(client, data: bytes, name: str = "groups.csv"):
    return client.post("/import/", {"file": SimpleUploadedFile(name, data, "text/csv")})


def read_csv(response) -> list[list[str]]:
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))
