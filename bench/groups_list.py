"""The group list page (full and htmx fragment), served as `make run` serves it, against the
direct API call it makes.

    uv run python bench/groups_list.py [--repeats 40] [--latency-ms 100 0]
                                       [--port 8300] [--sandbox-port 8301]

Two processes, as users get them: the sandbox (the test harness's server, 250 groups, its
API answering `--latency-ms` late as a remote service would) and the dashboard, a gunicorn
started with `make run`'s options, which reaches the sandbox only over HTTP. The page is
asked for over HTTP by a signed-in editor (row actions drawn), for
`/groups/?per_page=20&include=workspaces&order=name:asc`, whole and as its htmx fragment;
the direct call is the same query sent to the API with `requests` and decoded, nothing
else. Runs alternate (direct, full, fragment, ...) so drift hits all three alike. Reports
medians, the ratios page / direct (pair by pair) and the milliseconds the page adds to
its upstream call.
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import groups_setup as setup  # first: it sets Django up
import requests

from tests.sandbox_harness import SandboxServer, wait_until_serving

PAGE = "/groups/"
QUERY = {"per_page": "20", "include": "workspaces", "order": "name:asc"}
API_QUERY = {"include": "workspaces", "order": "name:asc", "page": "1", "per_page": "20"}
# `make run`'s gunicorn (Makefile), minus the access log's terminal.
GUNICORN = (sys.executable, "-m", "gunicorn", "kantata_admin.wsgi")
MAKE_RUN_OPTIONS = ("--worker-class", "gthread", "--workers", "1", "--threads", "8")


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _listener(port: int) -> socket.socket:
    return socket.create_server(("127.0.0.1", port), backlog=128)


def start_dashboard(port: int, sandbox: SandboxServer) -> subprocess.Popen:
    """The dashboard as `make run` serves it, on this benchmark's database, talking to
    `sandbox` over HTTP as it would to Kantata."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("KANTATA_", "DJANGO_", "PYTEST_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="kantata_admin.settings",
        DATABASE_URL=os.environ["DATABASE_URL"],
        KANTATA_SANDBOX="true",
        KANTATA_SANDBOX_URL=sandbox.url,
        KANTATA_OAUTH_URL=sandbox.oauth_url,
        KANTATA_API_URL=sandbox.api_url,
        PORT=str(port),
        LOG_LEVEL="WARNING",
        MFA_REQUIRED="false",
    )
    process = subprocess.Popen(
        [*GUNICORN, "--bind", f"127.0.0.1:{port}", *MAKE_RUN_OPTIONS],
        cwd=setup.ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(setup.WORKDIR / "dashboard.stderr").open("w"),
    )
    wait_until_serving(
        f"http://127.0.0.1:{port}",
        process,
        lambda: (setup.WORKDIR / "dashboard.stderr").read_text(),
    )
    return process


def _cpu_seconds(pid: int) -> float:
    """User and system CPU of process `pid` and its children (the gunicorn worker)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    total = 0.0
    for each in (pid, *map(int, children)):
        fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run(latency_ms: int, repeats: int, port: int, sandbox_port: int) -> None:
    server = SandboxServer(
        workdir=setup.WORKDIR / f"sandbox-{latency_ms}",
        listener=_listener(sandbox_port),
        extra_env={"KANTATA_SANDBOX_LATENCY_MS": str(latency_ms)},
    )
    server.start()
    dashboard = None
    try:
        token = setup.admin_token(server)
        signed_in = setup.signed_in_member(server, token, role="editor")
        session_id = signed_in.cookies[setup.settings.SESSION_COOKIE_NAME].value
        dashboard = start_dashboard(port, server)
        browser = requests.Session()
        browser.cookies.set("sessionid", session_id, domain="127.0.0.1")
        page_url = f"http://127.0.0.1:{port}{PAGE}"
        direct = requests.Session()
        direct.headers["Authorization"] = f"Bearer {token}"
        api_url = f"{server.api_url}/workspace_groups.json"

        def direct_call() -> None:
            response = direct.get(api_url, params=API_QUERY, timeout=30)
            response.raise_for_status()
            assert len(response.json()["results"]) == 20

        def full_page() -> None:
            response = browser.get(page_url, params=QUERY, timeout=30, allow_redirects=False)
            body = response.content
            assert response.status_code == 200, response.status_code
            assert b'id="group-filters"' in body and b'class="row-actions"' in body

        def fragment() -> None:
            response = browser.get(
                page_url, params=QUERY, headers={"HX-Request": "true"}, timeout=30
            )
            body = response.content
            assert response.status_code == 200, response.status_code
            assert b'id="group-filters"' not in body and b'class="row-actions"' in body

        for _ in range(3):  # connections, caches, templates, the worker's imports
            for warm in (direct_call, full_page, fragment):
                warm()

        works = (("direct", direct_call), ("full", full_page), ("fragment", fragment))
        wall: dict[str, list[float]] = {name: [] for name, _ in works}
        cpu = dict.fromkeys(wall, 0.0)
        for _ in range(repeats):
            for name, work in works:
                started, started_cpu = time.perf_counter(), _cpu_seconds(dashboard.pid)
                work()
                wall[name].append(time.perf_counter() - started)
                cpu[name] += _cpu_seconds(dashboard.pid) - started_cpu

        medians = {name: _median_ms(times) for name, times in wall.items()}
        print(f"\nsandbox latency {latency_ms} ms, {repeats} runs each, over HTTP; medians of")
        print("wall time, and of the ratio and difference to the direct call run just before;")
        print("the dashboard's CPU per request (mean; the machine's other load stretches it less):")
        print(f"  direct API call  {medians['direct']:7.1f} ms")
        for name in ("full", "fragment"):
            pairs = list(zip(wall[name], wall["direct"], strict=True))
            ratio = statistics.median(page / direct for page, direct in pairs)
            added = _median_ms([page - direct for page, direct in pairs])
            print(
                f"  {name:<15}  {medians[name]:7.1f} ms  {ratio:.3f}x  +{added:5.1f} ms"
                f"  ({cpu[name] / repeats * 1000:.1f} ms CPU)"
            )
    finally:
        if dashboard is not None:
            stop(dashboard)
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--latency-ms", type=int, nargs="+", default=[100, 0])
    parser.add_argument("--port", type=int, default=8300, help="the dashboard's")
    parser.add_argument("--sandbox-port", type=int, default=8301)
    args = parser.parse_args()
    setup.migrate()
    for latency in args.latency_ms:
        run(latency, args.repeats, args.port, args.sandbox_port)


if __name__ == "__main__":
    main()
