"""Reading query parameters strictly: anything malformed is a 400 system error."""

import re
from dataclasses import dataclass
from datetime import datetime, time, tzinfo

from django.http import QueryDict
from django.utils.dateparse import parse_date, parse_datetime

from kantata_admin.sandbox.api.errors import bad_request

_INTEGER = re.compile(r"^[+-]?\d+$")
_TRUE = {"true", "1", "yes", "t"}
_FALSE = {"false", "0", "no", "f"}
MAX_PER_PAGE = 200


def present(params: QueryDict, name: str) -> str | None:
    """The stripped value, or None when absent; an empty value counts as absent."""
    value = params.get(name)
    if value is None or not value.strip():
        return None
    return value.strip()


def to_int(raw: str, name: str) -> int:
    if not _INTEGER.match(raw.strip()):
        raise bad_request(f"{name} must be an integer, not {raw!r}.")
    return int(raw)


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


def boolean(params: QueryDict, name: str) -> bool | None:
    raw = present(params, name)
    if raw is None:
        return None
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise bad_request(f"{name} must be true or false, not {raw!r}.")


def id_list(params: QueryDict, name: str, *, limit: int | None = None) -> list[int] | None:
    """Comma-separated integers, e.g. only=5,6,7."""
    raw = present(params, name)
    if raw is None:
        return None
    ids = [to_int(part, name) for part in raw.split(",") if part.strip()]
    if limit is not None and len(ids) > limit:
        raise bad_request(f"{name} accepts at most {limit} values.")
    return ids


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
    return value if value.tzinfo else value.replace(tzinfo=zone)


@dataclass(frozen=True)
class Paging:
    offset: int
    size: int
    number: int


def paging(params: QueryDict) -> Paging:
    """page/per_page, unless both limit and offset are given, which then win."""
    limit = integer(params, "limit", minimum=1, maximum=MAX_PER_PAGE)
    offset = integer(params, "offset", minimum=0)
    page = integer(params, "page", minimum=1) or 1
    per_page = integer(params, "per_page", minimum=1, maximum=MAX_PER_PAGE) or 20
    if limit is not None and offset is not None:
        return Paging(offset=offset, size=limit, number=offset // limit + 1)
    return Paging(offset=(page - 1) * per_page, size=per_page, number=page)
