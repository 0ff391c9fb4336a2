"""The CSV export of 10,000 groups against the upstream's own paging at per_page=200.

    uv run python bench/groups_export.py [--repeats 3] [--latency-ms 0]

Starts a sandbox (the test harness's server class) in which the exporting member's
account holds 10,000 groups, and exports them all in process (Django's test client, the
streamed answer read chunk by chunk and dropped, as a download would). The yardstick is
the upstream alone: the same query (`include=custom_field_values`, oldest first) walked
with `requests` at 200 a page, each page decoded. Runs alternate; reports both medians,
rows a second, the CPU this process spent on each, the throughput ratio export /
upstream, and how far the process's peak memory (ru_maxrss) rose during the first export.
`--latency-ms` makes the sandbox answer that late, as a remote service would.
"""

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = Path(tempfile.mkdtemp(prefix="bench-groups-export-"))
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
from tests.sandbox_harness import ADMIN_EMAIL, SandboxServer  # noqa: E402

EXPORTED = 10_000
# sandbox_seed gives a tenth of the groups to the second account: this many leaves
# exactly EXPORTED in the exporting member's.
SEEDED = EXPORTED + EXPORTED // 9
UPSTREAM_QUERY = {"include": "custom_field_values", "order": "created_at:asc", "per_page": "200"}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--latency-ms", type=int, default=0)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)

    server = SandboxServer(
        workdir=WORKDIR / "sandbox",
        groups=SEEDED,
        extra_env={"KANTATA_SANDBOX_LATENCY_MS": str(args.latency_ms)},
    )
    started = time.perf_counter()
    server.start()
    print(f"sandbox with {SEEDED} groups up in {time.perf_counter() - started:.1f} s")
    try:
        token = server.token(ADMIN_EMAIL)
        settings.KANTATA_API_URL = server.api_url
        member = User.objects.create_user(
            email="bench-export@team.test", password="unused-bench-password-1", role="viewer"
        )
        connection_save_checked(member, TokenGrant(token))
        browser = Client(HTTP_HOST="localhost")
        browser.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
        upstream = requests.Session()
        upstream.headers["Authorization"] = f"Bearer {token}"

        def export() -> int:
            response = browser.get("/groups/export.csv")
            assert response.status_code == 200, response.status_code
            size = lines = 0
            for chunk in response.streaming_content:
                size += len(chunk)
                lines += chunk.count(b"\r\n")
            assert lines == EXPORTED + 1, f"{lines - 1} rows exported, not {EXPORTED}"
            return size

        def walk() -> int:
            page, seen = 1, 0
            while True:
                answer = upstream.get(
                    f"{server.api_url}/workspace_groups.json",
                    params={**UPSTREAM_QUERY, "page": str(page)},
                    timeout=60,
                )
                answer.raise_for_status()
                body = answer.json()
                seen += len(body["results"])
                if page >= body["meta"]["page_count"]:
                    assert seen == EXPORTED, f"walked {seen}, not {EXPORTED}"
                    return seen
                page += 1

        # Warm the connections, templates and custom-field cache on a small export first,
        # so the peak memory measured next is the export's own.
        browser.get("/groups/export.csv", {"only": "1"})
        exports, walks, export_cpu, walk_cpu = [], [], [], []
        growth = size = 0.0
        for round_number in range(args.repeats):
            before = peak_mb()
            started, cpu = time.perf_counter(), time.process_time()
            size = export()
            exports.append(time.perf_counter() - started)
            export_cpu.append(time.process_time() - cpu)
            if round_number == 0:
                growth = peak_mb() - before
            started, cpu = time.perf_counter(), time.process_time()
            walk()
            walks.append(time.perf_counter() - started)
            walk_cpu.append(time.process_time() - cpu)

        export_s, walk_s = statistics.median(exports), statistics.median(walks)
        # Each export is paired with the walk right after it: drift of the machine's speed
        # during the run moves both sides of a pair alike.
        paired = statistics.median(w / e for e, w in zip(exports, walks, strict=True))
        megabytes = size / 1e6
        print(f"export of {EXPORTED} groups ({megabytes:.1f} MB), {args.latency_ms} ms latency:")
        print(
            f"  export    median {export_s:6.2f} s  {EXPORTED / export_s:8.0f} rows/s"
            f"  ({', '.join(f'{t:.2f}' for t in exports)})"
        )
        print(
            f"  upstream  median {walk_s:6.2f} s  {EXPORTED / walk_s:8.0f} rows/s"
            f"  ({', '.join(f'{t:.2f}' for t in walks)})"
        )
        print(f"  throughput export / upstream: {paired:.3f}x (median of pairs)")
        print(
            f"  this process's CPU: export {statistics.median(export_cpu):.2f} s,"
            f" upstream walk {statistics.median(walk_cpu):.2f} s"
        )
        print(f"  peak memory growth during the first export: {growth:.1f} MB")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
