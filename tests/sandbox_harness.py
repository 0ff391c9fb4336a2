"""The Kantata OX sandbox as a real server process, for tests that speak HTTP to it.

The sandbox is a service of its own, started as `make run` starts it: gunicorn serving
`kantata_admin.sandbox.wsgi` under `kantata_admin.sandbox.settings`, with its own
database (a fresh PostgreSQL database when this test run's DATABASE_URL is PostgreSQL,
else a SQLite file), set up once per session by one `sandbox_setup` command. Tokens,
applications, revocations and the clock go through its HTTP test controls
(docs/sandbox.md). Tests share the seeded data: writers create uniquely named groups.
"""

import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from kantata_admin.sandbox.demo import (  # re-exported: tests import them from here
    ADMIN_EMAIL,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    EDITOR_EMAIL,
    OTHER_ACCOUNT_EMAIL,
    READONLY_EMAIL,
    SANDBOX_PASSWORD,
)
from tests.sandbox_process import (  # re-exported: tests import them from here
    ROOT,
    SANDBOX_SETTINGS,
    drop_postgres,
    listening_socket,
    postgres_url_for,
    spawn_gunicorn,
    wait_for_a_fresh_minute,
    wait_until_serving,
)

__all__ = [
    "ADMIN_EMAIL",
    "DASHBOARD_CLIENT_ID",
    "DASHBOARD_CLIENT_SECRET",
    "EDITOR_EMAIL",
    "EXPIRING_TOKEN_TTL",
    "IMPATIENT_TIMEOUT",
    "LATE_MS",
    "OTHER_ACCOUNT_EMAIL",
    "READONLY_EMAIL",
    "SANDBOX_PASSWORD",
    "SandboxServer",
    "listening_socket",
    "spawn_gunicorn",
    "unique_name",
    "wait_until_serving",
]

# The dashboard's demo application, which the sandbox registers and the dashboard's
# settings use with KANTATA_SANDBOX on and no real credentials (the harness clears them).
DASHBOARD_CLIENT_ID = DEMO_CLIENT_ID
DASHBOARD_CLIENT_SECRET = DEMO_CLIENT_SECRET
# A client that gives up on an answer after IMPATIENT_TIMEOUT seconds, and a delay fault
# that answers LATE_MS after the work is done: far apart, so that on a busy machine an
# ordinary answer still comes in time and the delayed one never does.
IMPATIENT_TIMEOUT = 1.5
LATE_MS = 6000
# Tokens made up front in one command: enough for every test that asks for a fresh one.
TOKEN_POOL_SIZE = 60
# Seconds an access token of the `sandbox_expiring` server lives: short enough to wait
# out in a test, long enough that a busy machine still uses a new token in time.
EXPIRING_TOKEN_TTL = 8


@dataclass
class SandboxServer:
    """One sandbox process; `url` is the sandbox's root (its own origin, as Kantata's
    hosts), `api_url` the API base."""

    workdir: Path
    groups: int = 250
    seed: int = 1
    listener: socket.socket = field(default_factory=listening_socket)
    port: int = field(init=False)
    process: subprocess.Popen | None = None
    database_url: str = ""
    pg_database: str | None = None
    session: requests.Session = field(default_factory=requests.Session)
    seed_output: str = ""  # what sandbox_setup printed, including how long seeding took
    # Settings of this server (and its manage.py commands), e.g. KANTATA_SANDBOX_TOKEN_TTL.
    extra_env: dict[str, str] = field(default_factory=dict)
    # The dashboard's PORT as the sandbox knows it: the seed registers the dashboard's
    # callbacks on it (tests register the live server's own with register_redirect_uri).
    dashboard_port: int = 8000

    def __post_init__(self) -> None:
        self.port = self.listener.getsockname()[1]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return self.base

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/v1"

    @property
    def oauth_url(self) -> str:
        """What settings.KANTATA_OAUTH_URL is when the dashboard uses this sandbox."""
        return self.url

    def env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("KANTATA_", "DJANGO_", "PYTEST_", "SANDBOX_"))
            and key != "DATABASE_URL"
        }
        env.update(
            DEBUG="true",
            PORT=str(self.dashboard_port),
            SANDBOX_PORT=str(self.port),
            SANDBOX_DATABASE_URL=self.database_url,
            SANDBOX_CACHE_KEY_PREFIX=f"sandbox-test-{uuid.uuid4().hex[:12]}",
            DJANGO_SETTINGS_MODULE=SANDBOX_SETTINGS,
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        if os.environ.get("REDIS_URL"):
            env["REDIS_URL"] = os.environ["REDIS_URL"]
        env.update(self.extra_env)
        return env

    # --- lifecycle -------------------------------------------------------------------

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.pg_database = f"kantata_sandbox_test_{os.getpid()}_{self.port}"
        self.database_url = postgres_url_for(self.pg_database) or ""
        if not self.database_url:
            self.pg_database = None
            self.database_url = f"sqlite:///{self.workdir / 'sandbox.sqlite3'}"
        self.seed_output = self.manage(
            "sandbox_setup", "--groups", str(self.groups), "--seed", str(self.seed)
        )
        self._stderr = (self.workdir / "gunicorn.stderr").open("a+")
        self._spawn()

    def _spawn(self) -> None:
        self.process = spawn_gunicorn(
            self.listener,
            self.env(),
            *("--workers", "1", "--threads", "16", "--worker-class", "gthread"),
            *("--timeout", "120", "--keep-alive", "30", "--no-control-socket"),
            stderr=self._stderr,
        )
        wait_until_serving(self.base, self.process, self.server_log)

    def server_log(self) -> str:
        """gunicorn's stderr so far: tracebacks of failing requests land here."""
        self._stderr.flush()
        return (self.workdir / "gunicorn.stderr").read_text()

    def _end_process(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        """Take the sandbox down as a crash would: its process killed, its port closed (a
        caller's connection is then refused). `restart()` brings it back."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)  # gunicorn's worker holds the port too
            self.process.wait()
        self.listener.close()
        self.session.close()

    def restart(self) -> None:
        """After `kill()`: the same port and database served by a new process (its
        clock back at the real time)."""
        self.listener = socket.create_server(("127.0.0.1", self.port), backlog=128)
        self._spawn()

    def stop(self) -> None:
        self._end_process()
        self.session.close()
        self.listener.close()
        if getattr(self, "_stderr", None):
            self._stderr.close()
        if self.pg_database:
            drop_postgres(self.pg_database)

    # --- helpers for tests -----------------------------------------------------------

    def manage(self, *args: str) -> str:
        """Run a manage.py command under the sandbox's settings (its database); returns
        its stdout. Tests use the HTTP controls below; this is for set-up and oracles."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed ({result.returncode}):\n{result.stderr}"
            )
        return result.stdout

    def control(self, path: str, body: dict | None = None) -> dict:
        """POST (or, without a body, GET) one of the sandbox's /controls/ endpoints."""
        url = f"{self.url}/controls/{path}"
        if body is None:
            response = self.session.get(url, timeout=60)
        else:
            response = self.session.post(url, json=body, timeout=60)
        if not response.ok:
            raise RuntimeError(f"{path} control: {response.status_code} {response.text[:500]}")
        return response.json()

    def token(self, email: str = ADMIN_EMAIL) -> str:
        """A new personal bearer token for a seeded user."""
        return self.tokens(email, 1)[0]

    def tokens(self, email: str, count: int) -> list[str]:
        """`count` new tokens for one user in one request."""
        return self.control("tokens", {"email": email, "count": count})["tokens"]

    def token_answer(self, email: str = ADMIN_EMAIL) -> dict:
        """A new token issued to the dashboard application, as the token endpoint answers
        it: with `refresh_token`, `expires_in` and `created_at` when tokens expire."""
        return self.control("tokens", {"email": email, "dashboard": True})["answers"][0]

    def register_redirect_uri(self, client_id: str, uri: str) -> None:
        self.control("applications", {"client_id": client_id, "redirect_uris": [uri]})

    def register_application(
        self, client_id: str, secret: str, redirect_uris: list[str], name: str = "Test app"
    ) -> None:
        self.control(
            "applications",
            {
                "client_id": client_id,
                "secret": secret,
                "name": name,
                "redirect_uris": redirect_uris,
            },
        )

    def revoke_access(self, email: str, client_id: str) -> int:
        """Revoke an application's access for a user (as its applications page does)."""
        return self.control("revocations", {"email": email, "client_id": client_id})["revoked"]

    def advance_clock(self, seconds: float) -> None:
        """Move the sandbox's clock forward: token and code lifetimes run out at once."""
        self.control("clock", {"advance_seconds": seconds})

    def clock_offset(self) -> float:
        """Seconds the sandbox's clock is ahead of the real time."""
        return self.control("clock")["offset_seconds"]

    def fault(self, token: str, **body) -> dict:
        """Make the next API calls with `token` misbehave; see docs/sandbox.md."""
        response = self.session.post(
            f"{self.url}/faults", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        response.raise_for_status()
        return response.json()

    def clear_faults(self, token: str) -> None:
        response = self.session.delete(
            f"{self.url}/faults", headers={"Authorization": f"Bearer {token}"}
        )
        response.raise_for_status()

    def set_rate_limit(self, token: str, per_minute: int | None) -> None:
        """Override the requests-a-minute limit for `token` (None: back to the setting).

        The sandbox counts per calendar minute, so a limit is set only with at least
        FRESH_MINUTE_SECONDS of its minute left: a test's count is never split in two.
        """
        if per_minute is not None:
            wait_for_a_fresh_minute()
        response = self.session.post(
            f"{self.url}/rate_limit",
            json={"requests_per_minute": per_minute},
            headers={"Authorization": f"Bearer {token}"},
        )
        response.raise_for_status()

    def api(self, token: str) -> requests.Session:
        """A requests session that sends `token` on every call."""
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        return session


def serve(
    tmp_path_factory: pytest.TempPathFactory, name: str, groups: int, **env: str
) -> Iterator[SandboxServer]:
    """A sandbox server of `groups` groups for the length of a fixture (yield from it):
    the session's below, or a module's own where a test takes it down or revokes."""
    server = SandboxServer(workdir=tmp_path_factory.mktemp(name), groups=groups, extra_env=env)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """The sandbox, seeded with the default demo data (seed 1)."""
    yield from serve(tmp_path_factory, "sandbox", 250)


@pytest.fixture(scope="session")
def sandbox_10k(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """A second sandbox seeded with 10,000 groups; started only when a test asks."""
    yield from serve(tmp_path_factory, "sandbox_10k", 10_000)


@pytest.fixture(scope="session")
def sandbox_expiring(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """A small second sandbox (10 groups) whose access tokens expire after
    EXPIRING_TOKEN_TTL seconds and come with refresh tokens; started only when asked."""
    yield from serve(
        tmp_path_factory,
        "sandbox_expiring",
        10,
        KANTATA_SANDBOX_TOKEN_TTL=str(EXPIRING_TOKEN_TTL),
    )


# --- fixtures both test packages use ------------------------------------------------------


def unique_name(prefix: str = "Test group") -> str:
    """A group name no other test (or earlier run against the same sandbox) uses."""
    return f"{prefix} {uuid.uuid4().hex[:10]}"


@pytest.fixture(name="unique_name")
def unique_name_fixture() -> str:
    """One unique group name per test; call `unique_name()` itself for more."""
    return unique_name()


@pytest.fixture(scope="session")
def admin_token(sandbox: SandboxServer) -> str:
    return sandbox.token(ADMIN_EMAIL)


@pytest.fixture(scope="session")
def token_pool(sandbox: SandboxServer) -> list[str]:
    return sandbox.tokens(ADMIN_EMAIL, TOKEN_POOL_SIZE)


@pytest.fixture
def fresh_token(sandbox: SandboxServer, token_pool: list[str]) -> str:
    """An administrator's token used by no other test, so the faults and rate limits it is
    given never reach another test's calls."""
    return token_pool.pop() if token_pool else sandbox.token(ADMIN_EMAIL)
