"""Fuzz the dashboard's inputs: Hypothesis over the list's query string, the group form,
the bulk action form and the import upload, at least 10,000 cases.

    uv run python bench/fuzz.py [--cases 10000]

The dashboard in this process (a throwaway SQLite database, Django's test client), signed
in as an editor connected to a sandbox server of its own (real HTTP, no latency). The
cases are shared out as --cases x 40 % list queries (full page and htmx fragment), 30 %
group forms (edit and create), 20 % bulk action forms, 10 % import uploads (skipped, and
their share given to the others, until the import app's `imports:upload` exists). Same
examples every run (derandomized). Prints the cases by target, the statuses, every 5xx
and every traceback logged; exits 1 on any.
"""

import argparse
import logging
import sys
import time
import uuid

import groups_setup as setup  # sets Django up (a throwaway database)
from django.test import Client
from hypothesis import settings as hypothesis_settings

from kantata_admin.accounts.models import User
from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.services import connection_save_checked
from kantata_admin.kantata import KantataClient
from tests.load.fuzz import Fuzz, LogWatch, import_upload_ready, run_all
from tests.sandbox_harness import ADMIN_EMAIL

hypothesis_settings.register_profile("bench", derandomize=True, database=None)
hypothesis_settings.load_profile("bench")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    args = parser.parse_args()
    # 4xx answers are what most cases get: their WARNING lines would drown the figures.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    server = setup.SandboxServer(workdir=setup.WORKDIR / "sandbox", groups=250)
    server.start()
    try:
        setup.migrate()
        setup.settings.KANTATA_API_URL = server.api_url
        setup.settings.KANTATA_RATE_BUDGET_PER_MINUTE = 0
        token = server.token(ADMIN_EMAIL)
        member = User.objects.create_user(
            email="fuzz@team.test", password="unused-fuzz-pass-1", role="editor"
        )
        connection_save_checked(member, TokenGrant(token))
        client = Client(HTTP_HOST="localhost", raise_request_exception=False)
        client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
        api = KantataClient(token, base_url=server.api_url)
        group = api.workspace_groups.create({"name": f"Fuzz target {uuid.uuid4().hex[:8]}"})
        ids = [g.id for _, g in zip(range(20), api.workspace_groups.iter_all(), strict=False)]
        shares = {"list query": 0.4, "group form": 0.3, "bulk action form": 0.2}
        upload = import_upload_ready()
        if upload:
            shares["import upload"] = 0.1
        total = sum(shares.values())
        examples = {name: int(args.cases * share / total) for name, share in shares.items()}
        examples["list query"] += args.cases - sum(examples.values())  # the rounding's rest
        fuzz = Fuzz(client, group.id, ids)
        started = time.monotonic()
        with LogWatch() as watch:
            run_all(fuzz, examples, prefix=f"Fuzz {uuid.uuid4().hex[:6]}")
        took = time.monotonic() - started
    finally:
        server.stop()
    print(f"\n{sum(fuzz.cases.values())} cases in {took:.0f} s (target >= 10,000):")
    for name, n in fuzz.cases.items():
        print(f"  {name:<18}{n:>7}")
    if not upload:
        print("  import upload: skipped, imports:upload does not exist yet (issue 20)")
    print(f"  statuses: {dict(sorted(fuzz.statuses.items()))}")
    print(f"  5xx: {len(fuzz.failures)} (target 0)")
    for failure in fuzz.failures[:10]:
        print(f"    {failure}")
    found = watch.tracebacks()
    print(f"  tracebacks and errors logged: {len(found)} (target 0)")
    for trace in found[:5]:
        print("    " + trace.replace("\n", "\n    ")[:2000])
    sys.exit(1 if fuzz.failures or found else 0)


if __name__ == "__main__":
    main()
