"""The list's state (`_list`) is built in one place: `list_state.carry` for a link that
carries it (the `carry_list` tag in templates), `list_state.list_address` for the list at a
query. A hand-written `?_list=` in a template or a second "list URL plus a query" helper is
a second copy of the rule, which drifts (a link that forgets the state, or encodes it
another way)."""

import re
from pathlib import Path

from django.conf import settings
from django.test import RequestFactory

from kantata_admin.groups import list_state

ROOT = Path(settings.BASE_DIR)


def test_the_list_at_a_query():
    assert list_state.list_address("") == "/groups/"
    assert list_state.list_address("matching=a&page=2") == "/groups/?matching=a&page=2"
    request = RequestFactory().get("/groups/1/", {"_list": "matching=a&page=1&order="})
    assert list_state.list_url(request) == list_state.list_address("matching=a")


def test_no_template_writes_the_list_state_by_hand():
    by_hand = re.compile(r"_list=|list_query\|urlencode")
    written = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if by_hand.search(path.read_text())
    ]
    assert written == []


def test_the_list_url_plus_a_query_is_built_once():
    # `reverse("groups:list")` followed by "?" and a query: only list_state builds that.
    builds = re.compile(r"""reverse\(["']groups:list["']\)[^\n]*\n?[^\n]*\?\{""")
    built = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "kantata_admin").rglob("*.py")
        if builds.search(path.read_text()) and path.name != "list_state.py"
    ]
    assert built == []
