"""The response envelope, paging, only, order, include and errors of the list endpoints."""

import re

import pytest
import requests

from tests.sandbox.helpers import ids

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
ALL_INCLUDES = "workspaces,rate_card_sets,external_references"
OAUTH_ERROR = {"errors": [{"type": "oauth", "message": "Invalid OAuth 2 Request"}]}


def groups_url(sandbox) -> str:
    return f"{sandbox.api_url}/workspace_groups.json"


def test_answers_are_compact_utf8_json_as_the_real_service_writes_them(sandbox, admin, unique_name):
    name = f"{unique_name} Zürich / Ōsaka"
    created = admin.post(groups_url(sandbox), json={"workspace_group": {"name": name}})
    pk = created.json()["results"][0]["id"]
    admin.delete(f"{sandbox.api_url}/workspace_groups/{pk}.json")
    assert created.content.startswith(b'{"count":1,"results":[{"key":"workspace_groups","id":"')
    assert name.encode() in created.content
    assert created.headers["Content-Type"] == "application/json; charset=utf-8"


def test_list_answers_the_documented_envelope(sandbox, readonly_api):
    body = readonly_api.get(groups_url(sandbox)).json()
    assert set(body) == {"count", "results", "workspace_groups", "meta"}
    assert body["meta"] == {
        "count": body["count"],
        "page_count": -(-body["count"] // 20),
        "page_number": 1,
        "page_size": 20,
    }
    assert len(body["results"]) == 20
    for result in body["results"]:
        assert result["key"] == "workspace_groups"
        group = body["workspace_groups"][result["id"]]
        assert group["id"] == result["id"] and isinstance(group["id"], str)
        assert set(group) == {
            "id",
            "name",
            "notes",
            "company",
            "contact_name",
            "email",
            "phone_number",
            "address",
            "website",
            "created_at",
            "updated_at",
        }
        assert TIMESTAMP.match(group["created_at"]) and TIMESTAMP.match(group["updated_at"])


def test_timestamps_carry_the_account_time_zone_offset(sandbox, admin, outsider):
    acme = admin.get(groups_url(sandbox)).json()
    globex = outsider.get(groups_url(sandbox)).json()
    assert all(
        g["created_at"][-6:] in ("-07:00", "-08:00") for g in acme["workspace_groups"].values()
    )
    assert all(
        g["created_at"][-6:] in ("+00:00", "+01:00") for g in globex["workspace_groups"].values()
    )


def test_empty_text_is_null_when_never_set_and_empty_when_cleared(sandbox, admin):
    """Recorded: "Never-set text fields are `null`, cleared ones `""`" - in one real page
    most empties were null and a few "", so the demo data holds both, in every field."""
    groups = admin.get(groups_url(sandbox), params={"per_page": 200}).json()["workspace_groups"]
    for name in ("notes", "contact_name", "email", "phone_number", "address", "website"):
        seen = [g[name] for g in groups.values()]
        assert seen.count(None) > seen.count("") > 0, name
    internal = [g for g in groups.values() if not g["company"]]
    assert internal and all(g["contact_name"] in (None, "") for g in internal)


def test_the_default_order_is_name_ascending_case_insensitively(sandbox, admin):
    body = admin.get(groups_url(sandbox), params={"per_page": 200}).json()
    names = [body["workspace_groups"][i]["name"].lower() for i in ids(body)]
    assert names == sorted(names)


@pytest.mark.parametrize("field", ["name", "created_at", "updated_at"])
@pytest.mark.parametrize("direction", ["asc", "desc", "DESC", "Asc", "down"])
def test_every_valid_order_sorts_the_results(sandbox, readonly_api, field, direction):
    """Recorded (Brainstem) `order`: only the exact word `desc` sorts descending; any
    other direction (`DESC` included) sorts ascending."""
    body = readonly_api.get(
        groups_url(sandbox), params={"order": f"{field}:{direction}", "per_page": 100}
    ).json()
    values = [body["workspace_groups"][i][field] for i in ids(body)]
    values = [v.lower() for v in values] if field == "name" else values
    reverse = direction == "desc"
    if field == "name":
        assert values == sorted(values, reverse=reverse)
        assert values != sorted(values, reverse=not reverse)
    else:  # same offset within a page is not guaranteed: compare as instants
        from datetime import datetime

        instants = [datetime.fromisoformat(v) for v in values]
        assert instants == sorted(instants, reverse=reverse)
        assert instants != sorted(instants, reverse=not reverse)


@pytest.mark.parametrize("order", ["title:asc", "id:desc", "nonsense", "name", "name:up"])
def test_an_unknown_order_falls_back_to_the_default_order(sandbox, readonly_api, order):
    """Recorded (Brainstem): an unknown `order` field falls back to the default order
    (`name:asc` here); a known field with no or another direction sorts ascending.
    (Was a 400 before issue 7.)"""
    default = readonly_api.get(groups_url(sandbox), params={"per_page": 50}).json()
    response = readonly_api.get(groups_url(sandbox), params={"order": order, "per_page": 50})
    assert response.status_code == 200
    assert ids(response.json()) == ids(default)


def test_pages_follow_each_other_without_overlap(sandbox, readonly_api):
    first = readonly_api.get(groups_url(sandbox), params={"per_page": 7, "page": 1}).json()
    second = readonly_api.get(groups_url(sandbox), params={"per_page": 7, "page": 2}).json()
    both = readonly_api.get(groups_url(sandbox), params={"per_page": 14}).json()
    assert ids(first) + ids(second) == ids(both)
    assert second["meta"]["page_number"] == 2 and second["meta"]["page_size"] == 7


def test_limit_and_offset_override_page_and_per_page(sandbox, readonly_api):
    window = readonly_api.get(
        groups_url(sandbox), params={"limit": 5, "offset": 3, "page": 9, "per_page": 2}
    ).json()
    reference = readonly_api.get(groups_url(sandbox), params={"per_page": 8}).json()
    assert ids(window) == ids(reference)[3:8]
    assert window["meta"]["page_size"] == 5


def test_limit_without_offset_is_ignored(sandbox, readonly_api):
    body = readonly_api.get(groups_url(sandbox), params={"limit": 5}).json()
    assert len(body["results"]) == 20


def test_a_page_past_the_end_is_empty_but_keeps_the_count(sandbox, readonly_api):
    body = readonly_api.get(groups_url(sandbox), params={"page": 999}).json()
    assert body["results"] == [] and body["count"] > 0


@pytest.mark.parametrize(
    "params",
    [
        {"created_after": "yesterday"},
        {"updated_before": "2020-13-45"},
        {"companies_only": "maybe"},
        {"has_external_references": "sometimes"},
        {"external_reference_service_model_ref": "abc"},
        {"has_value_for_custom_field_ids": "a"},
        {"search": "acme"},
    ],
)
def test_bad_parameters_are_400_system_errors(sandbox, readonly_api, params):
    """Filters stay strict (paging, `only`, `include` and `order` are lenient: see
    test_lenient_rules.py)."""
    response = readonly_api.get(groups_url(sandbox), params=params)
    assert response.status_code == 400, response.text
    [error] = response.json()["errors"]
    assert error["type"] == "system" and error["message"]


def test_search_is_reported_as_unavailable_on_workspace_groups(sandbox, readonly_api):
    response = readonly_api.get(groups_url(sandbox), params={"search": "acme"})
    assert "search is unavailable" in response.json()["errors"][0]["message"]


def test_per_page_200_is_a_page_of_200(sandbox, readonly_api):
    body = readonly_api.get(groups_url(sandbox), params={"per_page": 200}).json()
    assert len(body["results"]) == len(body["workspace_groups"]) == 200
    assert body["meta"]["page_size"] == 200
    assert body["meta"]["page_count"] == -(-body["count"] // 200)


def test_only_returns_just_those_ids(sandbox, readonly_api):
    some = ids(readonly_api.get(groups_url(sandbox), params={"per_page": 5}).json())[1:4]
    body = readonly_api.get(groups_url(sandbox), params={"only": ",".join(some)}).json()
    assert sorted(ids(body)) == sorted(some) and body["count"] == 3


def test_includes_add_id_lists_and_top_level_objects(sandbox, admin):
    body = admin.get(groups_url(sandbox), params={"include": ALL_INCLUDES, "per_page": 200}).json()
    for key in ("workspaces", "rate_card_sets", "external_references"):
        assert body[key], key
    for group in body["workspace_groups"].values():
        for ids_field, key in (
            ("workspace_ids", "workspaces"),
            ("rate_card_set_ids", "rate_card_sets"),
            ("external_reference_ids", "external_references"),
        ):
            assert all(isinstance(i, str) and i in body[key] for i in group[ids_field])
    ref = next(iter(body["external_references"].values()))
    assert ref["subject_type"] == "WorkspaceGroup" and ref["status"] in (
        "pending",
        "successful",
        "failed",
    )


def test_id_lists_appear_only_with_their_include(sandbox, readonly_api):
    body = readonly_api.get(groups_url(sandbox), params={"include": "rate_card_sets"}).json()
    group = next(iter(body["workspace_groups"].values()))
    assert "rate_card_set_ids" in group and "workspace_ids" not in group
    assert "workspaces" not in body


def test_optional_fields_add_fields_and_unknown_ones_are_ignored(sandbox, admin, readonly_api):
    params = {"optional_fields": "can_edit,nonsense", "per_page": 1}
    [admin_group] = (
        admin.get(groups_url(sandbox), params=params).json()["workspace_groups"].values()
    )
    [viewer_group] = (
        readonly_api.get(groups_url(sandbox), params=params).json()["workspace_groups"].values()
    )
    assert admin_group["can_edit"] is True and viewer_group["can_edit"] is False
    assert "nonsense" not in admin_group


def test_show_answers_the_envelope_with_count_one(sandbox, readonly_api):
    some = ids(readonly_api.get(groups_url(sandbox), params={"per_page": 1}).json())[0]
    for suffix in (".json", ""):
        response = readonly_api.get(
            f"{sandbox.api_url}/workspace_groups/{some}{suffix}", params={"include": "workspaces"}
        )
        body = response.json()
        assert response.status_code == 200 and body["count"] == 1
        assert body["results"] == [{"key": "workspace_groups", "id": some}]
        assert "workspace_ids" in body["workspace_groups"][some]


def test_paths_work_without_the_json_suffix(sandbox, readonly_api):
    bare = readonly_api.get(f"{sandbox.api_url}/workspace_groups")
    assert bare.status_code == 200
    assert bare.json() == readonly_api.get(groups_url(sandbox)).json()


def test_showing_a_missing_group_is_404(sandbox, readonly_api):
    response = readonly_api.get(f"{sandbox.api_url}/workspace_groups/999999999.json")
    assert response.status_code == 404
    assert response.json()["errors"][0]["type"] == "system"


def test_another_accounts_group_is_404_and_never_listed(sandbox, admin, outsider):
    theirs = ids(outsider.get(groups_url(sandbox), params={"per_page": 200}).json())
    ours = ids(admin.get(groups_url(sandbox), params={"per_page": 200}).json())
    assert theirs and not set(theirs) & set(ours)
    assert admin.get(f"{sandbox.api_url}/workspace_groups/{theirs[0]}.json").status_code == 404
    only = admin.get(groups_url(sandbox), params={"only": ",".join(theirs[:3])}).json()
    assert only["count"] == 0


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": "Basic Zm9vOmJhcg=="},
        {"Authorization": "Bearer"},
    ],
)
def test_missing_or_bad_tokens_get_the_documented_oauth_error(sandbox, headers):
    response = requests.get(groups_url(sandbox), headers=headers)
    assert response.status_code == 401
    assert response.json() == OAUTH_ERROR


def test_unknown_api_paths_are_json_404s(sandbox, readonly_api):
    response = readonly_api.get(f"{sandbox.api_url}/no_such_things.json")
    assert response.status_code == 404 and response.json()["errors"][0]["type"] == "system"
