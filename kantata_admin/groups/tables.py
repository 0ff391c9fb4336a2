"""The group table, declared once: its columns, how each reads a group, its sort headers
and its pager. The list page draws it; the CSV export writes the same columns as text."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from kantata_admin.groups.custom_types import custom_type
from kantata_admin.groups.field_specs import CustomFieldSpec
from kantata_admin.groups.filtering import ListQuery
from kantata_admin.kantata import ExternalReference, Page, Workspace, WorkspaceGroup

# A bare host name ("acme.example.com/path") is linked as https; anything else that is not
# http(s) stays text, so a stored `javascript:` address can never become a link.
_BARE_HOST = re.compile(r"[\w-]+(\.[\w-]+)+(/\S*)?", re.ASCII)
PAGER_NEIGHBOURS = 2


def safe_href(address: str) -> str | None:
    """The address to link a stored web address to, or None to show it as text."""
    text = address.strip()
    if re.match(r"https?://[^\s/]+", text, re.IGNORECASE):
        return text
    if _BARE_HOST.fullmatch(text):
        return f"https://{text}"
    return None


def _names(records: Sequence[Any] | None, attribute: str) -> list[str]:
    return [getattr(record, attribute) for record in records or ()]


def _custom_value(group: WorkspaceGroup, spec: CustomFieldSpec) -> str:
    held = next((v for v in group.custom_field_values if v.custom_field_id == spec.id), None)
    return custom_type(spec).csv_cell(held)


def _text(value: Any) -> str:
    """How a cell reads in a CSV file: one line of text per cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(_text(item) for item in value)
    return str(value)


@dataclass(frozen=True)
class Column:
    """One column: its header, how it reads a group, and how the template draws it.

    `kind` picks how a cell is drawn (CELL_HTML) and written (`text`); `sort_field` makes the
    header a sort link; `include` names the API include the column needs (shown only when
    the member asked for it).
    """

    key: str
    label: str
    kind: str
    read: Callable[[WorkspaceGroup], Any]
    sort_field: str | None = None
    include: str | None = None
    default_descending: bool = False

    def value(self, group: WorkspaceGroup) -> Any:
        return self.read(group)

    def text(self, group: WorkspaceGroup) -> str:
        value = self.value(group)
        if self.kind == "workspaces":
            return _text([f"{w.title} (archived)" if w.archived else w.title for w in value])
        if self.kind == "references":
            return _text(
                [
                    f"{r.service_name} {r.service_model} {r.service_model_ref}: {r.status}"
                    for r in value
                ]
            )
        return _text(value)


def workspaces_in_order(group: WorkspaceGroup) -> list[Any]:
    """The group's workspaces, active ones first, each part by title."""
    return sorted(group.workspaces or (), key=lambda w: (w.archived, w.title.casefold()))


GROUP_COLUMNS: tuple[Column, ...] = (
    Column("name", "Name", "name", lambda g: g.name, sort_field="name"),
    Column("company", "Company", "bool", lambda g: g.company),
    Column("contact_name", "Contact", "text", lambda g: g.contact_name),
    Column("email", "E-mail", "email", lambda g: g.email),
    Column("phone_number", "Phone", "text", lambda g: g.phone_number),
    Column("website", "Website", "website", lambda g: g.website),
    Column("workspaces", "Workspaces", "workspaces", workspaces_in_order, include="workspaces"),
    Column(
        "rate_card_sets",
        "Rate card sets",
        "list",
        lambda g: _names(g.rate_card_sets, "title"),
        include="rate_card_sets",
    ),
    Column(
        "external_references",
        "External references",
        "references",
        lambda g: list(g.external_references or ()),
        include="external_references",
    ),
    Column(
        "created_at",
        "Created",
        "datetime",
        lambda g: g.created_at,
        sort_field="created_at",
        default_descending=True,
    ),
    Column(
        "updated_at",
        "Updated",
        "datetime",
        lambda g: g.updated_at,
        sort_field="updated_at",
        default_descending=True,
    ),
)


def custom_column(spec: CustomFieldSpec) -> Column:
    return Column(f"cf_{spec.id}", spec.name, "text", lambda g, spec=spec: _custom_value(g, spec))


def table_columns(query: ListQuery) -> list[Column]:
    """The columns the list shows: the standard ones, those of the chosen includes, then
    the chosen custom fields."""
    standard = [c for c in GROUP_COLUMNS if c.include is None or c.include in query.includes]
    return standard + [custom_column(spec) for spec in query.columns]


def export_columns(query: ListQuery, custom_fields: Sequence[CustomFieldSpec]) -> list[Column]:
    """The columns of the CSV export: the table's, plus every custom field."""
    standard = [c for c in GROUP_COLUMNS if c.include is None or c.include in query.includes]
    return [
        Column("id", "Id", "text", lambda g: g.id),
        *standard,
        *(custom_column(spec) for spec in custom_fields),
    ]


@dataclass(frozen=True)
class Header:
    column: Column
    # "ascending"/"descending" on the column the list is sorted by, else None.
    aria_sort: str | None
    # The order a click on the header asks for; None when the column cannot sort.
    next_order: str | None


# --- how each kind of cell is drawn. In Python, with the standard library's escaping:
# a page has hundreds of cells, and a chain of template conditions (or format_html) per
# cell was most of a render's cost. Every value goes through `_e`; nothing else is trusted.


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _link(href: str, text: str) -> str:
    return f'<a href="{_e(href)}" rel="noopener noreferrer nofollow" target="_blank">{_e(text)}</a>'


def _items(items: list[str]) -> str:
    """A compact list; `items` are already escaped."""
    if not items:
        return '<ul class="plain compact"><li class="muted">none</li></ul>'
    return '<ul class="plain compact">' + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _name_html(value: str, group: WorkspaceGroup) -> str:
    return f'<a href="{_e(reverse("groups:detail", args=[group.id]))}">{_e(value)}</a>'


def _company_html(value: bool, group: WorkspaceGroup) -> str:
    return (
        '<span class="badge">Company</span>' if value else '<span class="visually-hidden">No</span>'
    )


def _email_html(value: str, group: WorkspaceGroup) -> str:
    return f'<a href="mailto:{_e(value)}">{_e(value)}</a>' if value else ""


def _website_html(value: str, group: WorkspaceGroup) -> str:
    href = safe_href(value) if value else None
    return _link(href, value) if href else _e(value)


def _datetime_html(value: datetime | None, group: WorkspaceGroup) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f'<time datetime="{local.isoformat()}">{local.strftime("%Y-%m-%d %H:%M")}</time>'


def _workspaces_html(value: list[Workspace], group: WorkspaceGroup) -> str:
    archived = ' <span class="badge">archived</span>'
    return _items([_e(w.title) + (archived if w.archived else "") for w in value])


def _list_html(value: list[str], group: WorkspaceGroup) -> str:
    return _items([_e(item) for item in value])


def _references_html(value: list[ExternalReference], group: WorkspaceGroup) -> str:
    return _items(
        [
            f"{_e(r.service_name)} {_e(r.service_model)} {_e(r.service_model_ref)} "
            f'<span class="status-{_e(r.status)}">{_e(r.status)}</span>'
            for r in value
        ]
    )


def _text_html(value: Any, group: WorkspaceGroup) -> str:
    return _e(_text(value))


# A cell's kind -> its HTML, every value escaped.
CELL_HTML: dict[str, Callable[[Any, WorkspaceGroup], str]] = {
    "name": _name_html,
    "bool": _company_html,
    "email": _email_html,
    "website": _website_html,
    "datetime": _datetime_html,
    "workspaces": _workspaces_html,
    "list": _list_html,
    "references": _references_html,
    "text": _text_html,
}


@dataclass(frozen=True)
class Cell:
    column: Column
    group: WorkspaceGroup

    @property
    def html(self) -> str:
        """The cell's content as escaped HTML (marked safe only as a whole row)."""
        return CELL_HTML[self.column.kind](self.column.value(self.group), self.group)


@dataclass(frozen=True)
class Row:
    group: WorkspaceGroup
    cells: list[Cell]

    @property
    def cells_html(self) -> SafeString:
        """The row's `<td>`s; each carries its column's label for the narrow layout."""
        return SafeString(
            "".join(f'<td data-label="{_e(c.column.label)}">{c.html}</td>' for c in self.cells)
        )


@dataclass
class GroupTable:
    """One page of groups laid out for the list template."""

    page: Page[WorkspaceGroup]
    query: ListQuery
    columns: list[Column] = field(init=False)

    def __post_init__(self) -> None:
        self.columns = table_columns(self.query)

    @property
    def rows(self) -> list[Row]:
        return [
            Row(group, [Cell(column, group) for column in self.columns])
            for group in self.page.records
        ]

    @property
    def headers(self) -> list[Header]:
        field_name, _, direction = self.query.order.partition(":")
        headers = []
        for column in self.columns:
            if column.sort_field is None:
                headers.append(Header(column, None, None))
                continue
            if column.sort_field == field_name:
                aria = "ascending" if direction == "asc" else "descending"
                flipped = "desc" if direction == "asc" else "asc"
                headers.append(Header(column, aria, f"{field_name}:{flipped}"))
            else:
                first = "desc" if column.default_descending else "asc"
                headers.append(Header(column, None, f"{column.sort_field}:{first}"))
        return headers

    @property
    def first_row_number(self) -> int:
        return (self.page.page_number - 1) * self.query.per_page + 1 if self.page.records else 0

    @property
    def last_row_number(self) -> int:
        return self.first_row_number + len(self.page.records) - 1 if self.page.records else 0

    @property
    def page_count(self) -> int:
        # The API's meta counts pages of the size asked for; an empty result has none.
        return self.page.page_count if self.page.count else 0

    @property
    def pager(self) -> list[int | None]:
        """Page numbers to link, None where some are left out: 1 … 4 5 [6] 7 8 … 20."""
        current, last = self.query.page, self.page_count
        if last <= 1:
            return []
        shown = {1, last, *range(current - PAGER_NEIGHBOURS, current + PAGER_NEIGHBOURS + 1)}
        numbers: list[int | None] = []
        for number in sorted(n for n in shown if 1 <= n <= last):
            if numbers and numbers[-1] is not None and number - numbers[-1] > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers
