"""Whether a record found after a create's answer was lost is the one that create made.

A timed-out or dropped create may or may not have landed. Finding a record by name is not
proof: the name may have been taken before the call (the lost answer was then a 422), or by
someone else since. A found record counts as ours only if it was created after the call
began and holds what the call sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from .records import Record

# Our clock and the API's may disagree; a record created this much before our start still
# counts, since the creation times come from the API's clock and are cut to whole seconds.
CLOCK_SKEW = timedelta(seconds=120)


def _text(value: Any) -> str:
    # The API returns empty text as "" or null (notes) and may trim what it stores.
    return "" if value is None else str(value).strip()


def _same(key: str, sent: Any, stored: Any) -> bool:
    if key == "name":
        # Names are unique case-insensitively, so a stored name may differ only in case.
        return _text(sent).casefold() == _text(stored).casefold()
    if isinstance(sent, bool) or isinstance(stored, bool):
        return sent is stored
    if isinstance(sent, str) or sent is None:
        return _text(sent) == _text(stored)
    return sent == stored


def made_by_this_call(record: Record, sent: Mapping[str, Any], *, since: datetime) -> bool:
    """True if `record` was created at or after `since` (less the skew) and every simple
    field of `sent` equals the record's. Lists and nested objects (workspace ids, external
    references) are not on a record without includes, so they are not compared."""
    created_at = getattr(record, "created_at", None)
    if not isinstance(created_at, datetime) or created_at < since - CLOCK_SKEW:
        return False
    for key, value in sent.items():
        if isinstance(value, list | tuple | Mapping) or not hasattr(record, key):
            continue
        if not _same(key, value, getattr(record, key)):
            return False
    return True
