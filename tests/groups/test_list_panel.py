"""The list's filter panel is kept per account, custom fields and query (issue 15 item 5):
kept, it is still the panel of this member's account and of this query."""

import pytest

from tests.sandbox_harness import ADMIN_EMAIL, OTHER_ACCOUNT_EMAIL

pytestmark = pytest.mark.django_db


def _panel(page_html: str) -> str:
    start = page_html.index('<form id="group-filters"')
    return page_html[start : page_html.index("</form>", start)]


def test_a_kept_panel_is_the_one_of_this_query(connect, make_member, login):
    member = make_member("viewer")
    connect(member, ADMIN_EMAIL)
    client = login(member)
    first = _panel(client.get("/groups/", {"matching": "acme"}).text)
    second = _panel(client.get("/groups/", {"matching": "beta"}).text)
    assert 'value="acme"' in first and 'value="beta"' not in first
    assert 'value="beta"' in second and 'value="acme"' not in second
    assert _panel(client.get("/groups/", {"matching": "acme"}).text) == first


def test_a_kept_panel_is_the_one_of_this_account(connect, make_member, login):
    acme, globex = make_member("viewer"), make_member("viewer")
    connect(acme, ADMIN_EMAIL)
    connect(globex, OTHER_ACCOUNT_EMAIL)
    acme_panel = _panel(login(acme).get("/groups/").text)
    globex_panel = _panel(login(globex).get("/groups/").text)
    assert "Custom fields" in acme_panel
    assert acme_panel != globex_panel
    assert _panel(login(acme).get("/groups/").text) == acme_panel
