"""Server processes for tests: a listening socket handed to gunicorn, waiting until it
serves, and the PostgreSQL databases of sandbox servers (tests/sandbox_harness.py)."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT = 120.0
SANDBOX_SETTINGS = "kantata_admin.sandbox.settings"
SANDBOX_WSGI = "kantata_admin.sandbox.wsgi"


def listening_socket() -> socket.socket:
    """A loopback socket on a free port, already listening, for gunicorn to inherit.

    Handing gunicorn the bound socket (`--bind fd://N`) leaves no window in which
    another process could take a port picked in advance.
    """
    return socket.create_server(("127.0.0.1", 0), backlog=128)


def spawn_gunicorn(
    listener: socket.socket,
    env: dict[str, str],
    *options: str,
    stderr=subprocess.DEVNULL,
    app: str = SANDBOX_WSGI,
) -> subprocess.Popen:
    """gunicorn serving `app` (the sandbox service unless told) on `listener`."""
    fd = listener.fileno()
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", app, "--bind", f"fd://{fd}", *options],
        cwd=ROOT,
        env=env,
        pass_fds=(fd,),
        # Its own process group: kill() takes down the master and its workers together.
        start_new_session=True,
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


def postgres_url_for(name: str) -> str | None:
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


def drop_postgres(name: str) -> None:
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
