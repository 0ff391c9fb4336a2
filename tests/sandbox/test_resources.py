"""users/me, workspaces, custom fields, choices, values, rate card sets, external refs."""

import pytest

from tests.sandbox.helpers import every_page, group_fields, ids
from tests.sandbox_harness import ADMIN_EMAIL, OTHER_ACCOUNT_EMAIL, READONLY_EMAIL


@pytest.mark.parametrize(
    "who,email,permission",
    [
        ("admin", ADMIN_EMAIL, "administrator"),
        ("readonly_api", READONLY_EMAIL, "collaborator"),
        ("outsider", OTHER_ACCOUNT_EMAIL, "administrator"),
    ],
)
def test_users_me_identifies_the_token_owner(sandbox, request, who, email, permission):
    body = request.getfixturevalue(who).get(f"{sandbox.api_url}/users/me.json").json()
    [user] = body["users"].values()
    assert body["count"] == 1 and body["results"] == [{"key": "users", "id": user["id"]}]
    assert user["email_address"] == email and user["account_permission"] == permission
    assert isinstance(user["account_id"], str)


def test_workspaces_default_to_unarchived_most_recently_updated_first(sandbox, admin):
    body = every_page(admin, f"{sandbox.api_url}/workspaces.json")
    spaces = [body["workspaces"][i] for i in ids(body)]
    assert spaces and not any(s["archived"] for s in spaces)
    from datetime import datetime

    stamps = [datetime.fromisoformat(s["updated_at"]) for s in spaces]
    assert stamps == sorted(stamps, reverse=True)
    archived = every_page(admin, f"{sandbox.api_url}/workspaces.json", include_archived="true")
    assert archived["count"] > body["count"]


def test_users_see_only_workspaces_they_participate_in(sandbox, admin, readonly_api, outsider):
    mine = set(ids(every_page(admin, f"{sandbox.api_url}/workspaces.json")))
    theirs = set(ids(every_page(readonly_api, f"{sandbox.api_url}/workspaces.json")))
    other = set(ids(every_page(outsider, f"{sandbox.api_url}/workspaces.json")))
    assert theirs < mine and not other & mine


def test_workspaces_of_groups_with_include(sandbox, admin):
    body = admin.get(
        f"{sandbox.api_url}/workspace_groups.json",
        params={"include": "workspaces", "per_page": 200},
    ).json()
    group = next(g for g in body["workspace_groups"].values() if len(g["workspace_ids"]) >= 2)
    spaces = admin.get(
        f"{sandbox.api_url}/workspaces.json",
        params={
            "workspace_groups": group["id"],
            "include_archived": "true",
            "include": "workspace_groups",
        },
    ).json()
    assert set(ids(spaces)) == set(group["workspace_ids"])
    assert all(group["id"] in s["workspace_group_ids"] for s in spaces["workspaces"].values())
    assert group["id"] in spaces["workspace_groups"]


def test_workspaces_matching_and_search(sandbox, admin):
    matched = every_page(admin, f"{sandbox.api_url}/workspaces.json", matching="migration")
    assert matched["count"] and all(
        "migration" in w["title"].lower() for w in matched["workspaces"].values()
    )
    searched = every_page(admin, f"{sandbox.api_url}/workspaces.json", search="fixed-fee")
    assert searched["count"] and all(
        "fixed-fee" in (w["title"] + w["description"]).lower()
        for w in searched["workspaces"].values()
    )


def test_workspace_shows_and_404s_for_other_accounts(sandbox, admin, outsider):
    theirs = ids(outsider.get(f"{sandbox.api_url}/workspaces.json").json())[0]
    assert outsider.get(f"{sandbox.api_url}/workspaces/{theirs}.json").status_code == 200
    assert admin.get(f"{sandbox.api_url}/workspaces/{theirs}.json").status_code == 404


def test_custom_fields_cover_every_value_type_with_choices(sandbox, admin):
    fields = group_fields(admin, sandbox.api_url)
    assert {f["value_type"] for f in fields.values()} == {
        "string",
        "number",
        "currency",
        "date",
        "single",
        "multi",
    }
    assert fields["Industry"]["choices"] and fields["Services"]["choices"]
    workspace_fields = admin.get(
        f"{sandbox.api_url}/custom_fields.json", params={"subject_type": "Workspace"}
    ).json()
    assert [f["name"] for f in workspace_fields["custom_fields"].values()] == ["Billing code"]


def test_custom_field_choices_for_custom_fields(sandbox, admin):
    industry = group_fields(admin, sandbox.api_url)["Industry"]
    body = admin.get(
        f"{sandbox.api_url}/custom_field_choices.json", params={"for_custom_fields": industry["id"]}
    ).json()
    assert ids(body) == [c["id"] for c in industry["choices"]]
    assert [c["position"] for c in body["custom_field_choices"].values()] == sorted(
        c["position"] for c in body["custom_field_choices"].values()
    )


def test_custom_field_values_have_typed_values(sandbox, admin):
    fields = group_fields(admin, sandbox.api_url)
    expected = {
        "Account tier": str,
        "Employees": int,
        "Annual revenue": list,
        "Contract start": str,
        "Industry": list,
        "Services": list,
    }
    for name, kind in expected.items():
        body = admin.get(
            f"{sandbox.api_url}/custom_field_values.json",
            params={
                "subject_type": "WorkspaceGroup",
                "with_custom_field_id": fields[name]["id"],
                "per_page": 3,
            },
        ).json()
        for value in body["custom_field_values"].values():
            assert isinstance(value["value"], kind), (name, value)
            assert value["custom_field_name"] == name and value["display_value"]
    one = next(iter(body["custom_field_values"].values()))
    by_subject = admin.get(
        f"{sandbox.api_url}/custom_field_values.json",
        params={"subject_type": "WorkspaceGroup", "with_subject_id": one["subject_id"]},
    ).json()
    assert {v["subject_id"] for v in by_subject["custom_field_values"].values()} == {
        one["subject_id"]
    }


def test_rate_card_sets_and_external_references_list(sandbox, admin, outsider):
    cards = admin.get(f"{sandbox.api_url}/rate_card_sets.json").json()
    assert cards["count"] == 4 and any(
        c["account_default"] for c in cards["rate_card_sets"].values()
    )
    assert outsider.get(f"{sandbox.api_url}/rate_card_sets.json").json()["count"] == 2
    refs = admin.get(f"{sandbox.api_url}/external_references.json", params={"per_page": 200}).json()
    assert {r["service_name"] for r in refs["external_references"].values()} == {
        "salesforce",
        "hubspot",
        "netsuite",
    }
    assert {r["status"] for r in refs["external_references"].values()} == {
        "pending",
        "successful",
        "failed",
    }


def test_read_only_endpoints_refuse_writes(sandbox, admin):
    assert admin.post(f"{sandbox.api_url}/workspaces.json", json={}).status_code == 404
