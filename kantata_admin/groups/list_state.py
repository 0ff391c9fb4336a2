"""The list's state carried through the pages opened from it, as Django admin's
`_changelist_filters` does: a group's page, its form and its delete confirmation take the
list's query string in one parameter, `_list`, and every "back to the list" link (the
breadcrumb, Cancel, the link after a save or a delete) returns to the same filters, sort,
page size, columns and page.

The parameter is untrusted input: it is parsed as a query string and written back, so it
can only ever produce a link to the list itself (never another host or path).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, QueryDict
from django.urls import reverse

LIST_PARAM = "_list"
# A list query longer than this is not carried (a bookmark of the list still works).
MAX_LENGTH = 4000


def list_query(request: HttpRequest) -> str:
    """The list's query string this request carries (GET, or a form's POST), cleaned:
    empty values, nested `_list` and `page=1` dropped; "" when there is none."""
    raw = request.POST.get(LIST_PARAM) if request.method == "POST" else None
    raw = raw or request.GET.get(LIST_PARAM, "")
    if not raw or len(raw) > MAX_LENGTH:
        return ""
    parsed = QueryDict(raw.lstrip("?"))
    kept = QueryDict(mutable=True)
    for name, values in parsed.lists():
        if name == LIST_PARAM:
            continue
        present = [value for value in values if value.strip()]
        if name == "page":
            present = [value for value in present if value != "1"]
        if present:
            kept.setlist(name, present)
    return kept.urlencode()


def list_address(query: str) -> str:
    """The list at `query` (a query string): `/groups/?<query>`, or `/groups/`."""
    base = reverse("groups:list")
    return f"{base}?{query}" if query else base


def list_url(request: HttpRequest) -> str:
    """The list as the member left it: `/groups/?<their query>`, or `/groups/`."""
    return list_address(list_query(request))


def carry(url: str, query: str) -> str:
    """`url` with the list's query string carried along in `_list` (unchanged when there is
    none): for links from the list, or from a page opened from it, to another such page."""
    if not query:
        return url
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}{urlencode({LIST_PARAM: query})}"


def context(request: HttpRequest) -> dict[str, str]:
    """What templates of pages opened from the list need: `list_url` (back to the list)
    and `list_query` (for a hidden `_list` input, and for `carry`)."""
    return {"list_url": list_url(request), "list_query": list_query(request)}
