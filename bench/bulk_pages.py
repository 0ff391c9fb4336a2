"""Pages while bulk jobs run: two jobs and page traffic at once under the sandbox's rate
limit, against the same pages with no job running.

    uv run python bench/bulk_pages.py [--groups 150] [--pages 40] [--latency-ms 100]

A sandbox (400 groups, `--latency-ms` late like a remote service, Retry-After left out)
limits each token to `--sandbox-limit` requests a minute; the dashboard's rate budget for
the account is `--budget` a minute. Two members (two tokens of one Kantata account) each
start a job setting a text custom field on `--groups` groups, run by two `bulk_worker`
processes; a third member loads the group list (htmx fragment, one upstream call) over and
over. Reports the pages' median with no job (before and after the jobs, as the machine's
other load drifts) and with both jobs running, their ratio, the jobs' items (changed /
failed / skipped) and how long the jobs took. Asserts nothing.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

_budget_dir = Path(tempfile.mkdtemp(prefix="bench-bulk-"))
os.environ["KANTATA_RATE_BUDGET_SQLITE"] = str(_budget_dir / "budget.sqlite3")

import groups_setup as setup  # noqa: E402  (sets Django up)
from django.conf import settings  # noqa: E402

from kantata_admin.accounts.models import User  # noqa: E402
from kantata_admin.bulk.models import BulkJob  # noqa: E402
from kantata_admin.bulk.services import bulk_job_start  # noqa: E402
from kantata_admin.connections.oauth import TokenGrant  # noqa: E402
from kantata_admin.connections.services import connection_save_checked  # noqa: E402
from kantata_admin.kantata import KantataClient  # noqa: E402
from kantata_admin.ratebudget.budget import reset_buckets  # noqa: E402
from tests.sandbox_harness import ADMIN_EMAIL, EDITOR_EMAIL, READONLY_EMAIL  # noqa: E402

QUERY = {"include": "workspaces"}


def _member(email: str, token: str) -> User:
    User.objects.filter(email=email).delete()
    member = User.objects.create_user(email=email, password="unused-bench-pass-1", role="editor")
    connection_save_checked(member, TokenGrant(token))
    return member


def _pages(browser, count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        response = browser.get(
            "/groups/", {"include": "workspaces"}, headers={"HX-Request": "true"}
        )
        times.append(time.perf_counter() - started)
        assert response.status_code == 200 and b'id="results"' in response.content
    return times


def _worker(server, workdir: Path, n: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="kantata_admin.settings",
        DATABASE_URL=f"sqlite:///{settings.DATABASES['default']['NAME']}",
        KANTATA_API_URL=server.api_url,
        KANTATA_SANDBOX="false",
        KANTATA_RATE_BUDGET_PER_MINUTE=str(settings.KANTATA_RATE_BUDGET_PER_MINUTE),
        KANTATA_RATE_BUDGET_SQLITE=settings.KANTATA_RATE_BUDGET_SQLITE,
        LOG_LEVEL="WARNING",
    )
    log = (workdir / f"worker-{n}.log").open("w")
    return subprocess.Popen(
        [sys.executable, "manage.py", "bulk_worker", "--interval", "0.2"],
        cwd=setup.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=150)
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--sandbox-limit", type=int, default=300)
    parser.add_argument("--budget", type=int, default=480)
    args = parser.parse_args()

    settings.KANTATA_RATE_BUDGET_PER_MINUTE = args.budget
    reset_buckets()
    server = setup.SandboxServer(
        workdir=setup.WORKDIR / "sandbox",
        groups=400,
        extra_env={
            "KANTATA_SANDBOX_LATENCY_MS": str(args.latency_ms),
            "KANTATA_SANDBOX_RATE_LIMIT": str(args.sandbox_limit),
            "KANTATA_SANDBOX_RETRY_AFTER": "false",
        },
    )
    server.start()
    workers: list[subprocess.Popen] = []
    try:
        setup.migrate()
        # Three sandbox users of one account: one Kantata user belongs to one member.
        page_token = server.token(READONLY_EMAIL)
        job_tokens = [server.token(ADMIN_EMAIL), server.token(EDITOR_EMAIL)]
        browser = setup.signed_in_member(server, page_token)
        api = KantataClient(job_tokens[0], base_url=server.api_url)
        field = next(f for f in api.custom_fields.iter_all() if f.value_type == "string")
        groups = list(api.workspace_groups.iter_all())
        _pages(browser, 5)  # warm: connections, caches, templates
        alone = _pages(browser, args.pages)

        starters = [_member(f"bench-job-{n}@team.test", t) for n, t in enumerate(job_tokens)]
        wanted = f"Bench {uuid.uuid4().hex[:6]}"
        for n, starter in enumerate(starters):
            chosen = groups[n * args.groups : (n + 1) * args.groups]
            bulk_job_start(
                starter,
                action="set_custom",
                values={"field_id": field.id, "value_type": "string", "value": wanted},
                groups=[(g.id, g.name) for g in chosen],
                selection={"ids": [g.id for g in chosen]},
            )
        started = time.monotonic()
        workers = [_worker(server, setup.WORKDIR, n) for n in range(2)]
        while not BulkJob.objects.filter(state="running").exists():
            time.sleep(0.1)
        busy = _pages(browser, args.pages)
        while BulkJob.objects.exclude(state__in=["done", "failed", "cancelled"]).exists():
            time.sleep(0.5)
        took = time.monotonic() - started
        # The machine's other load drifts: the baseline is taken before and after the jobs.
        alone += _pages(browser, args.pages)

        quiet, loaded = statistics.median(alone) * 1000, statistics.median(busy) * 1000
        print(
            f"\nsandbox: {args.latency_ms} ms latency, {args.sandbox_limit} requests/min per token;"
        )
        print(f"budget: {args.budget}/min for the account; two jobs of {args.groups} groups each.")
        runs = f"{args.pages} before, {args.pages} after"
        print(f"  pages alone        median {quiet:7.1f} ms ({runs})")
        print(f"  pages beside jobs  median {loaded:7.1f} ms   ratio {loaded / quiet:.2f}")
        for job in BulkJob.objects.order_by("pk"):
            counts = f"{job.done} changed, {job.failed} failed, {job.skipped} skipped"
            print(f"  job #{job.pk}: {counts} ({job.state})")
        print(f"  both jobs finished in {took:.1f} s")
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=20)
        server.stop()


if __name__ == "__main__":
    main()
