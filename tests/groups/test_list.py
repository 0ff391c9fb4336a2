"""The group list: full page and fragment, every filter, sort and paging, the one-request
rule, and upstream failures, against the sandbox over HTTP."""

import html
import re
from datetime import timedelta

import pytest
import requests

from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.services import connection_save_checked
from kantata_admin.groups import selectors
from kantata_admin.groups.views import upstream_problem
from kantata_admin.kantata import (
    BadRequest,
    ConnectionFailed,
    ErrorDetail,
    MalformedResponse,
    PermissionDenied,
    RateLimited,
    ServiceUnavailable,
    Timeout,
    track_calls,
)
from tests.groups.browse_fixtures import (  # noqa: F401 (fixtures)
    browsing_fixture,
    listed_ids,
    listed_names,
    seeded_fixture,
)
from tests.sandbox_harness import (
    ADMIN_EMAIL,
    DASHBOARD_CLIENT_ID,
    DASHBOARD_CLIENT_SECRET,
    EDITOR_EMAIL,
    IMPATIENT_TIMEOUT,
    LATE_MS,
    READONLY_EMAIL,
)


def _count_heading(body: str) -> int:
    match = re.search(r'<h2 id="results-heading">\s*(\d+) groups?', body)
    assert match, "no result count on the page"
    return int(match.group(1))


# --- full page and fragment --------------------------------------------------------------


def test_full_page_lists_the_first_page_the_api_returns(browsing):
    response = browsing.get()

    assert response.status_code == 200
    body = response.content.decode()
    answer = browsing.api(order="name:asc", per_page=20)
    assert listed_ids(body) == [entry["id"] for entry in answer["results"]]
    assert _count_heading(body) == answer["count"]
    assert "<html" in body and 'id="group-filters"' in body


def test_fragment_is_only_the_results_and_pushes_the_short_address(browsing):
    response = browsing.get(htmx=True, matching="a", companies_only="", page="")

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and 'id="group-filters"' not in body
    assert body.lstrip().startswith('<section id="results"')
    assert listed_ids(body) == browsing.api_ids(matching="a", order="name:asc")
    assert "HX-Request" in response["Vary"]
    # Empty fields of the form are left out of the address bar.
    assert response["HX-Push-Url"] == "/groups/?matching=a"


def test_history_restore_gets_the_full_page(browsing):
    response = browsing.client.get(
        "/groups/",
        {"matching": "a"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )

    body = response.content.decode()
    assert "<html" in body and 'id="group-filters"' in body
    assert 'value="a"' in body
    assert "hx-swap-oob" not in body


def test_plain_submit_with_empty_fields_redirects_to_the_short_address(browsing):
    response = browsing.client.get(
        "/groups/", {"matching": "", "companies_only": "on", "created_after": ""}
    )

    assert response.status_code == 302
    assert response["Location"] == "/groups/?companies_only=on"


# --- every filter ------------------------------------------------------------------------


def _filter_cases(seeded) -> list[tuple[str, dict, dict]]:
    """(name, the page's query, the same query as the API takes it)."""
    f, ref = seeded.fields, seeded.reference
    year_before = seeded.middle_updated - timedelta(days=365)
    industry, services = f["Industry"], f["Services"]
    return [
        ("matching", {"matching": seeded.name_part}, {"matching": seeded.name_part}),
        ("companies only", {"companies_only": "on"}, {"companies_only": "true"}),
        (
            "created after",
            {"created_after": seeded.middle_created.strftime("%Y-%m-%dT%H:%M")},
            {"created_after": seeded.middle_created.strftime("%Y-%m-%dT%H:%M:00+00:00")},
        ),
        (
            "created before",
            {"created_before": seeded.middle_created.strftime("%Y-%m-%dT%H:%M")},
            {"created_before": seeded.middle_created.strftime("%Y-%m-%dT%H:%M:00+00:00")},
        ),
        (
            "updated window",
            {
                "updated_after": year_before.strftime("%Y-%m-%dT%H:%M"),
                "updated_before": seeded.middle_updated.strftime("%Y-%m-%dT%H:%M"),
            },
            {
                "updated_after": year_before.strftime("%Y-%m-%dT%H:%M:00+00:00"),
                "updated_before": seeded.middle_updated.strftime("%Y-%m-%dT%H:%M:00+00:00"),
            },
        ),
        ("only", {"only": ", ".join(seeded.some_ids)}, {"only": ",".join(seeded.some_ids)}),
        (
            "no references",
            {"has_external_references": "false"},
            {"has_external_references": "false"},
        ),
        (
            "has references",
            {"has_external_references": "true"},
            {"has_external_references": "true"},
        ),
        (
            "reference service and status",
            {"external_reference_service_name": "salesforce", "external_reference_status": "fail"},
            {"external_reference_service_name": "salesforce", "external_reference_status": "fail"},
        ),
        (
            "reference model and external status",
            {
                "external_reference_service_model": ref["service_model"],
                "external_reference_external_status": ref["external_status"],
            },
            {
                "external_reference_service_model": ref["service_model"],
                "external_reference_external_status": ref["external_status"],
            },
        ),
        (
            "reference external message",
            {"external_reference_external_message": "Sync failed: rate limited"},
            {"external_reference_external_message": "Sync failed: rate limited"},
        ),
        (
            "one external id",
            {"external_reference_service_model_ref": ref["service_model_ref"]},
            {"external_reference_service_model_ref": ref["service_model_ref"]},
        ),
        (
            "external ids",
            {"external_reference_service_model_refs": f"{ref['service_model_ref']}, 1234567"},
            {"external_reference_service_model_refs": f"{ref['service_model_ref']},1234567"},
        ),
        (
            "without a service",
            {"without_external_reference_service_name": "hubspot"},
            {"without_external_reference_service_name": "hubspot"},
        ),
        (
            "has value for",
            {"has_value_for_custom_field_ids": [f["Account tier"].id, f["Employees"].id]},
            {"has_value_for_custom_field_ids": f"{f['Account tier'].id},{f['Employees'].id}"},
        ),
        (
            "choice with blank",
            {f"cf_{industry.id}": [industry.choices[0][0], "blank"]},
            {"by_custom_choice_value": f"{industry.id}:{industry.choices[0][0]},blank"},
        ),
        (
            "two choice fields",
            {
                f"cf_{industry.id}": [industry.choices[1][0]],
                f"cf_{services.id}": [services.choices[0][0], services.choices[2][0]],
            },
            {
                "by_custom_choice_value": f"({industry.id}:{industry.choices[1][0]}):"
                f"({services.id}:{services.choices[0][0]},{services.choices[2][0]})"
            },
        ),
        (
            "text",
            {f"cf_{f['Account tier'].id}": "Gold"},
            {"by_custom_text_value": f"{f['Account tier'].id}:Gold"},
        ),
        (
            "number and text together",
            {f"cf_{f['Employees'].id}": "40", f"cf_{f['Account tier'].id}": "silver"},
            {
                "by_custom_number_value": f"{f['Employees'].id}:40",
                "by_custom_text_value": f"{f['Account tier'].id}:silver",
            },
        ),
        (
            "currency with code",
            {
                f"cf_{f['Annual revenue'].id}": seeded.revenue_amount,
                f"cf_{f['Annual revenue'].id}_currency": seeded.revenue_currency.lower(),
            },
            {
                "by_custom_currency_value": f"{f['Annual revenue'].id}:{seeded.revenue_amount}:"
                f"{seeded.revenue_currency}"
            },
        ),
        (
            "currency without code",
            {f"cf_{f['Annual revenue'].id}": seeded.revenue_amount},
            {"by_custom_currency_value": f"{f['Annual revenue'].id}:{seeded.revenue_amount}"},
        ),
        (
            "date range",
            {
                f"cf_{f['Contract start'].id}_from": "2024-03-01",
                f"cf_{f['Contract start'].id}_to": "2024-09-30",
            },
            {"by_custom_date_value": f"{f['Contract start'].id}:2024-03-01:2024-09-30"},
        ),
        (
            "date from only",
            {f"cf_{f['Contract start'].id}_from": "2025-06-01"},
            {"by_custom_date_value": f"{f['Contract start'].id}:2025-06-01"},
        ),
    ]


FILTER_CASE_NAMES = [
    "matching",
    "companies only",
    "created after",
    "created before",
    "updated window",
    "only",
    "no references",
    "has references",
    "reference service and status",
    "reference model and external status",
    "reference external message",
    "one external id",
    "external ids",
    "without a service",
    "has value for",
    "choice with blank",
    "two choice fields",
    "text",
    "number and text together",
    "currency with code",
    "currency without code",
    "date range",
    "date from only",
]


@pytest.mark.parametrize("case", FILTER_CASE_NAMES)
def test_each_filter_narrows_to_what_the_api_returns(browsing, seeded, case):
    cases = {name: (page, api) for name, page, api in _filter_cases(seeded)}
    page_query, api_query = cases[case]

    response = browsing.get(htmx=True, **page_query)

    body = response.content.decode()
    assert response.status_code == 200, body
    answer = browsing.api(**api_query, order="name:asc", per_page=20)
    assert 0 < answer["count"] < seeded.total, f"{case} does not narrow the seeded data"
    assert _count_heading(body) == answer["count"]
    assert listed_ids(body) == [entry["id"] for entry in answer["results"]]


def test_sort_page_and_page_size_follow_the_api(browsing):
    query = {"order": "updated_at:desc", "page": "2", "per_page": "50"}

    body = browsing.get(**query).content.decode()

    assert listed_ids(body) == browsing.api_ids(order="updated_at:desc", page=2, per_page=50)
    assert 'aria-sort="descending"' in body
    assert 'aria-current="page">2<' in body
    # The header flips the direction; the pager keeps the other options.
    assert 'href="?order=updated_at%3Aasc&amp;per_page=50"' in body
    assert 'href="?order=updated_at%3Adesc&amp;page=3&amp;per_page=50"' in body


def test_a_group_name_with_markup_shows_as_text(browsing, seeded):
    body = browsing.get(only=seeded.markup_group_id).content.decode()

    assert listed_names(body) == [seeded.markup_name]
    assert "<img src=x" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body


def test_a_page_beyond_the_last_offers_the_first(browsing):
    body = browsing.get(matching="a", page="999").content.decode()

    assert listed_ids(body) == []
    assert "There is no page 999" in body
    assert "Go to the first page" in body


def test_no_match_shows_the_empty_state_with_clear_filters(browsing):
    body = browsing.get(matching="no group is called this", per_page="50").content.decode()

    assert "No workspace groups match these filters" in body
    # Clearing keeps the list's own options.
    assert 'href="/groups/?per_page=50">Clear filters' in body


# --- refused values ----------------------------------------------------------------------


def test_a_value_the_form_refuses_is_shown_on_its_field_and_never_sent(browsing, seeded):
    browsing.get()  # the custom-field definitions are cached from here on
    tier = seeded.fields["Account tier"].id
    query = {
        "matching": "kept",
        "created_after": "last tuesday",
        "only": "12, twelve",
        f"cf_{tier}": "a:b",
    }

    with track_calls() as calls:
        response = browsing.get(**query)

    assert calls.count == 0
    assert response.status_code == 400
    body = html.unescape(response.content.decode())
    assert "Enter a valid date/time." in body
    assert "'twelve' is not one" in body
    assert "This filter cannot search for : ; ( or )." in body
    assert 'value="kept"' in body and 'value="last tuesday"' in body
    assert 'aria-invalid="true"' in body


def test_a_refused_value_in_a_fragment_updates_the_field_error_out_of_band(browsing):
    body = browsing.get(htmx=True, created_after="soon").content.decode()

    assert '<div id="id_created_after_errors" class="field-errors" hx-swap-oob="true">' in body
    assert "Enter a valid date/time." in body
    assert 'href="#id_created_after"' in body


# --- upstream requests per render ---------------------------------------------------------


def test_two_upstream_requests_per_list_render_with_a_custom_column(browsing, seeded):
    industry = seeded.fields["Industry"].id
    query = {"include": ["workspaces", "external_references"], "columns": [industry]}
    browsing.get()  # fills the custom-field cache

    with track_calls() as full:
        full_body = browsing.get(**query).content.decode()
    with track_calls() as fragment:
        browsing.get(htmx=True, **query, page="2")

    # The page, and the values of the custom field shown, read as Kantata documents them.
    both = ["/workspace_groups.json", "/custom_field_values.json"]
    assert [call.path for call in full.calls] == both
    assert [call.path for call in fragment.calls] == both
    assert '<th scope="col">\n                \n                Workspaces' in full_body or (
        ">Workspaces<" in full_body.replace("\n", "").replace(" ", "")
    )


def test_custom_columns_show_the_values_of_the_same_call(browsing, seeded):
    industry = seeded.fields["Industry"]
    answer = browsing.api(order="name:asc", per_page=20)
    values = browsing.api(
        "/custom_field_values.json",
        subject_type="workspace_group",
        with_custom_field_id=industry.id,
        with_subject_id=",".join(entry["id"] for entry in answer["results"]),
    )
    expected = {
        str(value["subject_id"]): value["display_value"]
        for value in values["custom_field_values"].values()
    }

    body = browsing.get(columns=[industry.id]).content.decode()

    cells = re.findall(r'<td data-label="Industry">\s*(.*?)\s*</td>', body, re.S)
    ids = listed_ids(body)
    assert len(cells) == len(ids) == 20
    assert dict(zip(ids, cells, strict=True)) == {i: expected.get(i, "") for i in ids}
    assert any(cells)


def test_custom_field_definitions_are_cached_then_revalidated(browsing, monkeypatch):
    with track_calls() as first:
        browsing.get()
    with track_calls() as cached:
        browsing.get()
    monkeypatch.setattr(selectors, "CUSTOM_FIELDS_FRESH_SECONDS", 0)
    with track_calls() as revalidated:
        body = browsing.get().content.decode()

    assert [c.path for c in first.calls] == ["/custom_fields.json", "/workspace_groups.json"]
    assert [c.path for c in cached.calls] == ["/workspace_groups.json"]
    assert [(c.path, c.status) for c in revalidated.calls] == [
        ("/custom_fields.json", 304),
        ("/workspace_groups.json", 200),
    ]
    assert "Contract start" in body  # the kept definitions still build the panel


# --- upstream failures -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "title"),
    [("503", "Kantata OX is unavailable"), ("429", "Kantata OX is busy")],
)
def test_upstream_failure_shows_inline_above_the_kept_filters(browsing, kind, title):
    browsing.get()  # cached definitions: the failing call is the list itself
    browsing.sandbox.fault(browsing.token, kind=kind, count=4)

    response = browsing.get(matching="acme", per_page="50")

    body = response.content.decode()
    assert response.status_code == int(kind)
    assert title in body
    assert 'value="acme"' in body
    assert 'id="retry" href="/groups/?matching=acme&amp;per_page=50"' in body
    assert listed_ids(body) == []
    # The retry works once Kantata answers again.
    retried = browsing.get(htmx=True, matching="acme", per_page="50").content.decode()
    assert listed_ids(retried) == browsing.api_ids(matching="acme", per_page=50)


def test_upstream_failure_in_a_fragment_is_swapped_in(browsing):
    browsing.get()
    browsing.sandbox.fault(browsing.token, kind="503", count=4)

    response = browsing.get(htmx=True, matching="acme")

    assert response.status_code == 200  # htmx swaps only 2xx answers
    assert "Kantata OX is unavailable" in response.content.decode()


def test_a_slow_upstream_is_a_timeout_message(browsing, settings):
    browsing.get()
    settings.KANTATA_READ_TIMEOUT = IMPATIENT_TIMEOUT
    browsing.sandbox.fault(browsing.token, kind="delay", delay_ms=LATE_MS, count=4)

    response = browsing.get(matching="acme")

    assert response.status_code == 504
    assert "Kantata OX did not answer in time" in response.content.decode()
    browsing.sandbox.clear_faults(browsing.token)


def test_failing_custom_field_definitions_show_the_problem_and_keep_the_filters(browsing):
    browsing.sandbox.fault(browsing.token, kind="503", count=4)

    with track_calls() as calls:
        response = browsing.get(matching="acme")

    assert response.status_code == 503
    assert [c.path for c in calls.calls] == ["/custom_fields.json"] * 4
    assert 'value="acme"' in response.content.decode()


@pytest.mark.parametrize(
    ("error", "title", "status", "can_retry"),
    [
        (
            BadRequest("x", status=400, details=(ErrorDetail("system", "Bad filter."),)),
            "refused",
            400,
            False,
        ),
        (PermissionDenied("x", status=403), "does not allow", 403, False),
        (RateLimited("x", status=429, retry_after=7), "busy", 429, True),
        (ServiceUnavailable("x", status=503), "unavailable", 503, True),
        (Timeout("x"), "did not answer in time", 504, True),
        (ConnectionFailed("x"), "could not be reached", 503, True),
        (MalformedResponse("x", request_id="req-9"), "cannot read", 502, True),
    ],
)
def test_each_upstream_failure_has_its_wording(error, title, status, can_retry):
    problem = upstream_problem(error)

    assert title in problem.title
    assert (problem.status, problem.can_retry) == (status, can_retry)
    if isinstance(error, BadRequest):
        assert "Bad filter." in problem.message
    if isinstance(error, RateLimited):
        assert "about 7 seconds" in problem.message
    assert problem.request_id == error.request_id


def test_a_revoked_token_shows_the_reconnect_prompt(kantata_sandbox, make_member, login):
    member = make_member("viewer")
    answer = kantata_sandbox.token_answer()
    connection = connection_save_checked(member, TokenGrant(answer["access_token"]))
    requests.post(
        f"{kantata_sandbox.url}/oauth/revoke",
        data={
            "token": answer["access_token"],
            "client_id": DASHBOARD_CLIENT_ID,
            "client_secret": DASHBOARD_CLIENT_SECRET,
        },
        timeout=10,
    ).raise_for_status()

    body = login(member).get("/groups/", {"matching": "acme"}).content.decode()

    connection.refresh_from_db()
    assert connection.needs_reconnect
    assert "Reconnect" in body
    assert 'id="group-filters"' not in body


@pytest.mark.parametrize(
    ("role", "email"),
    [("viewer", READONLY_EMAIL), ("editor", EDITOR_EMAIL), ("admin", ADMIN_EMAIL)],
)
def test_every_role_browses(make_member, login, connect, role, email):
    member = make_member(role)
    connect(member, email=email)

    body = login(member).get("/groups/").content.decode()

    assert len(listed_ids(body)) == 20
