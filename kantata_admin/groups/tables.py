"""The group table, declared once: its columns, how each reads a group, its sort headers
and its pager. The list page draws it; the CSV export writes the same columns as text."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.http import QueryDict
from django.utils.safestring import SafeString

from kantata_admin.groups import column_layout
from kantata_admin.groups.custom_types import custom_type
from kantata_admin.groups.field_specs import CustomFieldSpec
from kantata_admin.groups.filtering import ListQuery
from kantata_admin.groups.table_html import head_html, plain_text, rows_html
from kantata_admin.kantata import Page, WorkspaceGroup

PAGER_NEIGHBOURS = 2


def _names(records: Sequence[Any] | None, attribute: str) -> list[str]:
    return [getattr(record, attribute) for record in records or ()]


def _custom_value(group: WorkspaceGroup, spec: CustomFieldSpec) -> str:
    held = next((v for v in group.custom_field_values if v.custom_field_id == spec.id), None)
    return custom_type(spec).csv_cell(held)


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
            return plain_text([f"{w.title} (archived)" if w.archived else w.title for w in value])
        if self.kind == "references":
            return plain_text(
                [
                    f"{r.service_name} {r.service_model} {r.service_model_ref}: {r.status}"
                    for r in value
                ]
            )
        return plain_text(value)


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
    """The columns the list shows: the query's layout (never empty: column_layout.resolve
    always shows the name), in its order."""
    by_key = {c.key: c for c in GROUP_COLUMNS}
    by_key |= {column_layout.custom_key(spec.id): custom_column(spec) for spec in query.columns}
    return [by_key[key] for key in query.layout if key in by_key]


@dataclass(frozen=True)
class ColumnOption:
    """One line of the column chooser: a column, whether it is shown, whether it may be
    hidden."""

    key: str
    label: str
    shown: bool
    always_shown: bool


def column_choices(
    layout: Sequence[str], custom_fields: Sequence[CustomFieldSpec]
) -> list[ColumnOption]:
    """Every column the list can show, for the chooser: the shown ones in their order, then
    the others (standard ones in the table's order, custom fields by name)."""
    labels = {c.key: c.label for c in GROUP_COLUMNS}
    custom = sorted(custom_fields, key=lambda spec: spec.name.casefold())
    labels |= {column_layout.custom_key(spec.id): spec.name for spec in custom}
    shown = [key for key in layout if key in labels]
    hidden = [key for key in labels if key not in set(shown)]
    return [
        ColumnOption(key, labels[key], key in set(shown), key == column_layout.ALWAYS_SHOWN)
        for key in shown + hidden
    ]


@dataclass(frozen=True)
class Header:
    column: Column
    # "ascending"/"descending" on the column the list is sorted by, else None.
    aria_sort: str | None
    # The order a click on the header asks for; None when the column cannot sort.
    next_order: str | None
    # The list's query string for that order ("?…"), first page.
    query: str = ""


@dataclass(frozen=True)
class PageLink:
    """A pager entry: a page number and its query string, or a gap (number None)."""

    number: int | None
    query: str = ""


def with_params(params: QueryDict, **changes: Any) -> str:
    """`params` with `changes` (None removes one), as a query string: what `{% querystring %}`
    writes, built once per link in Python."""
    query = params.copy()
    for name, value in changes.items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = str(value)
    return f"?{query.urlencode()}"


@dataclass
class GroupTable:
    """One page of groups laid out for the list template: `params` are the list's query
    (for its sort and page links, and carried by its row links), `can_edit` draws each
    row's actions."""

    page: Page[WorkspaceGroup]
    query: ListQuery
    params: QueryDict = field(default_factory=QueryDict)
    can_edit: bool = False
    list_url: str = ""
    # Kantata refused this member's last write: the row controls are drawn unavailable.
    writes_refused: bool = False
    columns: list[Column] = field(init=False)

    def __post_init__(self) -> None:
        self.columns = table_columns(self.query)

    @property
    def rows_html(self) -> SafeString:
        return rows_html(
            self.page.records,
            self.columns,
            can_edit=self.can_edit,
            list_query=self.params.urlencode(),
            writes_refused=self.writes_refused,
        )

    @property
    def head_html(self) -> SafeString:
        return head_html(self.headers, list_url=self.list_url, can_edit=self.can_edit)

    @cached_property
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
                order = f"{field_name}:{flipped}"
            else:
                aria = None
                first = "desc" if column.default_descending else "asc"
                order = f"{column.sort_field}:{first}"
            headers.append(
                Header(column, aria, order, with_params(self.params, order=order, page=None))
            )
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

    @cached_property
    def pager(self) -> list[PageLink]:
        """Pages to link, gaps where some are left out: 1 … 4 5 [6] 7 8 … 20."""
        current, last = self.query.page, self.page_count
        if last <= 1:
            return []
        shown = {1, last, *range(current - PAGER_NEIGHBOURS, current + PAGER_NEIGHBOURS + 1)}
        links: list[PageLink] = []
        for number in sorted(n for n in shown if 1 <= n <= last):
            if links and number - (links[-1].number or 0) > 1:
                links.append(PageLink(None))
            links.append(PageLink(number, with_params(self.params, page=number)))
        return links

    @property
    def previous_query(self) -> str:
        return with_params(self.params, page=self.query.page - 1)

    @property
    def next_query(self) -> str:
        return with_params(self.params, page=self.query.page + 1)
