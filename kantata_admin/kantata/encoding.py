"""One encoder per documented query syntax: ids, booleans, datetimes, text, numbers, names,
order and paging.

Each validates what it is given, so a bad argument raises `InvalidRequest` (a `ValueError`)
before any request leaves the process.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from .errors import InvalidRequest

IdLike = int | str
Number = int | float | Decimal | str

# The most records the API answers in one page (per_page, limit): the one place this is set.
PAGE_CAP = 200

_ID = re.compile(r"[1-9][0-9]*")
# An ISO 4217 currency code, as Kantata writes it: the one place this is set.
_ISO_CURRENCY = re.compile(r"[A-Z]{3}")
# These characters delimit the custom-value syntax; a value holding one cannot be encoded.
_SYNTAX_CHARS = frozenset(":;()")


def is_currency_code(text: str, *, any_case: bool = False) -> bool:
    """Three letters, upper case (or any case: a member's typing, upper-cased later)."""
    if any_case and text.isascii():
        text = text.upper()
    return _ISO_CURRENCY.fullmatch(text) is not None


def is_kantata_id(text: str) -> bool:
    """A Kantata id: ASCII digits without a leading zero, 1 to 2^63 - 1. str.isdigit()
    alone lets "0", "007", "²" and "٣" through, and the API refuses ids past 2^63 - 1."""
    return _ID.fullmatch(text) is not None and int(text) < 2**63


def encode_id(value: IdLike, *, name: str) -> str:
    """A positive integer id, given as int or digit string."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidRequest(f"{name}: expected an id, got {type(value).__name__}")
    text = str(value).strip()
    if not _ID.fullmatch(text):
        raise InvalidRequest(f"{name}: {value!r} is not a positive integer id")
    return text


def encode_id_list(values: Iterable[IdLike], *, name: str, limit: int | None = None) -> str:
    """Comma-separated ids (`only`, `has_value_for_custom_field_ids`, ...)."""
    if isinstance(values, int | str):
        values = [values]
    encoded = [encode_id(value, name=name) for value in values]
    if not encoded:
        raise InvalidRequest(f"{name}: give at least one id")
    if limit is not None and len(encoded) > limit:
        raise InvalidRequest(f"{name}: at most {limit} ids, got {len(encoded)}")
    return ",".join(encoded)


def encode_bool(value: bool, *, name: str) -> str:
    """`true` / `false`; truthy non-booleans are refused rather than guessed."""
    if not isinstance(value, bool):
        raise InvalidRequest(f"{name}: expected True or False, got {value!r}")
    return "true" if value else "false"


def encode_datetime(value: datetime, *, name: str) -> str:
    """ISO 8601 with offset. Naive datetimes are refused: the server's zone is unknown."""
    if not isinstance(value, datetime):
        raise InvalidRequest(f"{name}: expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidRequest(f"{name}: datetime must be timezone-aware")
    return value.isoformat()


def encode_text(value: str, *, name: str) -> str:
    """A free-text argument (`matching`, external reference fields)."""
    if not isinstance(value, str):
        raise InvalidRequest(f"{name}: expected text, got {type(value).__name__}")
    if not value.strip():
        raise InvalidRequest(f"{name}: must not be blank")
    return value


def encode_number(value: Number, *, name: str) -> str:
    """A finite decimal number in plain notation (no exponent, which the API cannot parse)."""
    if isinstance(value, bool):
        raise InvalidRequest(f"{name}: expected a number, got a boolean")
    if isinstance(value, int):
        return str(value)
    try:
        number = Decimal(str(value).strip()) if isinstance(value, str | float) else value
    except ArithmeticError:
        raise InvalidRequest(f"{name}: {value!r} is not a number") from None
    if not isinstance(number, Decimal) or not number.is_finite():
        raise InvalidRequest(f"{name}: {value!r} is not a finite number")
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def encode_names(values: Iterable[str], *, name: str, allowed: frozenset[str] | None) -> str:
    """Comma-separated names (`include`, `optional_fields`)."""
    if isinstance(values, str):
        values = [values]
    names = []
    for value in values:
        if not isinstance(value, str) or not re.fullmatch(r"[a-z_]+", value):
            raise InvalidRequest(f"{name}: {value!r} is not a valid name")
        if allowed is not None and value not in allowed:
            raise InvalidRequest(f"{name}: {value!r} is not one of {', '.join(sorted(allowed))}")
        if value not in names:
            names.append(value)
    return ",".join(names)


def encode_order(value: str, *, allowed: frozenset[str]) -> str:
    """`field:direction`, one of the endpoint's documented values."""
    normalized = value.strip().lower() if isinstance(value, str) else ""
    if normalized not in allowed:
        raise InvalidRequest(f"order: {value!r} is not one of {', '.join(sorted(allowed))}")
    return normalized


def encode_page(page: int, per_page: int) -> dict[str, str]:
    """`page` (from 1) and `per_page` (1 to PAGE_CAP)."""
    for name, number in (("page", page), ("per_page", per_page)):
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            raise InvalidRequest(f"{name}: expected a positive integer, got {number!r}")
    if per_page > PAGE_CAP:
        raise InvalidRequest(f"per_page: at most {PAGE_CAP}, got {per_page}")
    return {"page": str(page), "per_page": str(per_page)}


def encode_window(limit: int, offset: int) -> dict[str, str]:
    """`limit` (1 to PAGE_CAP, as per_page) and `offset` (from 0); they override page and
    per_page."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= PAGE_CAP:
        raise InvalidRequest(f"limit: expected 1 to {PAGE_CAP}, got {limit!r}")
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise InvalidRequest(f"offset: expected a non-negative integer, got {offset!r}")
    return {"limit": str(limit), "offset": str(offset)}


def encode_plain(value: str, *, name: str) -> str:
    """Text inside the custom-value or ref-list syntax, which has no escaping."""
    if any(char in _SYNTAX_CHARS for char in value):
        raise InvalidRequest(f"{name}: {value!r} may not contain any of : ; ( )")
    return value
