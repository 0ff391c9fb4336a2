"""The group list: full page and fragment, filters, sort and paging, the one-request rule,
and upstream failures, against the sandbox over HTTP."""

from tests.groups.browse_fixtures import browsing_fixture, listed_ids  # noqa: F401 (fixture)


def test_full_page_lists_the_first_page_the_api_returns(browsing):
    response = browsing.get()
    assert response.status_code == 200
    body = response.content.decode()
    assert listed_ids(body) == browsing.api_ids(order="name:asc", per_page=20)
