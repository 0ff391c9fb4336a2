"""Two list behaviours pinned (issue 14, tests that must exist): a custom date filter with
only an end date is sent upstream, and page 2 says which rows it shows."""

from tests.groups.browse_fixtures import (  # noqa: F401 (fixtures)
    browsing_fixture,
    listed_ids,
    seeded_fixture,
)


def test_a_custom_date_filter_with_only_an_end_date_is_sent_upstream(browsing, seeded):
    field_id = seeded.fields["Contract start"].id

    body = browsing.get(htmx=True, **{f"cf_{field_id}_to": "2024-06-30"}).content.decode()

    answer = browsing.api(
        by_custom_date_value=f"{field_id}::2024-06-30", order="name:asc", per_page=20
    )
    assert 0 < answer["count"] < seeded.total  # the filter narrows: it reached Kantata
    assert f"{answer['count']} group" in body
    assert listed_ids(body) == [entry["id"] for entry in answer["results"]]


def test_page_two_says_it_shows_rows_21_to_40(browsing, seeded):
    body = browsing.get(page="2").content.decode()

    assert f"Showing 21\u201340 of {seeded.total}." in body  # an en dash
    assert listed_ids(body) == browsing.api_ids(page=2, per_page=20)
