"""Benchmark: the sandbox's workspace-group list at per_page=200 with all three includes.

Seeds a throw-away SQLite database with the demo data (10,000 groups by default) and
times the endpoint in-process through Django's test Client, 30 runs; prints the median,
p90 and the query count.
Run: uv run python bench/sandbox_list.py [--groups 10000] [--runs 30]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    # The sandbox service's own settings (its root urlconf), on a throwaway database.
    os.environ["SANDBOX_DATABASE_URL"] = f"sqlite:///{tmp.name}/bench.sqlite3"
    os.environ.update(DEBUG="true", LOG_LEVEL="WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "kantata_admin.sandbox.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from kantata_admin.sandbox.credentials import personal_token
    from kantata_admin.sandbox.demo import ADMIN_EMAIL
    from kantata_admin.sandbox.models import SandboxUser
    from kantata_admin.sandbox.seed import seed_sandbox

    call_command("migrate", verbosity=0)
    report = seed_sandbox(groups=args.groups, seed=1)
    print(f"seeded {args.groups} groups in {report.seconds:.2f} s")
    token = personal_token(SandboxUser.objects.get(email=ADMIN_EMAIL))
    client = Client()
    params = {"per_page": 200, "include": "workspaces,rate_card_sets,external_references"}
    with override_settings(ALLOWED_HOSTS=["*"]):
        timings = []
        for run in range(args.runs + 1):
            params["page"] = 1 + run % 5
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(
                    "/api/v1/workspace_groups.json",
                    params,
                    HTTP_AUTHORIZATION=f"Bearer {token}",
                )
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, response.content[:300]
            if run:  # the first run warms caches and imports
                timings.append(elapsed)
    timings.sort()
    print(
        f"GET workspace_groups per_page=200 + 3 includes, {args.runs} runs: "
        f"median {statistics.median(timings) * 1000:.1f} ms, "
        f"p90 {timings[int(len(timings) * 0.9) - 1] * 1000:.1f} ms, "
        f"{len(queries)} queries, {len(response.content) // 1024} KiB"
    )
    tmp.cleanup()


if __name__ == "__main__":
    main()
