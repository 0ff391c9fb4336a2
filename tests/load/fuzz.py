"""Hypothesis over what a member can send the dashboard (issue 21 item 4): the list's query
string, the group form, the bulk action form and the import upload. Every answer must be
below 500 and the log must hold no traceback (an ERROR record or one with exc_info).

Shared by the short run in the suite (tests/load/test_fuzz.py) and the long one
(bench/fuzz.py). Requests go through Django's test client in this process (thousands a
minute), the views talk to a sandbox server over real HTTP as always.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.test import Client
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kantata_admin.bulk.actions import ACTIONS
from kantata_admin.bulk.changes import BULK_FIELDS
from kantata_admin.groups.filtering import WORKSPACE_GROUP_FILTER_NAMES

# Values that have broken parsers before (tests/sandbox/test_no_5xx.py has the longer list).
EDGE = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "9223372036854775807",
    "9223372036854775808",
    "9" * 400,
    "1e999999",
    "NaN",
    "true",
    "\x00",
    "a\x00b",
    "\ud800",
    "é",
    "名前",
    "\U0001d518",
    "2026-13-45",
    "0001-01-01",
    "9999-12-31T23:59:59-12:00",
    "name:desc",
    "updated_at:asc",
    "workspaces,rate_card_sets,external_references",
    "1,2,3",
    ",",
    "%",
    "%00",
    "'; DROP TABLE x; --",
    "<script>",
    "=1+1",
    "x" * 300,
]
LIST_NAMES = [
    *WORKSPACE_GROUP_FILTER_NAMES,
    *("page", "per_page", "order", "include", "view", "columns", "_list"),
    *("custom_1", "custom_2", "custom_3", "custom_4", "custom_5", "custom_6"),
]
GROUP_FIELDS = [
    *("name", "company", "notes", "contact_name", "email", "phone_number", "address"),
    *("website", "workspaces", "workspace_titles", "opened", "custom_fields_shown"),
    *("external_reference_service_name", "external_reference_service_model"),
    *("external_reference_service_model_ref", "external_reference_external_link"),
    *("external_reference_external_message", "external_reference_external_status"),
    *("external_reference_status", "_list", "q"),
    *("custom_1", "custom_2", "custom_3", "custom_4", "custom_4_currency", "custom_5"),
    "custom_6",
]
BULK_NAMES = ["action", "field", "value", "field_id", "workspace_id", "ids", "all", "filter"]

text = st.one_of(st.sampled_from(EDGE), st.text(max_size=40))


def pairs(names: list[str]) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Form or query pairs: known names (some repeated) and any other, any values."""
    name = st.one_of(st.sampled_from(names), st.sampled_from(names), st.text(max_size=12))
    return st.lists(st.tuples(name, text), max_size=8)


def _sendable(value: str) -> str:
    # A browser cannot send a lone surrogate: encode as it would have been, replaced.
    return value.encode("utf-8", "replace").decode("utf-8")


def _clean(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(_sendable(k), _sendable(v)) for k, v in items]


def _as_data(items: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for key, value in _clean(items):
        data.setdefault(key, []).append(value)
    return data


class LogWatch(logging.Handler):
    """Every ERROR record, or any record with a traceback, logged meanwhile."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.exc_info:
            self.records.append(record)

    def __enter__(self) -> LogWatch:
        logging.getLogger().addHandler(self)
        return self

    def __exit__(self, *exc) -> None:
        logging.getLogger().removeHandler(self)

    def tracebacks(self) -> list[str]:
        return [
            self.format(r) + "\n" + logging.Formatter().formatException(r.exc_info)
            if r.exc_info
            else self.format(r)
            for r in self.records
        ]


@dataclass
class Fuzz:
    """One member's browser and the answers it got: `cases` by target, 5xx met."""

    client: Client
    group_id: str
    group_ids: list[str]
    cases: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def _seen(self, target: str, what: str, response) -> None:
        self.cases[target] += 1
        self.statuses[response.status_code] += 1
        if response.status_code >= 500:
            self.failures.append(f"{target}: {response.status_code} for {what[:300]!r}")

    # --- the four targets ------------------------------------------------------------

    def list_query(self, items: list[tuple[str, str]], htmx: bool) -> None:
        query = urlencode(_clean(items))
        headers = {"HX-Request": "true"} if htmx else {}
        response = self.client.get(f"/groups/?{query}", headers=headers)
        self._seen("list query", query, response)

    def group_form(self, items: list[tuple[str, str]], create: bool, prefix: str) -> None:
        data = _as_data(items)
        if create:
            # Names of this run's own, so that a created group is found and removed.
            data["name"] = [f"{prefix} {v}"[:255] for v in data.get("name", [""])][:1]
            url = "/groups/new/"
        else:
            url = f"/groups/{self.group_id}/edit/"
        response = self.client.post(url, data)
        self._seen("group form", f"{url} {data}", response)

    def bulk_form(self, items: list[tuple[str, str]], ids: list[str]) -> None:
        data = _as_data(items)
        data.setdefault("ids", []).extend(ids)
        response = self.client.post("/bulk/preview/", data)
        self._seen("bulk action form", str(data), response)

    def upload(self, content: bytes, filename: str, extra: list[tuple[str, str]]) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        data = _as_data(extra)
        data["file"] = SimpleUploadedFile(filename or "upload", content)
        response = self.client.post(reverse("imports:upload"), data)
        self._seen("import upload", f"{filename} {content[:120]!r}", response)


def import_upload_ready() -> bool:
    """The import app (issue 20, another branch) mounts imports:upload; until it is
    merged there is nothing to fuzz."""
    try:
        reverse("imports:upload")
    except NoReverseMatch:
        return False
    return True


def _budget(examples: int) -> Callable:
    return settings(
        max_examples=max(1, examples),
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


CSV_HEADS = [b"id,name,notes\n", b"name\n", b"\xef\xbb\xbfid;name\n", b"", b"=cmd|' /C calc'!A0\n"]
file_bytes = st.one_of(
    st.binary(max_size=600),
    st.builds(
        lambda head, rows: head + rows.encode("utf-8", "replace"),
        st.sampled_from(CSV_HEADS),
        st.text(max_size=400),
    ),
)


def run_all(fuzz: Fuzz, examples: dict[str, int], prefix: str) -> None:
    """Run each target for its number of examples (a target at 0 is skipped)."""

    @_budget(examples.get("list query", 0))
    @given(items=pairs(LIST_NAMES), htmx=st.booleans())
    def list_queries(items, htmx):
        fuzz.list_query(items, htmx)

    @_budget(examples.get("group form", 0))
    @given(items=pairs(GROUP_FIELDS), create=st.booleans())
    def group_forms(items, create):
        fuzz.group_form(items, create, prefix)

    @_budget(examples.get("bulk action form", 0))
    @given(
        items=pairs(BULK_NAMES)
        | st.builds(
            lambda action, field_name, rest: [("action", action), ("field", field_name), *rest],
            st.sampled_from([*ACTIONS, "nothing"]),
            st.sampled_from([*BULK_FIELDS, "1", ""]),
            pairs(BULK_NAMES),
        ),
        ids=st.lists(st.sampled_from(fuzz.group_ids) | text, max_size=4),
    )
    def bulk_forms(items, ids):
        fuzz.bulk_form(items, [_sendable(i) for i in ids])

    @_budget(examples.get("import upload", 0))
    @given(content=file_bytes, filename=text, extra=pairs(["dry_run", "mode", "confirm"]))
    def uploads(content, filename, extra):
        fuzz.upload(content, _sendable(filename).replace("\x00", ""), extra)

    for name, run in (
        ("list query", list_queries),
        ("group form", group_forms),
        ("bulk action form", bulk_forms),
        ("import upload", uploads),
    ):
        if examples.get(name, 0):
            run()
