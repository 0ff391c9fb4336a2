"""How the group table is drawn: each kind of cell, a row's actions, the whole body.

In Python, with the standard library's escaping: a page has hundreds of cells, and a chain
of template conditions (or format_html) per cell was most of a render's cost. Every value
goes through `_e`; nothing else is trusted. A row's links are reversed once per table.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from kantata_admin.groups.list_state import LIST_PARAM, carry
from kantata_admin.kantata import ExternalReference, Workspace, WorkspaceGroup

# The id of the element that says why write controls are unavailable (list.html draws it).
REFUSAL_REASON_ID = "write-refusal-reason"

# A bare host name ("acme.example.com/path") is linked as https; anything else that is not
# http(s) stays text, so a stored `javascript:` address can never become a link.
_BARE_HOST = re.compile(r"[\w-]+(\.[\w-]+)+(/\S*)?", re.ASCII)


def plain_text(value: Any) -> str:
    """How a cell reads in a CSV file: one line of text per cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(plain_text(item) for item in value)
    return str(value)


def safe_href(address: str) -> str | None:
    """The address to link a stored web address to, or None to show it as text."""
    text = address.strip()
    if re.match(r"https?://[^\s/]+", text, re.IGNORECASE):
        return text
    if _BARE_HOST.fullmatch(text):
        return f"https://{text}"
    return None


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _link(href: str, text: str) -> str:
    return f'<a href="{_e(href)}" rel="noopener noreferrer nofollow" target="_blank">{_e(text)}</a>'


def _items(items: list[str]) -> str:
    """A compact list; `items` are already escaped."""
    if not items:
        return '<ul class="plain compact"><li class="muted">none</li></ul>'
    return '<ul class="plain compact">' + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _name_html(value: str, group: WorkspaceGroup, urls: RowUrls) -> str:
    return f'<a href="{_e(urls.detail(group))}">{_e(value)}</a>'


def _company_html(value: bool, group: WorkspaceGroup, urls: RowUrls) -> str:
    return (
        '<span class="badge">Company</span>' if value else '<span class="visually-hidden">No</span>'
    )


def _email_html(value: str, group: WorkspaceGroup, urls: RowUrls) -> str:
    return f'<a href="mailto:{_e(value)}">{_e(value)}</a>' if value else ""


def _website_html(value: str, group: WorkspaceGroup, urls: RowUrls) -> str:
    href = safe_href(value) if value else None
    return _link(href, value) if href else _e(value)


def _datetime_html(value: datetime | None, group: WorkspaceGroup, urls: RowUrls) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f'<time datetime="{local.isoformat()}">{local.strftime("%Y-%m-%d %H:%M")}</time>'


def _workspaces_html(value: list[Workspace], group: WorkspaceGroup, urls: RowUrls) -> str:
    archived = ' <span class="badge">archived</span>'
    return _items([_e(w.title) + (archived if w.archived else "") for w in value])


def _list_html(value: list[str], group: WorkspaceGroup, urls: RowUrls) -> str:
    return _items([_e(item) for item in value])


def _references_html(value: list[ExternalReference], group: WorkspaceGroup, urls: RowUrls) -> str:
    return _items(
        [
            f"{_e(r.service_name)} {_e(r.service_model)} {_e(r.service_model_ref)} "
            f'<span class="status-{_e(r.status)}">{_e(r.status)}</span>'
            for r in value
        ]
    )


def _text_html(value: Any, group: WorkspaceGroup, urls: RowUrls) -> str:
    return _e(plain_text(value))


# A cell's kind -> its HTML, every value escaped.
CELL_HTML: dict[str, Callable[[Any, WorkspaceGroup, RowUrls], str]] = {
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


# An id no group has, reversed in place of a row's: its URLs are then built by joining.
_ANY_ID = 987654321012


@dataclass(frozen=True)
class _PerGroup:
    """One URL pattern, reversed once, for every row of a table; `carried` is the list's
    state (`?_list=…`) the link takes along, or ""."""

    before: str
    after: str
    carried: str = ""

    @classmethod
    def reverse(cls, name: str, carried: str = "") -> _PerGroup:
        before, after = reverse(name, args=[_ANY_ID]).split(str(_ANY_ID))
        return cls(before, after, carried)

    def __call__(self, group: WorkspaceGroup) -> str:
        return f"{self.before}{group.id}{self.after}{self.carried}"

    def bare(self, group: WorkspaceGroup) -> str:
        """The URL without the list's state (a form carries it in a hidden input)."""
        return f"{self.before}{group.id}{self.after}"


@dataclass(frozen=True)
class RowUrls:
    """The links of a row (a page draws 20 to 200): reversed once per table. Each carries
    the list's query string (`list_query`), so the page it opens leads back to this list."""

    detail: _PerGroup
    edit: _PerGroup
    delete: _PerGroup
    list_query: str = ""

    @classmethod
    def build(cls, list_query: str = "") -> RowUrls:
        carried = carry("", list_query)
        return cls(
            *(
                _PerGroup.reverse(f"groups:{name}", carried)
                for name in ("detail", "edit", "delete")
            ),
            list_query=list_query,
        )


class DrawnColumn(Protocol):
    """What drawing needs of a column (`tables.Column`)."""

    label: str
    kind: str

    def value(self, group: WorkspaceGroup) -> Any: ...


def _cells_html(group: WorkspaceGroup, columns: Sequence[DrawnColumn], urls: RowUrls) -> str:
    """A row's `<td>`s; each carries its column's label for the narrow layout."""
    return "".join(
        f'<td data-label="{_e(column.label)}">'
        f"{CELL_HTML[column.kind](column.value(group), group, urls)}</td>"
        for column in columns
    )


def _select_html(group: WorkspaceGroup, *, refused: bool = False) -> str:
    """The row's checkbox for bulk changes; it belongs to the bulk controls' form."""
    unavailable = f' disabled aria-describedby="{REFUSAL_REASON_ID}"' if refused else ""
    return (
        '<td class="row-select"><input type="checkbox" name="ids"'
        f' value="{_e(group.id)}" form="bulk-select"'
        f' aria-label="Select {_e(group.name)}"{unavailable}></td>'
    )


def _actions_html(group: WorkspaceGroup, urls: RowUrls) -> str:
    """Edit and delete, for members who may change groups. Without JavaScript, Delete opens
    the confirmation page (a GET carrying no token); with htmx it asks, posts, and the row
    leaves. Both carry the list's state: the link in its address, the form in `_list`."""
    name, edit, delete = _e(group.name), _e(urls.edit(group)), _e(urls.delete.bare(group))
    return (
        '<td class="row-actions" data-label="Actions">\n'
        f'  <a class="button small" href="{edit}" aria-label="Edit {name}">Edit</a>\n'
        f'  <form class="inline" method="get" action="{delete}"\n'
        f'        hx-post="{delete}" hx-target="closest tr" hx-swap="outerHTML swap:200ms"\n'
        '        hx-push-url="false" hx-confirm="Delete the workspace group'
        f' “{name}”? This cannot be undone here.">\n'
        f'    <input type="hidden" name="name" value="{name}">\n'
        + (
            f'    <input type="hidden" name="{LIST_PARAM}" value="{_e(urls.list_query)}">\n'
            if urls.list_query
            else ""
        )
        + '    <button type="submit" class="button small danger"'
        f' aria-label="Delete {name}">Delete</button>\n'
        "  </form>\n"
        "</td>"
    )


def _refused_actions_html(group: WorkspaceGroup) -> str:
    """Edit and delete while Kantata refuses this member's writes: shown, unavailable, and
    described by the reason the page states once."""
    name = _e(group.name)
    described = f'aria-describedby="{REFUSAL_REASON_ID}"'
    return (
        '<td class="row-actions" data-label="Actions">\n'
        f'  <span class="button small unavailable" role="link" aria-disabled="true" {described}'
        f' aria-label="Edit {name}">Edit</span>\n'
        f'  <button type="button" class="button small danger" disabled {described}'
        f' aria-label="Delete {name}">Delete</button>\n'
        "</td>"
    )


def rows_html(
    groups: Sequence[WorkspaceGroup],
    columns: Sequence[DrawnColumn],
    *,
    can_edit: bool,
    list_query: str = "",
    writes_refused: bool = False,
) -> SafeString:
    """The table's body rows: every value escaped, the links reversed once. `list_query` is
    the list's query string, carried by every link that leaves the list; `writes_refused`
    draws the write controls unavailable (Kantata refused this member's last write)."""
    urls = RowUrls.build(list_query)

    def controls(group: WorkspaceGroup) -> str:
        if not can_edit:
            return ""
        if writes_refused:
            return _select_html(group, refused=True) + _refused_actions_html(group)
        return _select_html(group) + _actions_html(group, urls)

    return SafeString(
        "\n".join(
            "<tr>" + controls(group) + _cells_html(group, columns, urls) + "</tr>"
            for group in groups
        )
    )


_SORT_MARKS = {"ascending": " ▲", "descending": " ▼"}


def head_html(headers: Sequence[Any], *, list_url: str, can_edit: bool) -> SafeString:
    """The header cells (`tables.Header`): a sortable column's label links to the list
    sorted by it (`aria-sort` on the column the list is sorted by)."""
    cells = (
        [
            '<th scope="col"><span class="visually-hidden">Select</span></th>',
            '<th scope="col"><span class="visually-hidden">Actions</span></th>',
        ]
        if can_edit
        else []
    )
    for header in headers:
        label = _e(header.column.label)
        aria = f' aria-sort="{_e(header.aria_sort)}"' if header.aria_sort else ""
        if header.next_order:
            query = _e(header.query)
            mark = _SORT_MARKS.get(header.aria_sort or "", "")
            label = (
                f'<a id="sort-{_e(header.column.key)}" href="{query}"'
                f' hx-get="{_e(list_url)}{query}">{label}'
                f'<span class="sort-mark" aria-hidden="true">{mark}</span></a>'
            )
        cells.append(f'<th scope="col"{aria}>{label}</th>')
    return SafeString("\n".join(cells))
