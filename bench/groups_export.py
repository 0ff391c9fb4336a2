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
import resource
import statistics
import time

import groups_setup as setup  # first: it sets Django up
import requests

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
    setup.migrate()

    server = setup.SandboxServer(
        workdir=setup.WORKDIR / "sandbox",
        groups=SEEDED,
        extra_env={"KANTATA_SANDBOX_LATENCY_MS": str(args.latency_ms)},
    )
    started = time.perf_counter()
    server.start()
    print(f"sandbox with {SEEDED} groups up in {time.perf_counter() - started:.1f} s")
    try:
        token = setup.admin_token(server)
        browser = setup.signed_in_member(server, token)
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
