"""The short versions of issue 21's runs (bench/team_load.py, bench/fuzz.py): the dashboard
as two gunicorn processes and a worker over this test run's database (and Redis, in CI's
PostgreSQL + Redis leg), the session's sandbox over real HTTP, a few members each with a
Kantata user of their own."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from django.conf import settings as django_settings
from django.test import Client

from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.services import connection_save_checked
from kantata_admin.kantata import KantataClient, NotFound
from kantata_admin.ratebudget.budget import reset_buckets
from tests.load.stack import AppProcess, WorkerProcess, dashboard_env, tracebacks
from tests.sandbox_harness import ADMIN_EMAIL, IMPATIENT_TIMEOUT, SandboxServer

# A killed worker's job is taken over this soon.
STALE_SECONDS = 3
# Kantata users the sandbox_team command adds for these tests (idempotent, shared).
TEAM_PREFIX = "loadtest"


def database_url() -> str:
    """This test run's database, as a URL the app processes can open."""
    db = django_settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user, host = db.get("USER") or "postgres", db.get("HOST") or "127.0.0.1"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgresql://{user}{password}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


@dataclass
class Site:
    """The processes of one site; each is stopped at the end of the test."""

    sandbox: SandboxServer
    env: dict[str, str]
    logdir: Path
    apps: list[AppProcess] = field(default_factory=list)
    workers: list[WorkerProcess] = field(default_factory=list)

    def app(self) -> AppProcess:
        return self.app_processes(1)[0]

    def app_processes(self, count: int) -> list[AppProcess]:
        """`count` app processes, booted at once."""
        started = []
        for _ in range(count):
            app = AppProcess(self.env, self.logdir / f"app-{len(self.apps)}.log")
            self.apps.append(app)
            started.append(app.spawn())
        return [app.wait() for app in started]

    def worker(self) -> WorkerProcess:
        worker = WorkerProcess(self.env, self.logdir / f"worker-{len(self.workers)}.log")
        self.workers.append(worker)
        return worker.start()

    def logs(self) -> str:
        return "\n".join(p.log_text() for p in [*self.apps, *self.workers])

    def tracebacks(self) -> list[str]:
        return tracebacks(self.logs())

    def stop(self) -> None:
        for process in [*self.apps, *self.workers]:
            process.stop()


@pytest.fixture
def site(sandbox, settings, tmp_path, transactional_db) -> Iterator[Site]:
    """Two-process-ready site settings, here and for the processes it starts."""
    budget = str(tmp_path / "budget.sqlite3")
    settings.KANTATA_API_URL = sandbox.api_url
    settings.KANTATA_OAUTH_URL = sandbox.oauth_url
    settings.KANTATA_RATE_BUDGET_SQLITE = budget
    settings.KANTATA_RATE_BUDGET_PER_MINUTE = 6000
    settings.BULK_STALE_SECONDS = STALE_SECONDS
    reset_buckets()
    env = dashboard_env(
        database_url=database_url(),
        sandbox_url=sandbox.url,
        redis_url=django_settings.REDIS_URL,
        cache_key_prefix=django_settings.CACHES["default"].get("KEY_PREFIX", ""),
        extra={
            "SANDBOX_PORT": str(sandbox.port),
            "KANTATA_RATE_BUDGET_SQLITE": budget,
            "KANTATA_RATE_BUDGET_PER_MINUTE": "6000",
            "KANTATA_READ_TIMEOUT": str(IMPATIENT_TIMEOUT),
            "BULK_STALE_SECONDS": str(STALE_SECONDS),
        },
    )
    running = Site(sandbox, env, tmp_path)
    yield running
    running.stop()
    reset_buckets()


@dataclass
class Member:
    user: object
    token: str
    browser: requests.Session


@pytest.fixture
def team(site, make_member) -> list[Member]:
    """Four editors, each connected to a Kantata user of their own, each with a signed-in
    browser session (cookies only: it works on whichever process it is sent to)."""
    emails = site.sandbox.manage("sandbox_team", "--count", "4", "--prefix", TEAM_PREFIX).split()
    members = []
    for n, kantata_email in enumerate(emails):
        user = make_member("editor", f"load-{n}@team.test")
        token = site.sandbox.token(kantata_email)
        connection_save_checked(user, TokenGrant(token))
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        browser = requests.Session()
        browser.cookies.update({k: v.value for k, v in client.cookies.items()})
        members.append(Member(user, token, browser))
    return members


@pytest.fixture
def witness(sandbox) -> KantataClient:
    """The sandbox's API as its administrator: what is stored upstream."""
    return KantataClient(sandbox.token(ADMIN_EMAIL), base_url=sandbox.api_url)


@pytest.fixture
def own_groups(witness) -> Iterator[list]:
    """`own_groups.make(n)`-style list: groups this test made, deleted at the end."""
    made: list = []
    yield made
    for group in made:
        with contextlib.suppress(NotFound):
            witness.workspace_groups.delete(group.id)


def make_groups(witness: KantataClient, made: list, count: int, prefix: str = "Load") -> list:
    tag = uuid.uuid4().hex[:8]
    groups = [
        witness.workspace_groups.create({"name": f"{prefix} {tag} {n}"}) for n in range(count)
    ]
    made.extend(groups)
    return groups
