"""The Kantata OX sandbox as a real server process, for tests that speak HTTP to it.

pytest-django's live_server flushes the database after every test, so the sandbox runs
as its own gunicorn process with its own database (a fresh PostgreSQL database when
this test run's DATABASE_URL is PostgreSQL, else a SQLite file), migrated and seeded
once per session. Tests share the seeded data: writers create uniquely named groups.
"""

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

from kantata_admin.sandbox.demo import (  # re-exported: tests import them from here
    ADMIN_EMAIL,
    EDITOR_EMAIL,
    OTHER_ACCOUNT_EMAIL,
    READONLY_EMAIL,
    SANDBOX_PASSWORD,
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
    "unique_name",
]

ROOT = Path(__file__).resolve().parent.parent
# The defaults settings.py gives the dashboard application when KANTATA_SANDBOX is on
# and no real credentials are set; the harness clears real ones for its server.
DASHBOARD_CLIENT_ID = "kantata-admin-sandbox"
DASHBOARD_CLIENT_SECRET = "sandbox-client-secret-not-for-production"
STARTUP_TIMEOUT = 120.0
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


def listening_socket() -> socket.socket:
    """A loopback socket on a free port, already listening, for gunicorn to inherit.

    Handing gunicorn the bound socket (`--bind fd://N`) leaves no window in which
    another process could take a port picked in advance.
    """
    return socket.create_server(("127.0.0.1", 0), backlog=128)


def spawn_gunicorn(
    listener: socket.socket, env: dict[str, str], *options: str, stderr=subprocess.DEVNULL
) -> subprocess.Popen:
    """gunicorn serving the project on `listener`."""
    fd = listener.fileno()
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "kantata_admin.wsgi", "--bind", f"fd://{fd}", *options],
        cwd=ROOT,
        env=env,
        pass_fds=(fd,),
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )


FRESH_MINUTE_SECONDS = 10


def wait_for_a_fresh_minute(need_seconds: float = FRESH_MINUTE_SECONDS) -> None:
    """Sleep into the next calendar minute when fewer than `need_seconds` are left."""
    left = 60 - time.time() % 60
    if left < need_seconds:
        time.sleep(left + 0.05)


def wait_until_serving(base: str, process: subprocess.Popen, describe=lambda: "") -> None:
    """Poll `base`/healthz until it answers 200, the process exits, or time runs out.

    gunicorn binds its socket before its worker has imported Django, so on a busy
    machine a request can be accepted and then wait: a read timeout means "not yet",
    exactly like a refused connection.
    """
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{describe()}")
        try:
            response = requests.get(f"{base}/healthz", timeout=5)
        except requests.RequestException as exc:
            last = repr(exc)
        else:
            if response.status_code == 200:
                return
            last = f"{response.status_code} {response.text[:200]}"
        time.sleep(0.1)
    raise RuntimeError(
        f"server did not answer /healthz in {STARTUP_TIMEOUT:.0f} s ({last}):\n{describe()}"
    )


def _postgres_url_for(name: str) -> str | None:
    """A URL for database `name` on the test run's PostgreSQL server, created fresh."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        return None
    import psycopg  # only needed when PostgreSQL is in use

    parts = urlsplit(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def _drop_postgres(name: str) -> None:
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class SandboxServer:
    """One sandbox process; `url` is the sandbox root, `api_url` the API base."""

    workdir: Path
    groups: int = 250
    seed: int = 1
    listener: socket.socket = field(default_factory=listening_socket)
    port: int = field(init=False)
    process: subprocess.Popen | None = None
    database_url: str = ""
    pg_database: str | None = None
    session: requests.Session = field(default_factory=requests.Session)
    seed_output: str = ""  # what sandbox_seed printed, including how long it took
    # Settings of this server (and its manage.py commands), e.g. KANTATA_SANDBOX_TOKEN_TTL.
    extra_env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.port = self.listener.getsockname()[1]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.base}/sandbox"

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
            if not key.startswith(("KANTATA_", "DJANGO_", "PYTEST_")) and key != "DATABASE_URL"
        }
        env.update(
            DEBUG="true",
            KANTATA_SANDBOX="true",
            PORT=str(self.port),
            DATABASE_URL=self.database_url,
            CACHE_KEY_PREFIX=f"sandbox-test-{uuid.uuid4().hex[:12]}",
            DJANGO_SETTINGS_MODULE="kantata_admin.settings",
            MFA_REQUIRED="false",
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
        self.database_url = _postgres_url_for(self.pg_database) or ""
        if not self.database_url:
            self.pg_database = None
            self.database_url = f"sqlite:///{self.workdir / 'sandbox.sqlite3'}"
        self.manage("migrate", "--no-input", "-v", "0")
        self.seed_output = self.manage(
            "sandbox_seed", "--groups", str(self.groups), "--seed", str(self.seed)
        )
        self._stderr = (self.workdir / "gunicorn.stderr").open("w+")
        self.process = spawn_gunicorn(
            self.listener,
            self.env(),
            *("--workers", "1", "--threads", "16", "--worker-class", "gthread"),
            *("--timeout", "120", "--keep-alive", "30"),
            stderr=self._stderr,
        )
        wait_until_serving(self.base, self.process, self.server_log)

    def server_log(self) -> str:
        """gunicorn's stderr so far: tracebacks of failing requests land here."""
        self._stderr.flush()
        return (self.workdir / "gunicorn.stderr").read_text()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.session.close()
        self.listener.close()
        if getattr(self, "_stderr", None):
            self._stderr.close()
        if self.pg_database:
            _drop_postgres(self.pg_database)

    # --- helpers for tests -----------------------------------------------------------

    def manage(self, *args: str) -> str:
        """Run a manage.py command against the sandbox database; returns its stdout."""
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

    def token(self, email: str = ADMIN_EMAIL) -> str:
        """A new personal bearer token for a seeded user."""
        return self.manage("sandbox_token", email).strip()

    def tokens(self, email: str, count: int) -> list[str]:
        """`count` new tokens for one user in one command (each manage call costs ~1 s)."""
        return self.manage("sandbox_token", email, "--count", str(count)).split()

    def token_answer(self, email: str = ADMIN_EMAIL) -> dict:
        """A new token issued to the dashboard application, as the token endpoint answers
        it: with `refresh_token`, `expires_in` and `created_at` when tokens expire."""
        return json.loads(self.manage("sandbox_token", email, "--dashboard"))

    def register_redirect_uri(self, client_id: str, uri: str) -> None:
        self.manage("sandbox_application", client_id, f"--add-redirect-uri={uri}")

    def register_application(
        self, client_id: str, secret: str, redirect_uris: list[str], name: str = "Test app"
    ) -> None:
        # Option=value: a random secret may begin with "-", which argparse would otherwise
        # read as an option of its own (a CI run failed on exactly that).
        args = ["sandbox_application", client_id, f"--secret={secret}", f"--name={name}"]
        args += [f"--add-redirect-uri={uri}" for uri in redirect_uris]
        self.manage(*args)

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


def _serve(
    tmp_path_factory: pytest.TempPathFactory, name: str, groups: int, **env: str
) -> Iterator:
    server = SandboxServer(workdir=tmp_path_factory.mktemp(name), groups=groups, extra_env=env)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """The sandbox, seeded with the default demo data (seed 1)."""
    yield from _serve(tmp_path_factory, "sandbox", 250)


@pytest.fixture(scope="session")
def sandbox_10k(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """A second sandbox seeded with 10,000 groups; started only when a test asks."""
    yield from _serve(tmp_path_factory, "sandbox_10k", 10_000)


@pytest.fixture(scope="session")
def sandbox_expiring(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """A small second sandbox (10 groups) whose access tokens expire after
    EXPIRING_TOKEN_TTL seconds and come with refresh tokens; started only when asked."""
    yield from _serve(
        tmp_path_factory,
        "sandbox_expiring",
        10,
        KANTATA_SANDBOX_TOKEN_TTL=str(EXPIRING_TOKEN_TTL),
    )


@pytest.fixture(scope="session")
def sandbox_group_values(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """A second sandbox, seeded as `sandbox`, that answers workspace groups'
    `include=custom_field_values` (KANTATA_SANDBOX_GROUP_VALUES_INCLUDE), which Kantata
    does not document: the dashboard's one-call fast path; started only when asked."""
    yield from _serve(
        tmp_path_factory,
        "sandbox_group_values",
        250,
        KANTATA_SANDBOX_GROUP_VALUES_INCLUDE="true",
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
