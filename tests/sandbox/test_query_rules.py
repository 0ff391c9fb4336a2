"""Query parameters the seed spells out, read as it says: ids, paging, booleans, search,
custom-filter syntax and the external reference status values."""

import pytest

from tests.sandbox.helpers import every_page, group_fields, ids

BIG = 2**63  # one past the largest bigint id


def groups_url(sandbox) -> str:
    return f"{sandbox.api_url}/workspace_groups.json"


def matching(sandbox, session, **params) -> set[str]:
    return set(ids(every_page(session, groups_url(sandbox), **params)))


@pytest.fixture(scope="module")
def fields(sandbox, admin):
    return group_fields(admin, sandbox.api_url)


def assert_system_400(response) -> None:
    assert response.status_code == 400, response.text
    [error] = response.json()["errors"]
    assert error["type"] == "system" and error["message"]


# --- ids beyond a bigint -------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("workspace_groups", {"has_value_for_custom_field_ids": str(BIG)}),
        ("workspace_groups", {"by_custom_text_value": f"{BIG}:x"}),
        ("workspace_groups", {"by_custom_choice_value": f"1:{BIG}"}),
        ("workspaces", {"workspace_groups": str(BIG * 1000)}),
        ("custom_field_values", {"subject_type": "workspace_group", "with_subject_id": str(BIG)}),
        (
            "custom_field_values",
            {"subject_type": "workspace_group", "with_custom_field_id": str(BIG)},
        ),
        ("custom_field_choices", {"for_custom_fields": str(BIG)}),
        ("external_references", {"with_subject_id": str(BIG)}),
    ],
)
def test_query_ids_outside_the_bigint_range_are_400_system_errors(sandbox, admin, path, params):
    assert_system_400(admin.get(f"{sandbox.api_url}/{path}.json", params=params))


def test_the_largest_bigint_id_is_a_valid_id(sandbox, admin):
    response = admin.get(groups_url(sandbox), params={"only": str(BIG - 1)})
    assert response.status_code == 200 and response.json()["count"] == 0


def test_a_workspace_path_id_beyond_a_bigint_is_a_json_404(sandbox, admin):
    response = admin.get(f"{sandbox.api_url}/workspaces/{BIG}.json")
    assert response.status_code == 404 and response.json()["errors"][0]["type"] == "system"


# --- limit and offset come as a pair -------------------------------------------------


@pytest.mark.parametrize(
    "params", [{"limit": "abc"}, {"limit": 0}, {"offset": -5}, {"offset": "x"}, {"limit": 999}]
)
def test_a_lone_limit_or_offset_is_ignored_not_validated(sandbox, readonly_api, params):
    response = readonly_api.get(groups_url(sandbox), params=params)
    assert response.status_code == 200, response.text
    assert response.json()["meta"]["page_size"] == 20 and len(response.json()["results"]) == 20


def test_a_lone_offset_falls_back_to_page_and_per_page(sandbox, readonly_api):
    plain = readonly_api.get(groups_url(sandbox), params={"page": 2, "per_page": 5}).json()
    with_offset = readonly_api.get(
        groups_url(sandbox), params={"page": 2, "per_page": 5, "offset": 40}
    ).json()
    assert ids(with_offset) == ids(plain)


# --- booleans ------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["on", "YES", "t", "True", "1"])
def test_query_booleans_accept_the_rails_true_spellings(sandbox, readonly_api, spelling):
    expected = matching(sandbox, readonly_api, companies_only="true")
    assert matching(sandbox, readonly_api, companies_only=spelling) == expected


@pytest.mark.parametrize("spelling", ["off", "NO", "f", "False", "0"])
def test_query_booleans_accept_the_rails_false_spellings(sandbox, readonly_api, spelling):
    expected = matching(sandbox, readonly_api, has_external_references="false")
    assert matching(sandbox, readonly_api, has_external_references=spelling) == expected


# --- search and only -----------------------------------------------------------------


def test_search_is_ignored_on_an_only_request_for_workspace_groups(sandbox, readonly_api):
    some = ids(readonly_api.get(groups_url(sandbox), params={"per_page": 3}).json())
    response = readonly_api.get(
        groups_url(sandbox), params={"only": ",".join(some), "search": "zzz-matches-nothing"}
    )
    assert response.status_code == 200, response.text
    assert sorted(ids(response.json())) == sorted(some)


def test_search_alone_stays_unavailable_on_workspace_groups(sandbox, readonly_api):
    response = readonly_api.get(groups_url(sandbox), params={"search": "acme", "only": ""})
    assert_system_400(response)
    assert "search is unavailable" in response.json()["errors"][0]["message"]


def test_search_is_ignored_on_an_only_request_for_workspaces(sandbox, admin):
    spaces = f"{sandbox.api_url}/workspaces.json"
    some = ids(admin.get(spaces, params={"per_page": 2}).json())
    body = admin.get(spaces, params={"only": ",".join(some), "search": "zzz-nothing"}).json()
    assert sorted(ids(body)) == sorted(some)


# --- custom filter syntax ------------------------------------------------------------


def test_a_trailing_semicolon_in_a_custom_filter_is_tolerated(sandbox, admin, fields):
    tier = fields["Account tier"]["id"]
    plain = matching(sandbox, admin, by_custom_text_value=f"{tier}:Gold")
    assert plain
    assert matching(sandbox, admin, by_custom_text_value=f"{tier}:Gold;") == plain
    assert matching(sandbox, admin, by_custom_text_value=f"({tier}:Gold);") == plain


@pytest.mark.parametrize(
    "day", ["20240821", "2024-W34-3", "2024-W34", "2024-234", "24-08-21", "2024-8-21"]
)
def test_custom_filter_dates_must_be_yyyy_mm_dd(sandbox, admin, fields, day):
    started = fields["Contract start"]["id"]
    response = admin.get(groups_url(sandbox), params={"by_custom_date_value": f"{started}:{day}"})
    assert_system_400(response)


# --- external reference status -------------------------------------------------------


def test_the_seeds_fail_status_is_an_alias_of_failed(sandbox, admin):
    failed = matching(sandbox, admin, external_reference_status="failed")
    assert failed
    assert matching(sandbox, admin, external_reference_status="fail") == failed
