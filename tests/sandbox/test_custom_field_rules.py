"""Custom fields, their choices and their values as Kantata documents them (issue 16):
every documented filter applied (a test that used an ignored filter passed on unfiltered
data), the documented record fields, the bulk writes and the singular create body, and
`write_access` refusing a write."""

import pytest

from tests.sandbox.helpers import group_fields, ids
from tests.sandbox_harness import EDITOR_EMAIL

GROUPS = {"subject_type": "workspace_group"}


def url(sandbox, path: str) -> str:
    return f"{sandbox.api_url}/{path}.json"


@pytest.fixture(scope="module")
def fields(sandbox, admin) -> dict[str, dict]:
    return group_fields(admin, sandbox.api_url)


@pytest.fixture(scope="module")
def editor(sandbox):
    return sandbox.api(sandbox.token(EDITOR_EMAIL))


@pytest.fixture
def group(sandbox, admin, unique_name) -> str:
    response = admin.post(
        url(sandbox, "workspace_groups"), json={"workspace_group": {"name": unique_name}}
    )
    pk = response.json()["results"][0]["id"]
    yield pk
    admin.delete(url(sandbox, f"workspace_groups/{pk}"))


def item(group: str, field: dict, value) -> dict:
    return {
        "subject_type": "workspace_group",
        "subject_id": int(group),
        "custom_field_id": int(field["id"]),
        "value": value,
    }


def listed(session, sandbox, path: str, **params) -> dict:
    response = session.get(url(sandbox, path), params={"per_page": 200, **params})
    assert response.status_code == 200, response.text
    return response.json()


# --- records ---------------------------------------------------------------------------------


def test_custom_fields_carry_the_documented_fields(sandbox, admin, fields):
    body = listed(admin, sandbox, "custom_fields", subject_type="WorkspaceGroup")
    for field in body["custom_fields"].values():
        assert {"default_text", "read_access", "write_access", "unique_constraint"} <= set(field)
        assert isinstance(field["values_count"], int)
        assert "creator_id" not in field and "custom_field_set_id" not in field
    asked = listed(
        admin, sandbox, "custom_fields", subject_type="WorkspaceGroup", include="creator"
    )
    creators = {f["creator_id"] for f in asked["custom_fields"].values()}
    assert creators and creators <= set(asked["users"])
    revenue = fields["Annual revenue"]
    counted = listed(
        admin, sandbox, "custom_field_values", **GROUPS, with_custom_field_id=revenue["id"]
    )
    assert revenue["values_count"] == counted["count"]


def test_choices_carry_their_timestamps_and_field_only_when_asked(sandbox, admin):
    plain = listed(admin, sandbox, "custom_field_choices")
    for choice in plain["custom_field_choices"].values():
        assert choice["created_at"] and choice["updated_at"] and "custom_field_id" not in choice
    asked = listed(admin, sandbox, "custom_field_choices", include="custom_field")
    for choice in asked["custom_field_choices"].values():
        assert choice["custom_field_id"] in asked["custom_fields"]


@pytest.mark.parametrize("spelling", ["WorkspaceGroup", "workspace_group"])
def test_custom_fields_take_both_subject_type_spellings(sandbox, admin, spelling):
    body = listed(admin, sandbox, "custom_fields", subject_type=spelling)
    assert body["count"] == 6  # the seeded group fields (was 0 for workspace_group)


# --- filters ---------------------------------------------------------------------------------


def test_value_filters_by_setter_and_time_and_the_default_order(sandbox, admin, fields):
    body = listed(admin, sandbox, "custom_field_values", **GROUPS, include="setter")
    setters = {v["setter_id"] for v in body["custom_field_values"].values()}
    assert len(setters) == 1
    (setter,) = setters
    assert (
        listed(admin, sandbox, "custom_field_values", **GROUPS, with_setter_id=setter)["count"]
        == body["count"]
    )
    assert (
        listed(admin, sandbox, "custom_field_values", **GROUPS, with_setter_id="999999")["count"]
        == 0
    )
    created = [body["custom_field_values"][i]["created_at"] for i in ids(body)]
    assert created == sorted(created)  # created_at:asc by default
    middle = created[len(created) // 2]
    after = listed(admin, sandbox, "custom_field_values", **GROUPS, created_after=middle)
    assert 0 < after["count"] < body["count"]
    assert all(v["created_at"] > middle for v in after["custom_field_values"].values())
    by_subject = listed(admin, sandbox, "custom_field_values", **GROUPS, order="subject_id:desc")
    subjects = [by_subject["custom_field_values"][i]["subject_id"] for i in ids(by_subject)]
    assert subjects == sorted(subjects, reverse=True)


@pytest.mark.parametrize("path", ["custom_field_values", "custom_fields", "custom_field_choices"])
def test_external_reference_filters_apply_to_records_without_references(sandbox, admin, path):
    """None of these records has an external reference in the sandbox: asking for one
    finds nothing, asking for none finds all (before: ignored, all in every case)."""
    extra = GROUPS if path == "custom_field_values" else {}
    everything = listed(admin, sandbox, path, **extra)["count"]
    assert everything > 0
    for params in (
        {"external_reference_service_name": "salesforce"},
        {"has_external_references": "true"},
        {"external_reference_service_model_ref": "5"},
    ):
        assert listed(admin, sandbox, path, **extra, **params)["count"] == 0, params
    assert (
        listed(admin, sandbox, path, **extra, has_external_references="false")["count"]
        == everything
    )
    assert (
        listed(admin, sandbox, path, **extra, without_external_reference_service_name="x")["count"]
        == everything
    )


def test_custom_fields_match_by_name(sandbox, admin):
    body = listed(admin, sandbox, "custom_fields", matching="revenue")
    assert [f["name"] for f in body["custom_fields"].values()] == ["Annual revenue"]


def test_choice_filters(sandbox, admin, fields):
    industry = fields["Industry"]["choices"]
    first, second = industry[0], industry[1]
    only = listed(
        admin, sandbox, "custom_field_choices", for_choice_ids=f"{first['id']},{second['id']}"
    )
    assert sorted(ids(only)) == sorted([first["id"], second["id"]])
    matching = listed(admin, sandbox, "custom_field_choices", matching=first["label"][:4])
    assert first["id"] in ids(matching)
    assert all(
        first["label"][:4].lower() in c["label"].lower()
        for c in matching["custom_field_choices"].values()
    )
    per_field = listed(
        admin, sandbox, "custom_field_choices", per_custom_field=2, include="custom_field"
    )
    counts: dict[str, int] = {}
    for choice in per_field["custom_field_choices"].values():
        counts[choice["custom_field_id"]] = counts.get(choice["custom_field_id"], 0) + 1
    assert counts and max(counts.values()) == 2
    by_label = listed(admin, sandbox, "custom_field_choices", order="label:desc")
    labels = [by_label["custom_field_choices"][i]["label"] for i in ids(by_label)]
    assert labels == sorted(labels, reverse=True)
    assert (
        listed(admin, sandbox, "custom_field_choices", active="true")["count"]
        == listed(admin, sandbox, "custom_field_choices")["count"]
    )


# --- writes ----------------------------------------------------------------------------------


def test_the_singular_create_body_is_taken(sandbox, admin, fields, group):
    response = admin.post(
        url(sandbox, "custom_field_values"),
        json={"custom_field_value": item(group, fields["Account tier"], "Solo")},
    )
    assert response.status_code == 200, response.text
    (value,) = response.json()["custom_field_values"].values()
    assert value["value"] == "Solo" and value["subject_id"] == int(group)


def test_bulk_update_and_delete_are_all_or_nothing(sandbox, admin, fields, group):
    made = admin.post(
        url(sandbox, "custom_field_values"),
        json={
            "custom_field_values": [
                item(group, fields["Account tier"], "One"),
                item(group, fields["Employees"], 3),
            ]
        },
    ).json()
    tier, employees = ids(made)
    refused = admin.put(
        url(sandbox, "custom_field_values"),
        json={
            "custom_field_values": [{"id": tier, "value": "Two"}, {"id": employees, "value": "x"}]
        },
    )
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"type": "validation", "message": "Value must be a number", "field": "value", "index": 1}
    ]
    values = listed(admin, sandbox, "custom_field_values", **GROUPS, with_subject_id=group)
    assert {v["value"] for v in values["custom_field_values"].values()} == {"One", 3}
    updated = admin.put(
        url(sandbox, "custom_field_values"),
        json={"custom_field_values": [{"id": tier, "value": "Two"}, {"id": employees, "value": 4}]},
    )
    assert updated.status_code == 200 and ids(updated.json()) == [tier, employees]
    missing = admin.delete(url(sandbox, "custom_field_values"), params={"ids": f"{tier},999999999"})
    assert missing.status_code == 422 and "999999999" in missing.json()["errors"][0]["message"]
    assert (
        listed(admin, sandbox, "custom_field_values", **GROUPS, with_subject_id=group)["count"] == 2
    )
    gone = admin.delete(url(sandbox, "custom_field_values"), json={"ids": f"{tier},{employees}"})
    assert gone.status_code == 204
    assert (
        listed(admin, sandbox, "custom_field_values", **GROUPS, with_subject_id=group)["count"] == 0
    )
    too_many = admin.delete(
        url(sandbox, "custom_field_values"), params={"ids": ",".join(str(i) for i in range(1, 102))}
    )
    assert too_many.status_code == 400


def test_a_field_above_the_users_write_access_is_refused_and_not_editable(
    sandbox, admin, editor, fields, group
):
    start, tier = fields["Contract start"], fields["Account tier"]
    assert start["write_access"] == "account_admin"
    refused = editor.post(
        url(sandbox, "custom_field_values"),
        json={"custom_field_values": [item(group, tier, "Fine"), item(group, start, "2026-01-01")]},
    )
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {
            "type": "validation",
            "message": "You do not have permission to change Contract start",
            "field": "custom_field_id",
            "index": 1,
        }
    ]
    admin.post(
        url(sandbox, "custom_field_values"),
        json={"custom_field_values": [item(group, start, "2026-01-01")]},
    )
    seen = listed(editor, sandbox, "custom_field_values", **GROUPS, with_subject_id=group)
    (value,) = seen["custom_field_values"].values()
    assert value["can_edit"] is False
