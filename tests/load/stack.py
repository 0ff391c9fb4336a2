"""The product as it runs in production, as processes: dashboard gunicorns (the Procfile's
options) sharing one database and one cache, a bulk worker, and the sandbox as its own
service. The load benchmarks (bench/team_load.py) and their short versions here use it.

`dashboard_env()` is what every dashboard process (app or worker) is started with: the
same DATABASE_URL, REDIS_URL and cache key prefix, so a session or a job started through
one is seen by all.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from tests.sandbox_process import ROOT, spawn_gunicorn, wait_until_serving


def procfile_web_options() -> list[str]:
    """The gunicorn options of the Procfile's web line, less the app and the bind: the
    runs serve the dashboard exactly as `make run` (and production) does."""
    line = next(
        line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:")
    )
    words = shlex.split(line.removeprefix("web:"))
    options, skip = [], 0
    for word in words[2:]:  # "gunicorn", the app
        if skip:
            skip -= 1
        elif word in ("--bind", "-b"):
            skip = 1
        else:
            options.append(word)
    return options


def dashboard_env(
    *,
    database_url: str,
    sandbox_url: str,
    redis_url: str = "",
    cache_key_prefix: str = "",
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """The environment of every dashboard process of one site."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("KANTATA_", "DJANGO_", "PYTEST_", "SANDBOX_"))
        and key not in ("DATABASE_URL", "REDIS_URL", "CACHE_KEY_PREFIX")
    }
    env.update(
        DEBUG="true",
        DJANGO_SETTINGS_MODULE="kantata_admin.settings",
        DATABASE_URL=database_url,
        KANTATA_SANDBOX="true",
        KANTATA_SANDBOX_URL=sandbox_url,
        MFA_REQUIRED="false",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    if cache_key_prefix:
        env["CACHE_KEY_PREFIX"] = cache_key_prefix
    env.update(extra or {})
    return env


@dataclass
class AppProcess:
    """One dashboard gunicorn (master and its worker) on `listener`; its stderr (Django's
    log, tracebacks included) goes to `log`."""

    env: dict[str, str]
    log: Path
    listener: socket.socket = field(
        default_factory=lambda: socket.create_server(("127.0.0.1", 0), backlog=128)
    )
    process: subprocess.Popen | None = None
    port: int = field(init=False)

    def __post_init__(self) -> None:
        self.port = self.listener.getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> AppProcess:
        return self.spawn().wait()

    def wait(self) -> AppProcess:
        wait_until_serving(self.url, self.process, self.log_text)
        return self

    def spawn(self) -> AppProcess:
        """Start it without waiting (several boot at once); `wait()` until it serves."""
        self._stderr = self.log.open("a")
        self.process = spawn_gunicorn(
            self.listener,
            self.env,
            *procfile_web_options(),
            stderr=self._stderr,
            app="kantata_admin.wsgi",
        )
        return self

    def log_text(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def kill(self) -> None:
        """SIGKILL, as a crashed machine: the master and its worker at once."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.listener.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.listener.close()
        if getattr(self, "_stderr", None):
            self._stderr.close()


@dataclass
class WorkerProcess:
    """`manage.py bulk_worker` in its own process group."""

    env: dict[str, str]
    log: Path
    process: subprocess.Popen | None = None

    def start(self) -> WorkerProcess:
        self._out = self.log.open("a")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "bulk_worker", "--interval", "0.2"],
            cwd=ROOT,
            env=self.env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def log_text(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        if getattr(self, "_out", None):
            self._out.close()


def tracebacks(text: str) -> list[str]:
    """The tracebacks in a log, each from its 'Traceback' line to the exception's line."""
    found, current = [], None
    for line in text.splitlines():
        if line.startswith("Traceback (most recent call last)"):
            current = [line]
        elif current is not None:
            current.append(line)
            if line and not line.startswith(" "):
                found.append("\n".join(current))
                current = None
    return found


# --- what a browser sends -----------------------------------------------------------


class _Form(HTMLParser):
    """The fields a browser would send for the form whose action contains `action`."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.fields = action, False, []
        self._textarea: str | None = None
        self._select: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = self.action in (a.get("action") or "") and a.get("method") == "post"
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "image"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((name, a.get("value") or "on"))
                return
            self.fields.append((name, a.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.inside = False


def form_fields(html: str, action: str) -> list[tuple[str, str]]:
    parser = _Form(action)
    parser.feed(html)
    return parser.fields


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return found.group(1) if found else ""
