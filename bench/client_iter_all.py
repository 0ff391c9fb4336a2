"""iter_all() at 200 a page against the naive walk at 20 a page, over 10,000 groups.

    uv run python bench/client_iter_all.py [--repeats 5] [--api-url URL --token T]

Without --api-url it starts a sandbox (the test harness's server class) in which the
walking user's account holds 10,000 groups, and stops it afterwards. Reports the median
wall time of each walk, its upstream call count, and the ratio.
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
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kantata_admin.settings")

from kantata_admin.kantata import KantataClient, track_calls  # noqa: E402

WALKED = 10_000
# sandbox_seed gives a tenth of the groups to the second account (Globex): seeding this
# many leaves exactly WALKED in Acme, the account whose admin walks.
SEEDED = WALKED + WALKED // 9


def naive_walk(client: KantataClient) -> int:
    """What a page-by-page export does without iter_all: 20 a page, one after another."""
    seen, page = 0, 1
    while True:
        result = client.workspace_groups.list(page=page, per_page=20)
        seen += len(result.records)
        if not result.has_next:
            return seen
        page += 1


def iter_all_walk(client: KantataClient) -> int:
    return sum(1 for _ in client.workspace_groups.iter_all())


def measure(name: str, walk, client: KantataClient, repeats: int) -> tuple[float, int, int]:
    times = []
    for _ in range(repeats):
        with track_calls() as calls:
            started = time.perf_counter()
            records = walk(client)
            times.append(time.perf_counter() - started)
    median = statistics.median(times)
    runs = ", ".join(f"{t:.2f}" for t in times)
    print(f"{name:<22} median {median:6.2f} s  ({runs})  {calls.count} calls, {records} records")
    return median, calls.count, records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--api-url", help="use a running sandbox instead of starting one")
    parser.add_argument("--token", help="bearer token for --api-url")
    args = parser.parse_args()

    server = None
    if args.api_url:
        api_url, token = args.api_url, args.token
    else:
        from tests.sandbox_harness import ADMIN_EMAIL, SandboxServer

        workdir = Path(tempfile.mkdtemp(prefix="bench-iter-all-"))
        server = SandboxServer(workdir=workdir, groups=SEEDED)
        started = time.perf_counter()
        server.start()
        print(f"sandbox with {SEEDED} groups up in {time.perf_counter() - started:.1f} s")
        api_url, token = server.api_url, server.token(ADMIN_EMAIL)
    try:
        client = KantataClient(token, base_url=api_url)
        iter_all_walk(client)  # warm the connection pool and the server's caches
        fast, fast_calls, fast_records = measure(
            "iter_all (per_page 200)", iter_all_walk, client, args.repeats
        )
        slow, slow_calls, slow_records = measure(
            "naive (per_page 20)", naive_walk, client, args.repeats
        )
        assert fast_records == slow_records, "both walks must see every group"
        assert server is None or fast_records == WALKED, f"walked {fast_records}, not {WALKED}"
        print(
            f"ratio naive / iter_all: {slow / fast:.1f}x time, {slow_calls / fast_calls:.0f}x calls"
        )
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
