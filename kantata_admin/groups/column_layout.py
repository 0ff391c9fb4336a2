"""Which columns the group list shows, and in what order: the member's choice.

A layout is a sequence of column keys: the standard columns' keys (`tables.GROUP_COLUMNS`)
and `cf_<id>` for a custom field. The list's `columns` parameter names one in order; a
list without one shows the member's remembered layout (`savedviews.ColumnChoice`), or the
default, which fits a 1280 px screen without sideways scrolling. Older links name custom
fields by bare id in `columns` and the included columns in `include`; both still add their
columns to the layout.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# Every standard column, in the order the chooser first offers them.
STANDARD = (
    "name",
    "company",
    "contact_name",
    "email",
    "phone_number",
    "website",
    "workspaces",
    "rate_card_sets",
    "external_references",
    "created_at",
    "updated_at",
)
# The columns whose values come only with an API include of the same name.
NEEDS_INCLUDE = ("workspaces", "rate_card_sets", "external_references")
# What a member sees before choosing: the columns a team reads most, narrow enough for the
# table to fit beside the filter panel at 1280 px (all of them made it 1,281 px in 938).
DEFAULT = ("name", "company", "contact_name", "email", "updated_at")
# The name links to the group's page: the one column that cannot be hidden.
ALWAYS_SHOWN = "name"
# What a `columns` value may look like; anything else is left out, never an error.
_KEY = re.compile(r"(cf_)?[a-z0-9_]{1,40}")
MAX_COLUMNS = 200


def custom_key(field_id: str | int) -> str:
    return f"cf_{field_id}"


def normalise(value: str) -> str | None:
    """A `columns` value as a column key: a bare number is a custom field's id (the
    parameter's older meaning); a value no column can have is None."""
    value = value.strip()
    if value.isdigit():
        return custom_key(value)
    return value if _KEY.fullmatch(value) else None


def names_full_layout(keys: Iterable[str]) -> bool:
    """Whether `columns` names a whole layout (a standard column among them), rather than
    only custom fields to add to the member's usual one."""
    return any(key in STANDARD for key in keys)


def resolve(
    requested: Sequence[str],
    *,
    includes: Iterable[str] = (),
    custom_ids: Iterable[str] | None = None,
    remembered: Sequence[str] | None = None,
) -> tuple[str, ...]:
    """The layout to show: `requested` (the normalised `columns` values) when it names a
    whole one, else the remembered layout or the default plus the custom fields requested;
    then the columns of the `include` parameter. Keys of columns that do not exist (a custom
    field deleted in Kantata OX since: `custom_ids` are those that do, None when unknown)
    are left out; the name is always shown."""
    known = set(STANDARD)
    if custom_ids is not None:
        known |= {custom_key(field_id) for field_id in custom_ids}
    if names_full_layout(requested):
        chosen = list(requested)
    else:
        chosen = [*(remembered or DEFAULT), *requested]
    chosen += [name for name in NEEDS_INCLUDE if name in set(includes)]
    layout = [
        key
        for key in dict.fromkeys(chosen)
        if key in known or (custom_ids is None and key.startswith("cf_"))
    ]
    if ALWAYS_SHOWN not in layout:
        layout.insert(0, ALWAYS_SHOWN)
    return tuple(layout[:MAX_COLUMNS])


def includes_of(layout: Iterable[str]) -> tuple[str, ...]:
    """The API includes a layout needs, in the API's order."""
    shown = set(layout)
    return tuple(name for name in NEEDS_INCLUDE if name in shown)


def to_text(layout: Sequence[str]) -> str:
    """How a remembered layout is stored."""
    return ",".join(layout)


def from_text(text: str) -> tuple[str, ...]:
    return tuple(key for part in text.split(",") if (key := normalise(part)))
