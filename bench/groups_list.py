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
import statistics
import time

import groups_setup as setup  # first: it sets Django up
import requests

from kantata_admin.kantata import track_calls

QUERY = {"include": "workspaces"}
API_QUERY = {"include": "workspaces", "order": "name:asc", "page": "1", "per_page": "20"}


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def run(latency_ms: int, repeats: int) -> None:
    server = setup.SandboxServer(
        workdir=setup.WORKDIR / f"sandbox-{latency_ms}",
        extra_env={"KANTATA_SANDBOX_LATENCY_MS": str(latency_ms)},
    )
    server.start()
    try:
        token = setup.admin_token(server)
        browser = setup.signed_in_member(server, token)
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
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--latency-ms", type=int, nargs="+", default=[100, 0])
    args = parser.parse_args()
    setup.migrate()
    for latency in args.latency_ms:
        run(latency, args.repeats)


if __name__ == "__main__":
    main()
