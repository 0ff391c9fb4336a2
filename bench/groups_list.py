"""The group list page (full and htmx fragment) against the direct API call it makes.

    uv run python bench/groups_list.py [--repeats 40] [--latency-ms 100 0]

For each latency it starts a sandbox (the test harness's server class, 250 groups) whose
API answers `--latency-ms` late, as a remote service would, and renders the list in
process (Django's test client: middleware, session, connection, template) for 20 groups
with workspaces included. The page's one upstream call goes over HTTP to the sandbox; the
direct call is the same query sent with `requests` and decoded, nothing else. Runs
alternate (direct, full, fragment, ...) so drift hits all three alike. Reports medians,
the ratios page / direct, and the milliseconds the page adds to its upstream call.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = Path(tempfile.mkdtemp(prefix="bench-groups-list-"))
# The dashboard side: its own throwaway database, quiet logs, settings read at setup.
os.environ.update(
    DJANGO_SETTINGS_MODULE="kantata_admin.settings",
    DATABASE_URL=f"sqlite:///{WORKDIR / 'dashboard.sqlite3'}",
    LOG_LEVEL="WARNING",
    MFA_REQUIRED="false",
)
os.environ.pop("REDIS_URL", None)

import django  # noqa: E402

django.setup()

import requests  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from kantata_admin.accounts.models import User  # noqa: E402
from kantata_admin.connections.oauth import TokenGrant  # noqa: E402
from kantata_admin.connections.services import connection_save_checked  # noqa: E402
from kantata_admin.kantata import track_calls  # noqa: E402
from tests.sandbox_harness import ADMIN_EMAIL, SandboxServer  # noqa: E402

QUERY = {"include": "workspaces"}
API_QUERY = {"include": "workspaces", "order": "name:asc", "page": "1", "per_page": "20"}


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def run(latency_ms: int, repeats: int) -> None:
    server = SandboxServer(
        workdir=WORKDIR / f"sandbox-{latency_ms}",
        extra_env={"KANTATA_SANDBOX_LATENCY_MS": str(latency_ms)},
    )
    server.start()
    try:
        token = server.token(ADMIN_EMAIL)
        settings.KANTATA_API_URL = server.api_url
        member = User.objects.create_user(
            email=f"bench-{latency_ms}@team.test", password="unused-bench-password-1", role="viewer"
        )
        connection_save_checked(member, TokenGrant(token))
        browser = Client(HTTP_HOST="localhost")
        browser.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
        direct = requests.Session()
        direct.headers["Authorization"] = f"Bearer {token}"
        url = f"{server.api_url}/workspace_groups.json"

        def direct_call() -> None:
            response = direct.get(url, params=API_QUERY, timeout=30)
            response.raise_for_status()
            assert len(response.json()["results"]) == 20

        def full_page() -> None:
            response = browser.get("/groups/", QUERY)
            assert response.status_code == 200 and b'id="group-filters"' in response.content

        def fragment() -> None:
            response = browser.get("/groups/", QUERY, headers={"HX-Request": "true"})
            assert response.status_code == 200 and b'id="group-filters"' not in response.content

        for warm in (direct_call, full_page, fragment):  # connections, caches, templates
            warm()
        with track_calls() as calls:
            full_page()
            fragment()
        assert calls.count == 2, f"{calls.count} upstream calls for two renders"

        works = (("direct", direct_call), ("full", full_page), ("fragment", fragment))
        wall: dict[str, list[float]] = {name: [] for name, _ in works}
        cpu: dict[str, list[float]] = {name: [] for name, _ in works}
        for _ in range(repeats):
            for name, work in works:
                started, started_cpu = time.perf_counter(), time.process_time()
                work()
                wall[name].append(time.perf_counter() - started)
                cpu[name].append(time.process_time() - started_cpu)

        medians = {name: _median_ms(times) for name, times in wall.items()}
        cpus = {name: _median_ms(times) for name, times in cpu.items()}
        print(f"\nsandbox latency {latency_ms} ms, {repeats} runs each; medians of wall time,")
        print("of the ratio and difference to the direct call run just before (pairs), and of")
        print("this process's CPU, which the machine's other load does not stretch:")
        direct_ms = medians["direct"]
        print(f"  direct API call  {direct_ms:7.1f} ms  {'':17}  ({cpus['direct']:.1f} ms CPU)")
        for name in ("full", "fragment"):
            pairs = list(zip(wall[name], wall["direct"], strict=True))
            ratio = statistics.median(page / direct for page, direct in pairs)
            added = _median_ms([page - direct for page, direct in pairs])
            print(
                f"  {name:<15}  {medians[name]:7.1f} ms  {ratio:.3f}x  +{added:5.1f} ms"
                f"  ({cpus[name]:.1f} ms CPU)"
            )
    finally:
        User.objects.filter(email__startswith="bench-").delete()  # and its connection
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--latency-ms", type=int, nargs="+", default=[100, 0])
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    for latency in args.latency_ms:
        run(latency, args.repeats)


if __name__ == "__main__":
    main()
