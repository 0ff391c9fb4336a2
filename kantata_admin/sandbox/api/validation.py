"""Validation helpers every write shares (groups, custom field values): each appends
`(field, message)` failures, so that one request reports all of them at once (422)."""

from typing import Any

from django.db.models import Model

from kantata_admin.sandbox.api.params import parse_id, to_boolean

Failures = list[tuple[str, str]]


def label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def as_text(value: Any) -> str:
    return "" if value is None else str(value)


def text_or_null(name: str, value: Any, failures: Failures) -> str | None:
    """A text field as written: null stays null and "" stays "" (the recordings keep the
    two apart); numbers read as their text, as Rails casts them; objects are refused."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        failures.append((name, f"{label(name)} must be text"))
        return None
    return str(value).lower() if isinstance(value, bool) else str(value)


def fits(model: type[Model], name: str, value: str | None, where: str, failures: Failures):
    """Rails' length validation, against the column's own limit (none for text columns)."""
    maximum = model._meta.get_field(name).max_length
    if value is not None and maximum is not None and len(value) > maximum:
        failures.append((where, f"{label(name)} is too long (maximum is {maximum} characters)"))


def flag(value: Any, where: str, failures: Failures) -> bool:
    # A blank or null flag is false, as an unchecked Rails form checkbox would be.
    if value is None or (isinstance(value, str) and not value.strip()):
        return False
    flag = to_boolean(value)
    if flag is None:
        failures.append((where, f"{label(where.rpartition('.')[2])} must be true or false"))
    return bool(flag)


def id_values(value: Any) -> list[int] | None:
    """Workspace ids from a JSON list or form values; None when any is not an id. Blank
    form values are skipped; an id is read as strictly as in a query (no " 5", no 1_000)."""
    items = value if isinstance(value, list) else [value]
    ids = []
    for item in items:
        if isinstance(item, (bool, dict, list, float)):
            return None
        written = as_text(item)
        if not written.strip():
            continue
        number = parse_id(written)
        if number is None:
            return None
        ids.append(number)
    return ids
