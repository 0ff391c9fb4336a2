"""Creates that are never duplicated: the whole create-once recovery lives here.

A timed-out or dropped create may or may not have landed; one answered with a body that
cannot be read (`MalformedResponse`) very likely did. Before it is ever sent again, what
it would have made is looked up. Finding a record by name is not proof: the name may have
been taken before the call (the lost answer was then a 422), or by someone else since. A
found record counts as ours only if it was created after the call began and holds what the
call sent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from .errors import KantataError, MalformedResponse, TransportError, ValidationFailed
from .records import Record
from .requestor import Requestor

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
    if isinstance(sent, int) and isinstance(stored, str):
        # An id: sent as an integer, read as a string.
        return str(sent) == stored
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


def create_once[R: Record](
    requestor: Requestor,
    path: str,
    cls: type[R],
    *,
    json: Any,
    sent: Mapping[str, Any],
    find_existing: Callable[[float], R | None],
    params: Mapping[str, str] | None = None,
) -> R:
    """POST a create that is never duplicated, within one deadline.

    If the create may have gone through (timeout or dropped connection after sending),
    `find_existing(deadline)` looks for what it would have made. A record found is
    returned only if this call made it (`made_by_this_call`, given the `sent` fields);
    one made by someone else means the name was taken, so the original error stands.
    Only if nothing is found is the create sent once more.
    """
    started_at = datetime.now(UTC)
    deadline = requestor.deadline()
    try:
        return requestor.fetch_one("POST", path, cls, params=params, json=json, deadline=deadline)
    except (TransportError, MalformedResponse) as error:
        if isinstance(error, TransportError) and not error.maybe_processed:
            raise
        lost = error

    def ours(record: R | None) -> bool:
        return record is not None and made_by_this_call(record, sent, since=started_at)

    try:
        found = find_existing(deadline)
    except KantataError:
        raise lost from None
    if found is not None:
        if ours(found):
            return found
        raise lost
    if isinstance(lost, MalformedResponse):
        # An unreadable answer was still an answer, so the request is not sent again; it
        # made nothing that can be found, which the caller may say.
        lost.write_checked = True
        raise lost
    if time.monotonic() >= deadline:
        raise lost
    try:
        return requestor.fetch_one("POST", path, cls, params=params, json=json, deadline=deadline)
    except ValidationFailed as refused:
        if "name" not in refused.field_errors:
            raise
        # The first POST may have landed after the lookup ran (its answer was still on
        # the way): then the name is taken by our own record, which is the success.
        try:
            found = find_existing(deadline)
        except KantataError:
            found = None
        if ours(found):
            return found
        raise


def create_many_once[R: Record](
    requestor: Requestor,
    path: str,
    cls: type[R],
    *,
    json: Any,
    sent: Sequence[Mapping[str, Any]],
    key: Callable[[Mapping[str, Any] | R], tuple[str, ...]],
    find_existing: Callable[[float], Iterable[R]],
) -> list[R]:
    """POST a create of several records, all or nothing, that is never duplicated.

    As `create_once`, for a request that writes every item of `sent` or none (the API's
    rule for a values create). `key` names an item, sent or stored, uniquely (a value's
    subject and field); after a lost answer, `find_existing(deadline)` reads what holds
    those keys now. Every item found and made by this call: the records, in `sent`'s
    order. None found: sent once more. Anything else (found, but older or different)
    means someone else wrote them, and the original error stands.
    """
    started_at = datetime.now(UTC)
    deadline = requestor.deadline()
    request = {"json": json, "deadline": deadline, "expected": len(sent)}
    try:
        return requestor.fetch_many("POST", path, cls, **request)
    except (TransportError, MalformedResponse) as error:
        if isinstance(error, TransportError) and not error.maybe_processed:
            raise
        lost = error
    wanted = {key(item): item for item in sent}
    try:
        found = {key(record): record for record in find_existing(deadline) if key(record) in wanted}
    except KantataError:
        raise lost from None
    if not found and time.monotonic() < deadline and not isinstance(lost, MalformedResponse):
        return requestor.fetch_many("POST", path, cls, **request)
    ours = len(found) == len(wanted) and all(
        made_by_this_call(found[k], item, since=started_at) for k, item in wanted.items()
    )
    if not ours:
        raise lost
    return [found[key(item)] for item in sent]
