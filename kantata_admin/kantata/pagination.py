"""The response envelope, one page of it, and a lazy walk over every page."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .encoding import PAGE_CAP
from .errors import MalformedResponse
from .records import Included, Record


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def records_from_envelope[R: Record](body: Any, cls: type[R], *, path: str) -> list[R]:
    """The records named by `results`, in that order.

    The keyed tables are never iterated: includes of the same type are mixed into them.
    """
    if not isinstance(body, Mapping) or not isinstance(body.get("results"), list):
        raise MalformedResponse(f"response from {path} has no results array", path=path)
    included = Included(body)
    records = []
    for entry in body["results"]:
        if not isinstance(entry, Mapping) or "key" not in entry or "id" not in entry:
            raise MalformedResponse(f"bad results entry from {path}", path=path)
        if entry["key"] != cls.key:
            continue
        data = included.get(cls.key, str(entry["id"]))
        if data is None:
            raise MalformedResponse(
                f"result {cls.key}/{entry['id']} missing from the response of {path}", path=path
            )
        records.append(cls.from_json(data, included))
    return records


@dataclass(frozen=True)
class Page[R: Record]:
    """One page of a listing, with what a table needs to draw its pager."""

    records: list[R]
    count: int
    page_number: int
    page_count: int
    page_size: int
    # The answer's ETag, for a later `if_none_match` (where the resource takes one).
    etag: str | None = None

    def __iter__(self) -> Iterator[R]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    @property
    def has_next(self) -> bool:
        return self.page_number < self.page_count

    @property
    def has_previous(self) -> bool:
        return self.page_number > 1

    @classmethod
    def from_envelope(
        cls,
        body: Any,
        record_cls: type[R],
        *,
        path: str,
        page: int,
        per_page: int,
        etag: str | None = None,
    ) -> Page[R]:
        records = records_from_envelope(body, record_cls, path=path)
        count = _int(body.get("count"), len(records))
        meta = body.get("meta") if isinstance(body.get("meta"), Mapping) else {}
        # `meta` is authoritative when present; otherwise derive it from what was asked for.
        page_size = _int(meta.get("page_size"), per_page)
        return cls(
            records=records,
            count=_int(meta.get("count"), count),
            page_number=_int(meta.get("page_number"), page),
            page_count=_int(meta.get("page_count"), max(1, math.ceil(count / max(page_size, 1)))),
            page_size=page_size,
            etag=etag,
        )


def iter_all[R: Record](
    fetch: Callable[[int, int], Page[R]], *, per_page: int = PAGE_CAP
) -> Iterator[R]:
    """Every record of a listing, fetching each page only when the previous one is used up.

    `fetch(page, per_page)` returns one page. Pages are read one at a time, so what others
    change between two reads shows: walk in an order edits cannot change (the resources use
    creation order) so no record moves between pages. A record yielded already is not
    yielded again. Deletes still shift later records back a page boundary: after a
    concurrent delete one record can be missed, and only a fresh walk sees it.
    """
    seen: set[str] = set()
    page_number = 1
    while True:
        page = fetch(page_number, per_page)
        for record in page.records:
            if record.id not in seen:
                seen.add(record.id)
                yield record
        if not page.records or page_number >= page.page_count:
            return
        page_number += 1
