"""The import's dry run of 10,000 rows against reading those groups through the API alone.

    uv run python bench/import_dry_run.py [--repeats 3] [--latency-ms 0]

Starts a sandbox (the test harness's server class, on a free port) in which the importing
member's account holds 10,000 groups, exports them "for re-import" (in process, Django's
test client), edits the file (100 changes, its last 10 rows replaced by new groups: 10,000
rows, the limit) and uploads it: the upload answers once the dry run has read Kantata,
classified every row and stored them. The yardstick is reading the same groups through
the API alone, as the dry run must: the ids with `only`, 200 a call, and those groups'
values of the file's custom fields (`/custom_field_values?with_subject_id=...&
with_custom_field_id=...&include=custom_field`, 200 a page: a value's field is documented
only with that include), with `requests`, one after another, each answer decoded. The dry
run makes the same calls, two chunks' reads in flight while it compares. Runs
alternate; reports both medians, the ratio dry run / reading (median of pairs; target
<= 1.5x), the upstream calls of each, and how far the process's peak memory (ru_maxrss)
rose during the first dry run (target <= 50 MB).
"""

import argparse
import csv
import io
import resource
import statistics
import time

import groups_setup as setup  # first: it sets Django up
import requests
from django.core.files.uploadedfile import SimpleUploadedFile

from kantata_admin.groups.export import REIMPORT_FIELDS
from kantata_admin.imports.models import ImportRun
from kantata_admin.kantata import track_calls

ROWS = 10_000
# sandbox_seed gives a tenth of the groups to the second account: this many leaves
# exactly ROWS in the importing member's.
SEEDED = ROWS + ROWS // 9
CHUNK = 200


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def edited(exported: str) -> tuple[bytes, list[str], list[str]]:
    """The export with 100 rows changed and its last 10 replaced by new groups (the file
    stays at the 10,000-row limit): the file, its ids, its custom field columns."""
    header, *rows = list(csv.reader(io.StringIO(exported.removeprefix("\ufeff"))))
    assert len(rows) == ROWS, f"{len(rows)} rows exported, not {ROWS}"
    notes = header.index("notes")
    rows = rows[: ROWS - 10]
    for row in rows[:: len(rows) // 100][:100]:
        row[notes] = f"{row[notes]} (imported)"
    rows += [["", f"Bench import new {n}", *[""] * (len(header) - 2)] for n in range(10)]
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])
    ids = [row[0] for row in rows if row[0]]
    return out.getvalue().encode(), ids, header[1 + len(REIMPORT_FIELDS) :]


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
        browser = setup.signed_in_member(server, token, role="editor")
        upstream = requests.Session()
        upstream.headers["Authorization"] = f"Bearer {token}"
        answer = browser.get("/groups/export.csv", {"as": "reimport"})
        exported = b"".join(answer.streaming_content).decode("utf-8")
        data, ids, custom_names = edited(exported)
        fields = upstream.get(
            f"{server.api_url}/custom_fields.json",
            params={"subject_type": "WorkspaceGroup"},
            timeout=60,
        ).json()["custom_fields"]
        field_ids = ",".join(f["id"] for f in fields.values() if f["name"] in custom_names)
        print(f"file: {len(data) / 1e6:.1f} MB, {ROWS} rows, {len(custom_names)} custom fields")

        def dry_run() -> int:
            ImportRun.objects.all().delete()
            with track_calls() as calls:
                response = browser.post(
                    "/import/", {"file": SimpleUploadedFile("bench.csv", data, "text/csv")}
                )
            assert response.status_code == 302, response.content.decode()[-3000:]
            run = ImportRun.objects.get()
            assert run.counts == {"create": 10, "update": 100, "unchanged": 9890, "error": 0}, (
                run.counts
            )
            return calls.count

        def read() -> int:
            made = 0
            for start in range(0, len(ids), CHUNK):
                chunk = ",".join(ids[start : start + CHUNK])
                answer = upstream.get(
                    f"{server.api_url}/workspace_groups.json",
                    params={"only": chunk, "per_page": str(CHUNK)},
                    timeout=60,
                )
                answer.raise_for_status()
                assert len(answer.json()["results"]) == min(CHUNK, len(ids) - start)
                made += 1
                page = 1
                while True:
                    values = upstream.get(
                        f"{server.api_url}/custom_field_values.json",
                        params={
                            "subject_type": "workspace_group",
                            "with_subject_id": chunk,
                            "with_custom_field_id": field_ids,
                            # Which field a value is of: documented only with this.
                            "include": "custom_field",
                            "per_page": str(CHUNK),
                            "page": str(page),
                        },
                        timeout=60,
                    )
                    values.raise_for_status()
                    made += 1
                    body = values.json()
                    if page >= body["meta"]["page_count"]:
                        break
                    page += 1
            return made

        # Warm the connections, templates and custom-field cache first, so that the peak
        # memory measured next is the dry run's own.
        small = "\r\n".join(exported.removeprefix("\ufeff").split("\r\n")[:3]) + "\r\n"
        browser.post("/import/", {"file": SimpleUploadedFile("w.csv", small.encode(), "text/csv")})
        runs, reads = [], []
        growth = 0.0
        run_calls = read_calls = 0
        for round_number in range(args.repeats):
            before = peak_mb()
            started = time.perf_counter()
            run_calls = dry_run()
            runs.append(time.perf_counter() - started)
            if round_number == 0:
                growth = peak_mb() - before
            started = time.perf_counter()
            read_calls = read()
            reads.append(time.perf_counter() - started)

        run_s, read_s = statistics.median(runs), statistics.median(reads)
        paired = statistics.median(r / w for r, w in zip(runs, reads, strict=True))
        print(f"dry run of {ROWS} rows, {args.latency_ms} ms latency:")
        print(
            f"  dry run        median {run_s:6.2f} s  ({', '.join(f'{t:.2f}' for t in runs)})"
            f"  {run_calls} upstream calls"
        )
        print(
            f"  reading alone  median {read_s:6.2f} s  ({', '.join(f'{t:.2f}' for t in reads)})"
            f"  {read_calls} upstream calls"
        )
        print(f"  dry run / reading: {paired:.2f}x (median of pairs; target <= 1.5x)")
        print(f"  peak memory growth during the first dry run: {growth:.1f} MB (target <= 50)")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
