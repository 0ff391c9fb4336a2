"""Every workspace-group filter of the seed, checked against the data the API itself shows.

Expectations are computed from custom_field_values and included external references, so
groups created by other tests (without values) cannot make these flaky.
"""

from datetime import datetime

import pytest

from tests.sandbox.helpers import every_page, group_fields, ids, values_of


@pytest.fixture(scope="module")
def fields(sandbox, admin):
    return group_fields(admin, sandbox.api_url)


@pytest.fixture(scope="module")
def everything(sandbox, admin):
    """Every group of the first account, with its external references."""
    return every_page(
        admin, f"{sandbox.api_url}/workspace_groups.json", include="external_references"
    )


def matching(sandbox, session, **params) -> set[str]:
    return set(ids(every_page(session, f"{sandbox.api_url}/workspace_groups.json", **params)))


def all_ids(everything) -> set[str]:
    return set(ids(everything))


# --- custom field values -------------------------------------------------------------


def test_choice_filter_matches_any_listed_choice(sandbox, admin, fields):
    industry = fields["Industry"]
    wanted = [c["id"] for c in industry["choices"][:2]]
    values = values_of(admin, sandbox.api_url, industry["id"])
    expected = {g for g, v in values.items() if {str(c) for c in v["value"]} & set(wanted)}
    assert expected
    got = matching(sandbox, admin, by_custom_choice_value=f"{industry['id']}:{','.join(wanted)}")
    assert got == expected


def test_choice_filter_blank_matches_groups_without_a_value(sandbox, admin, fields, everything):
    industry = fields["Industry"]
    values = values_of(admin, sandbox.api_url, industry["id"])
    got = matching(sandbox, admin, by_custom_choice_value=f"{industry['id']}:blank")
    assert got == all_ids(everything) - set(values)


def test_choice_filters_on_two_fields_must_both_match(sandbox, admin, fields):
    industry, services = fields["Industry"], fields["Services"]
    first, service = industry["choices"][0]["id"], services["choices"][0]["id"]
    with_industry = {
        g
        for g, v in values_of(admin, sandbox.api_url, industry["id"]).items()
        if int(first) in v["value"]
    }
    with_service = {
        g
        for g, v in values_of(admin, sandbox.api_url, services["id"]).items()
        if int(service) in v["value"]
    }
    parenthesised = f"({industry['id']}:{first}):({services['id']}:{service})"
    semicolons = f"{industry['id']}:{first};{services['id']}:{service}"
    assert (
        matching(sandbox, admin, by_custom_choice_value=parenthesised)
        == with_industry & with_service
    )
    assert (
        matching(sandbox, admin, by_custom_choice_value=semicolons) == with_industry & with_service
    )


def test_text_filter_matches_exact_text_and_repeats_mean_any(sandbox, admin, fields):
    tier = fields["Account tier"]
    values = values_of(admin, sandbox.api_url, tier["id"])
    gold = {g for g, v in values.items() if v["value"] == "Gold"}
    silver = {g for g, v in values.items() if v["value"] == "Silver"}
    assert gold and silver
    assert matching(sandbox, admin, by_custom_text_value=f"{tier['id']}:Gold") == gold
    both = f"({tier['id']}:Gold):({tier['id']}:Silver)"
    assert matching(sandbox, admin, by_custom_text_value=both) == gold | silver


def test_a_bare_field_id_matches_every_group_with_a_value(sandbox, admin, fields):
    tier = fields["Account tier"]
    values = values_of(admin, sandbox.api_url, tier["id"])
    assert matching(sandbox, admin, by_custom_text_value=tier["id"]) == set(values)


def test_number_filter_matches_equal_numbers(sandbox, admin, fields):
    employees = fields["Employees"]
    values = values_of(admin, sandbox.api_url, employees["id"])
    expected = {g for g, v in values.items() if v["value"] == 40}
    assert expected
    assert matching(sandbox, admin, by_custom_number_value=f"({employees['id']}:40)") == expected


def test_currency_filter_matches_amount_and_optional_code(sandbox, admin, fields):
    revenue = fields["Annual revenue"]
    values = values_of(admin, sandbox.api_url, revenue["id"])
    group, value = next(iter(values.items()))
    # Values answer [amount_in_cents, "ISO"] (the spec); the filter takes the amount.
    cents, code = value["value"]
    amount = f"{cents / 100:.2f}"
    same_amount = {g for g, v in values.items() if v["value"][0] == cents}
    same_both = {g for g, v in values.items() if v["value"] == [cents, code]}
    assert group in same_both
    assert (
        matching(sandbox, admin, by_custom_currency_value=f"{revenue['id']}:{amount}")
        == same_amount
    )
    with_code = f"({revenue['id']}:{amount}:{code})"
    assert matching(sandbox, admin, by_custom_currency_value=with_code) == same_both
    other_code = "JPY"
    assert (
        matching(
            sandbox, admin, by_custom_currency_value=f"({revenue['id']}:{amount}:{other_code})"
        )
        == set()
    )


@pytest.mark.parametrize(
    "start,end", [("2024-03-01", "2024-09-30"), ("2025-01-01", ""), ("", "2024-02-15")]
)
def test_date_filter_matches_within_the_range(sandbox, admin, fields, start, end):
    contract = fields["Contract start"]
    values = values_of(admin, sandbox.api_url, contract["id"])
    expected = {
        g
        for g, v in values.items()
        if (not start or v["value"] >= start) and (not end or v["value"] <= end)
    }
    assert expected
    argument = f"{contract['id']}:{start}:{end}" if end else f"{contract['id']}:{start}"
    assert matching(sandbox, admin, by_custom_date_value=f"({argument})") == expected


def test_filters_for_fields_of_different_types_combine(sandbox, admin, fields):
    tier, employees = fields["Account tier"], fields["Employees"]
    gold = {
        g for g, v in values_of(admin, sandbox.api_url, tier["id"]).items() if v["value"] == "Gold"
    }
    forty = {
        g for g, v in values_of(admin, sandbox.api_url, employees["id"]).items() if v["value"] == 40
    }
    got = matching(
        sandbox,
        admin,
        by_custom_text_value=f"{tier['id']}:Gold",
        by_custom_number_value=f"{employees['id']}:40",
    )
    assert got == gold & forty


@pytest.mark.parametrize(
    "name,value",
    [
        ("by_custom_number_value", "1:abc"),
        ("by_custom_currency_value", "1:10:DOLLARS"),
        ("by_custom_date_value", "1:2014-13-01"),
        ("by_custom_date_value", "1::"),
        ("by_custom_choice_value", "1:red"),
        ("by_custom_text_value", "(1:a)(2:b)"),
        ("by_custom_text_value", "one:a"),
    ],
)
def test_malformed_custom_filters_are_system_errors(sandbox, readonly_api, name, value):
    response = readonly_api.get(f"{sandbox.api_url}/workspace_groups.json", params={name: value})
    assert response.status_code == 400
    assert response.json()["errors"][0]["type"] == "system"


def test_has_value_for_custom_field_ids_matches_any_listed_field(sandbox, admin, fields):
    tier, employees = fields["Account tier"], fields["Employees"]
    expected = set(values_of(admin, sandbox.api_url, tier["id"])) | set(
        values_of(admin, sandbox.api_url, employees["id"])
    )
    got = matching(sandbox, admin, has_value_for_custom_field_ids=f"{tier['id']},{employees['id']}")
    assert got == expected


# --- plain attributes ------------------------------------------------------------------


def test_companies_only_keeps_companies(sandbox, admin, everything):
    got = matching(sandbox, admin, companies_only="true")
    companies = {i for i, g in everything["workspace_groups"].items() if g["company"]}
    assert got == companies
    assert matching(sandbox, admin, companies_only="false") == all_ids(everything)


def test_matching_finds_names_containing_the_text_in_any_case(sandbox, admin, everything):
    expected = {i for i, g in everything["workspace_groups"].items() if "eng" in g["name"].lower()}
    assert expected
    assert matching(sandbox, admin, matching="ENG") == expected


@pytest.mark.parametrize("field", ["created", "updated"])
def test_created_and_updated_ranges(sandbox, admin, everything, field):
    stamps = {
        i: datetime.fromisoformat(g[f"{field}_at"])
        for i, g in everything["workspace_groups"].items()
    }
    low, high = (
        sorted(stamps.values())[len(stamps) // 4],
        sorted(stamps.values())[3 * len(stamps) // 4],
    )
    got = matching(
        sandbox,
        admin,
        **{f"{field}_after": low.isoformat(), f"{field}_before": high.isoformat()},
    )
    assert got == {i for i, t in stamps.items() if low < t < high}


def test_a_date_without_offset_is_read_in_the_account_time_zone(sandbox, admin):
    utc = matching(sandbox, admin, created_after="2024-06-01T00:00:00+00:00")
    local = matching(sandbox, admin, created_after="2024-06-01T00:00:00-07:00")
    plain = matching(sandbox, admin, created_after="2024-06-01T00:00:00")
    assert plain == local and local <= utc


# --- external references ---------------------------------------------------------------


def references_by_group(everything) -> dict[str, list[dict]]:
    refs = everything.get("external_references", {})
    return {
        i: [refs[r] for r in g["external_reference_ids"]]
        for i, g in everything["workspace_groups"].items()
    }


def expect(everything, predicate) -> set[str]:
    return {
        g for g, refs in references_by_group(everything).items() if any(predicate(r) for r in refs)
    }


@pytest.mark.parametrize(
    "param,field,value",
    [
        ("external_reference_service_name", "service_name", "salesforce"),
        ("external_reference_service_model", "service_model", "Company"),
        ("external_reference_status", "status", "failed"),
        ("external_reference_status", "status", "pending"),
        ("external_reference_status", "status", "successful"),
        ("external_reference_external_status", "external_status", "customer"),
        ("external_reference_external_message", "external_message", "Sync failed: rate limited"),
    ],
)
def test_external_reference_filters_match_exactly(sandbox, admin, everything, param, field, value):
    expected = expect(everything, lambda r: r[field] == value)
    assert expected
    assert matching(sandbox, admin, **{param: value}) == expected


def test_external_reference_filters_apply_to_one_reference_together(sandbox, admin, everything):
    expected = expect(
        everything, lambda r: r["service_name"] == "hubspot" and r["status"] == "failed"
    )
    got = matching(
        sandbox,
        admin,
        external_reference_service_name="hubspot",
        external_reference_status="failed",
    )
    assert got == expected


def test_external_reference_model_ref_filters(sandbox, admin, everything):
    refs = [r for rs in references_by_group(everything).values() for r in rs]
    one, two = refs[0]["service_model_ref"], refs[1]["service_model_ref"]
    assert matching(sandbox, admin, external_reference_service_model_ref=one) == expect(
        everything, lambda r: r["service_model_ref"] == one
    )
    assert matching(sandbox, admin, external_reference_service_model_refs=f"{one},{two}") == expect(
        everything, lambda r: r["service_model_ref"] in (one, two)
    )


def test_more_than_200_model_refs_is_a_system_error(sandbox, readonly_api):
    refs = ",".join(str(i) for i in range(201))
    response = readonly_api.get(
        f"{sandbox.api_url}/workspace_groups.json",
        params={"external_reference_service_model_refs": refs},
    )
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "type": "system",
                "message": "external_reference_service_model_refs accepts at most 200 ids.",
            }
        ]
    }
    at_most = readonly_api.get(
        f"{sandbox.api_url}/workspace_groups.json",
        params={"external_reference_service_model_refs": ",".join(str(i) for i in range(200))},
    )
    assert at_most.status_code == 200


def test_has_external_references_true_and_false_split_the_groups(sandbox, admin, everything):
    with_refs = {g for g, refs in references_by_group(everything).items() if refs}
    assert matching(sandbox, admin, has_external_references="true") == with_refs
    assert (
        matching(sandbox, admin, has_external_references="false") == all_ids(everything) - with_refs
    )


def test_without_external_reference_service_name_excludes_those_groups(sandbox, admin, everything):
    with_netsuite = expect(everything, lambda r: r["service_name"] == "netsuite")
    got = matching(sandbox, admin, without_external_reference_service_name="netsuite")
    assert got == all_ids(everything) - with_netsuite
