"""A bounded large dry run, on the session's 10,000-group sandbox (read only): 2,000 rows
with every custom field are read in 10 `only` calls (plus their values, 200 a page), all
classified unchanged, with the memory the dry run allocates bounded. The full 10,000-row
run, timed against reading alone, is bench/import_dry_run.py."""

from __future__ import annotations

import csv
import io
import tracemalloc
from collections import Counter

from kantata_admin.groups.custom_types import custom_type
from kantata_admin.groups.custom_value_reads import with_custom_values
from kantata_admin.groups.selectors import group_custom_fields
from kantata_admin.imports.dry_run import DryRun
from kantata_admin.imports.reading import read_upload
from kantata_admin.kantata import KantataClient, track_calls
from tests.sandbox_harness import ADMIN_EMAIL

ROWS = 2_000


def test_a_2000_row_dry_run_reads_200_ids_a_call_in_bounded_memory(sandbox_10k):
    client = KantataClient(sandbox_10k.token(ADMIN_EMAIL), base_url=sandbox_10k.api_url)
    fields = group_custom_fields(client, "import-large-test")
    groups = []
    for group in client.workspace_groups.iter_all():
        groups.append(group)
        if len(groups) == ROWS:
            break
    groups = [
        g
        for start in range(0, ROWS, 200)
        for g in with_custom_values(client, groups[start : start + 200])
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["id", "name", *(spec.name for spec in fields)])
    for group in groups:
        held = {v.custom_field_id: v for v in group.custom_field_values}
        cells = [custom_type(s).reimport_cell(s, held.get(s.id)) for s in fields]
        writer.writerow([group.id, group.name, *cells])
    data = out.getvalue().encode()

    tracemalloc.start()
    try:
        with track_calls() as calls:
            read = read_upload(data, fields)
            counts = Counter(result.kind for result in DryRun(client, read, fields).results())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert counts == {"unchanged": ROWS}
    group_reads = [c for c in calls.calls if c.path.endswith("/workspace_groups.json")]
    assert len(group_reads) == ROWS // 200
    value_reads = [c for c in calls.calls if c.path.endswith("/custom_field_values.json")]
    assert len(value_reads) <= ROWS // 200 * 8  # 200 groups' values, 200 a page
    assert peak < 40 * 1024 * 1024, f"{peak / 1e6:.1f} MB"
