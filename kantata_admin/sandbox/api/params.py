"""Reading query parameters: filters strictly (anything malformed is a 400 system error),
paging and `only` leniently, as Brainstem, the framework of the real API, reads them."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, tzinfo
from typing import Any

from django.http import QueryDict
from django.utils.dateparse import parse_date, parse_datetime

from kantata_admin.sandbox.api.errors import bad_request

_INTEGER = re.compile(r"^[+-]?\d+$")
_DIGITS = re.compile(r"[0-9]+")
# The spellings a Rails boolean cast understands (plus yes/no), case-insensitively;
# unlike Rails, anything else is refused rather than read as true.
_TRUE = frozenset({"true", "t", "1", "yes", "on"})
_FALSE = frozenset({"false", "f", "0", "no", "off"})
MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 20
# More ids than a request line can carry anyway (gunicorn's is 4094 bytes).
MAX_ONLY_IDS = 1000
# Ruby's String#to_i: leading spaces, a sign and digits; whatever follows is ignored.
_RUBY_INTEGER = re.compile(r"^\s*([+-]?\d+)")
# Page numbers past this all name the same (empty) page; keeps int() off huge strings.
MAX_PAGE = 10**15
# Ids are bigint primary keys: anything outside would overflow the database driver.
MAX_ID = 2**63 - 1


def present(params: QueryDict, name: str) -> str | None:
    """The stripped value, or None when absent; an empty value counts as absent."""
    value = params.get(name)
    if value is None or not value.strip():
        return None
    return value.strip()


def to_int(raw: str, name: str) -> int:
    if not _INTEGER.fullmatch(raw.strip()):
        raise bad_request(f"{name} must be an integer, not {raw!r}.")
    try:
        return int(raw)
    except ValueError:  # past int()'s limit on digits
        raise bad_request(f"{name} is too large.") from None


def is_id(value: int) -> bool:
    return 1 <= value <= MAX_ID


def parse_id(text: str) -> int | None:
    """The id `text` spells exactly (digits, an optional sign; no spaces or underscores, which
    int() would take), or None when it is no integer or not 1 to MAX_ID. Never raises: the
    query parser, the write body and show paths each answer a bad id their own way."""
    if not _INTEGER.fullmatch(text):
        return None
    try:
        value = int(text)
    except ValueError:  # past int()'s limit on digits: far past MAX_ID anyway
        return None
    return value if is_id(value) else None


def to_id(raw: str, name: str) -> int:
    """An id in a query parameter, surrounding spaces allowed; 400 otherwise."""
    value = parse_id(raw.strip())
    if value is None:
        to_int(raw, name)  # the message for what is no integer at all
        raise bad_request(f"{name}: {raw.strip()!r} is not a valid id (1 to {MAX_ID}).")
    return value


def integer(
    params: QueryDict, name: str, *, minimum: int | None = None, maximum: int | None = None
) -> int | None:
    raw = present(params, name)
    if raw is None:
        return None
    value = to_int(raw, name)
    if minimum is not None and value < minimum:
        raise bad_request(f"{name} must be at least {minimum}.")
    if maximum is not None and value > maximum:
        raise bad_request(f"{name} must be at most {maximum}.")
    return value


def to_boolean(value: Any) -> bool | None:
    """True or False for a recognised spelling, in a query or a body; None otherwise."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    return True if text in _TRUE else False if text in _FALSE else None


def boolean(params: QueryDict, name: str) -> bool | None:
    raw = present(params, name)
    if raw is None:
        return None
    value = to_boolean(raw)
    if value is None:
        raise bad_request(f"{name} must be true or false, not {raw!r}.")
    return value


def id_list(params: QueryDict, name: str, *, limit: int | None = None) -> list[int] | None:
    """Comma-separated ids, e.g. only=5,6,7."""
    raw = present(params, name)
    if raw is None:
        return None
    ids = [to_id(part, name) for part in raw.split(",") if part.strip()]
    if limit is not None and len(ids) > limit:
        raise bad_request(f"{name} accepts at most {limit} values.")
    return ids


def is_only_request(params: QueryDict) -> bool:
    """Search does not apply to only requests (seed): both endpoints ask this."""
    return present(params, "only") is not None


def _only_part(part: str) -> int | None:
    """One part of `only`: an id, None for what is no id (dropped), 400 for a whole
    number past the 64-bit ids (Kantata documents that as a bad request)."""
    value = parse_id(part)
    digits = part.lstrip("+").lstrip("0")
    if value is None and _DIGITS.fullmatch(digits) and (len(digits) > 19 or int(digits) > MAX_ID):
        raise bad_request(f"only: {part[:40]} is beyond the largest id ({MAX_ID}).")
    return value


def only_ids(params: QueryDict) -> list[int] | None:
    """`only=5,6,7`, leniently (Brainstem): parts that are not ids are dropped, so
    `only=x` asks for nothing; None when there is no `only` at all. A number beyond
    64 bits is a 400."""
    raw = present(params, "only")
    if raw is None:
        return None
    ids = [value for part in raw.split(",") if (value := _only_part(part.strip())) is not None]
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_ONLY_IDS:
        raise bad_request(f"only accepts at most {MAX_ONLY_IDS} ids.")
    return ids


def ruby_to_i(raw: str | None, ceiling: int = MAX_PAGE) -> int:
    """What Ruby's `to_i` makes of a parameter: its leading integer, else 0 ("abc", ""),
    capped at `ceiling` either way so that no huge number reaches arithmetic or SQL."""
    match = _RUBY_INTEGER.match(raw or "")
    if match is None:
        return 0
    digits = match.group(1)
    if len(digits.lstrip("+-")) > len(str(ceiling)):
        return -ceiling if digits.startswith("-") else ceiling
    return max(-ceiling, min(ceiling, int(digits)))


def word_list(params: QueryDict, name: str) -> list[str]:
    raw = params.get(name) or ""
    return [part.strip() for part in raw.split(",") if part.strip()]


def timestamp(params: QueryDict, name: str, zone: tzinfo) -> datetime | None:
    """ISO 8601 date-time (or date); without an offset it is read in the account's zone."""
    raw = present(params, name)
    if raw is None:
        return None
    try:
        value = parse_datetime(raw)
        if value is None:
            day = parse_date(raw)
            value = datetime.combine(day, time()) if day else None
    except ValueError:
        value = None
    if value is None:
        raise bad_request(f"{name} must be an ISO 8601 date-time, not {raw!r}.")
    value = value if value.tzinfo else value.replace(tzinfo=zone)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        # 9999-12-31T23:59:59-12:00 is past the last moment a datetime holds, and
        # 0001-01-01T00:00:00+14:00 before the first: they compare as those ends.
        return (
            datetime.max.replace(tzinfo=UTC) if value.year > 1 else datetime.min.replace(tzinfo=UTC)
        )


@dataclass(frozen=True)
class Paging:
    offset: int
    size: int
    number: int
    unpaged: bool = False  # an `only` request: every match at once


SINGLE = Paging(offset=0, size=DEFAULT_PER_PAGE, number=1)  # show, create and update
UNPAGED = Paging(offset=0, size=MAX_ONLY_IDS, number=1, unpaged=True)


def paging(params: QueryDict) -> Paging:
    """Brainstem's lenient paging: `per_page` above 200 is 200, below 1 or not a number
    the default 20; `page` below 1 is 1; `limit` (clamped to 1-200) and `offset` (at
    least 0) win, but only when both are given. Nothing here is ever a 400."""
    if is_only_request(params):
        return UNPAGED
    if present(params, "limit") is not None and present(params, "offset") is not None:
        limit = max(1, min(MAX_PER_PAGE, ruby_to_i(params.get("limit"))))
        offset = max(0, ruby_to_i(params.get("offset")))
        return Paging(offset=offset, size=limit, number=offset // limit + 1)
    per_page = min(MAX_PER_PAGE, ruby_to_i(params.get("per_page")))
    if per_page < 1:
        per_page = DEFAULT_PER_PAGE
    page = max(1, ruby_to_i(params.get("page")))
    return Paging(offset=(page - 1) * per_page, size=per_page, number=page)
