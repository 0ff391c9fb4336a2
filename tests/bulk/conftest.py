"""Bulk jobs run against a small sandbox of their own (no Retry-After on its 429s, as
Kantata documents none) and a real worker process (`manage.py bulk_worker`) sharing the
test database."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from kantata_admin.bulk.models import BulkJob
from kantata_admin.bulk.runner import Step, run_step
from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.services import connection_save_checked
from kantata_admin.kantata import KantataClient, NotFound
from kantata_admin.ratebudget.budget import reset_buckets
from tests.browser.conftest import csp_violations  # noqa: F401 (a fixture for browser tests)
from tests.sandbox_harness import ADMIN_EMAIL, ROOT, SandboxServer, serve

# Short, so that a killed worker's job is taken over within seconds.
STALE_SECONDS = 3


@pytest.fixture(scope="session")
def bulk_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """A small sandbox of the bulk tests' own (they change many groups' values, which the
    session's sandbox serves to filter tests), leaving Retry-After out as Kantata does."""
    yield from serve(tmp_path_factory, "bulk_sandbox", 200, KANTATA_SANDBOX_RETRY_AFTER="false")


@pytest.fixture(scope="session")
def bulk_tokens(bulk_sandbox: SandboxServer) -> list[str]:
    return bulk_sandbox.tokens(ADMIN_EMAIL, 40)


@pytest.fixture
def bulk_env(bulk_sandbox, settings, tmp_path) -> dict[str, str]:
    """Settings of this test, in this process and for its workers."""
    budget = str(tmp_path / "budget.sqlite3")
    settings.KANTATA_API_URL = bulk_sandbox.api_url
    settings.KANTATA_OAUTH_URL = bulk_sandbox.oauth_url
    settings.KANTATA_RATE_BUDGET_SQLITE = budget
    settings.BULK_STALE_SECONDS = STALE_SECONDS
    settings.KANTATA_RATE_BUDGET_PER_MINUTE = 1200
    reset_buckets()
    yield {
        "KANTATA_API_URL": bulk_sandbox.api_url,
        "KANTATA_OAUTH_URL": bulk_sandbox.oauth_url,
        "KANTATA_RATE_BUDGET_SQLITE": budget,
        "KANTATA_RATE_BUDGET_PER_MINUTE": "1200",
        "BULK_STALE_SECONDS": str(STALE_SECONDS),
    }
    reset_buckets()


@pytest.fixture
def starter(bulk_env, bulk_tokens, make_member, transactional_db):
    """An editor connected to the sandbox's administrator, with a token of its own."""
    member = make_member("editor", "bulk-starter@team.test")
    member.kantata_token = bulk_tokens.pop()
    connection_save_checked(member, TokenGrant(member.kantata_token))
    return member


@pytest.fixture
def api(bulk_sandbox, bulk_tokens) -> KantataClient:
    """The sandbox's API with a token of no member: the tests' witness."""
    return KantataClient(bulk_tokens[0], base_url=bulk_sandbox.api_url)


@pytest.fixture
def own_groups(api) -> Iterator[Callable[[int], tuple[str, list]]]:
    """`own_groups(n)`: n new groups sharing a unique name prefix, deleted at the end."""
    made = []

    def make(count: int) -> tuple[str, list]:
        prefix = f"Bulk test {uuid.uuid4().hex[:8]}"
        groups = [api.workspace_groups.create({"name": f"{prefix} {n}"}) for n in range(count)]
        made.extend(groups)
        return prefix, groups

    yield make
    for group in made:
        with contextlib.suppress(NotFound):
            api.workspace_groups.delete(group.id)


def _database_url() -> str:
    db = django_settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user, host, port = db.get("USER") or "postgres", db.get("HOST") or "127.0.0.1", db.get("PORT")
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgresql://{user}{password}@{host}:{port or 5432}/{db['NAME']}"


class Workers:
    """Worker processes of this test; each is killed at the end."""

    def __init__(self, env: dict[str, str], logdir: Path) -> None:
        self.env = env
        self.logdir = logdir
        self.processes: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_"))}
        env.update(
            self.env,
            DATABASE_URL=_database_url(),
            DJANGO_SETTINGS_MODULE="kantata_admin.settings",
            KANTATA_SANDBOX="false",
            DEBUG="true",
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        log = (self.logdir / f"worker-{len(self.processes)}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "manage.py", "bulk_worker", "--interval", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group: a kill takes its children too (RQ's work horse and
            # scheduler), as when a machine dies.
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=10)
            # Whatever is left of its group (a work horse finishing a task) goes too.
            self.kill(process)

    def log(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.logdir.glob("worker-*.log")))


@pytest.fixture
def workers(bulk_env, tmp_path, transactional_db) -> Iterator[Workers]:
    pool = Workers(bulk_env, tmp_path)
    yield pool
    pool.stop_all()


def wait_for(check: Callable[[], bool], timeout: float, what: str, log=lambda: "") -> None:
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}\n{log()}")


def job_finished(job_id: int) -> bool:
    return BulkJob.objects.get(pk=job_id).finished


def run_here(job_id: int, limit: int = 50) -> BulkJob:
    """Run a job's steps in this process (no worker), to its end; the job."""
    for _ in range(limit):
        if run_step(job_id, "test-process") in (Step.FINISHED, Step.PAUSED):
            break
    return BulkJob.objects.get(pk=job_id)
