"""Conformance: writing custom field values as Kantata documents them (issue 11, item 2):
create up to 100 values in one request, update, delete; each value checked against its
field's `value_type`; 422 `validation` errors naming the field, with `index` for the
failing item of a create (recorded: validation errors may carry `index`)."""

import pytest

from tests.sandbox.helpers import group_fields, ids

SUBJECT = "workspace_group"


def values_url(sandbox, pk=None) -> str:
    return f"{sandbox.api_url}/custom_field_values{'' if pk is None else f'/{pk}'}.json"


@pytest.fixture(scope="module")
def fields(sandbox, admin) -> dict[str, dict]:
    return group_fields(admin, sandbox.api_url)


@pytest.fixture
def group(sandbox, admin, unique_name) -> str:
    """A new group without values; deleted (with its values) afterwards."""
    response = admin.post(
        f"{sandbox.api_url}/workspace_groups.json", json={"workspace_group": {"name": unique_name}}
    )
    pk = response.json()["results"][0]["id"]
    yield pk
    admin.delete(f"{sandbox.api_url}/workspace_groups/{pk}.json")


def item(group: str, field: dict, value) -> dict:
    return {
        "subject_type": SUBJECT,
        "subject_id": int(group),
        "custom_field_id": int(field["id"]),
        "value": value,
    }


def stored(sandbox, session, group: str) -> dict[str, dict]:
    """{field name: value} as the API answers the group's values."""
    body = session.get(
        values_url(sandbox),
        params={"subject_type": SUBJECT, "with_subject_id": group, "include": "setter"},
    ).json()
    return {v["custom_field_name"]: v for v in body.get("custom_field_values", {}).values()}


def six_values(fields: dict) -> dict[str, object]:
    industry, services = fields["Industry"]["choices"], fields["Services"]["choices"]
    return {
        "Account tier": "Platinum",
        "Employees": 1250.5,
        "Annual revenue": [123456, "EUR"],
        "Contract start": "2025-03-31",
        "Industry": [int(industry[1]["id"])],
        "Services": [int(services[2]["id"]), int(services[0]["id"])],
    }


def test_values_of_every_type_are_created_in_one_request_and_read_back(
    sandbox, admin, fields, group
):
    """Kantata: POST /custom_field_values with a list of values; answered in order sent."""
    wanted = six_values(fields)
    body = [item(group, fields[name], value) for name, value in wanted.items()]
    response = admin.post(values_url(sandbox), json={"custom_field_values": body})
    assert response.status_code == 200, response.text
    answered = response.json()
    assert answered["count"] == 6
    names = [answered["custom_field_values"][i]["custom_field_name"] for i in ids(answered)]
    assert names == list(wanted)

    me = next(iter(admin.get(f"{sandbox.api_url}/users/me.json").json()["users"]))
    values = stored(sandbox, admin, group)
    assert values["Account tier"]["value"] == "Platinum"
    assert values["Employees"]["value"] == 1250.5
    assert values["Annual revenue"]["value"] == [123456, "EUR"]
    assert values["Annual revenue"]["display_value"] == "€1,234.56"
    assert values["Contract start"]["value"] == "2025-03-31"
    assert values["Industry"]["value"] == wanted["Industry"]
    assert sorted(values["Services"]["value"]) == sorted(wanted["Services"])
    labels = {c["id"]: c["label"] for c in fields["Services"]["choices"]}
    assert set(values["Services"]["display_value"].split(", ")) == {
        labels[str(i)] for i in wanted["Services"]
    }
    assert {v["setter_id"] for v in values.values()} == {me}
    assert all(v["subject_id"] == int(group) for v in values.values())


def test_a_value_is_updated_and_deleted(sandbox, admin, fields, group):
    """Kantata: PUT /custom_field_values/{id} with {"custom_field_value": {"value"}};
    DELETE answers 204 and the value is gone."""
    created = admin.post(
        values_url(sandbox),
        json={"custom_field_values": [item(group, fields["Employees"], 40)]},
    ).json()
    [pk] = ids(created)
    updated = admin.put(values_url(sandbox, pk), json={"custom_field_value": {"value": 41}})
    assert updated.status_code == 200, updated.text
    assert stored(sandbox, admin, group)["Employees"]["value"] == 41
    deleted = admin.delete(values_url(sandbox, pk))
    assert deleted.status_code == 204 and deleted.content == b""
    assert stored(sandbox, admin, group) == {}
    assert admin.get(values_url(sandbox, pk)).status_code == 404


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("Account tier", 12, "Value must be text"),
        ("Employees", "many", "Value must be a number"),
        ("Annual revenue", 100, 'Value must be [amount_in_cents, "ISO currency code"]'),
        ("Annual revenue", [12.5, "USD"], 'Value must be [amount_in_cents, "ISO currency code"]'),
        ("Contract start", "31/03/2025", "Value must be a date (YYYY-MM-DD)"),
        ("Industry", "Retail", "Value must be a list of choice ids"),
    ],
)
def test_a_wrong_type_is_a_422_naming_the_field_and_the_item(
    sandbox, admin, fields, group, name, value, message
):
    """A value that does not fit its field's value_type: 422 `validation`, field
    `value`, `index` of the failing item; nothing of the request is written."""
    other, fine = ("Employees", 5) if name == "Contract start" else ("Contract start", "2025-01-01")
    good = item(group, fields[other], fine)
    response = admin.post(
        values_url(sandbox),
        json={"custom_field_values": [good, item(group, fields[name], value)]},
    )
    assert response.status_code == 422
    assert response.json() == {
        "errors": [{"type": "validation", "message": message, "field": "value", "index": 1}]
    }
    assert stored(sandbox, admin, group) == {}


def test_an_unknown_choice_is_a_422(sandbox, admin, fields, group):
    """A choice id that is not one of the field's choices (here: another field's)."""
    other = int(fields["Services"]["choices"][0]["id"])
    response = admin.post(
        values_url(sandbox),
        json={"custom_field_values": [item(group, fields["Industry"], [other])]},
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "value" and error["index"] == 0
    assert error["message"] == f"Value {other} is not a choice of Industry"
    multi = admin.post(
        values_url(sandbox),
        json={"custom_field_values": [item(group, fields["Industry"], [1, 2])]},
    )
    assert multi.json()["errors"][0]["message"] == "Value must be a single choice"


def test_two_values_for_one_field_and_subject_in_one_request_are_a_422(
    sandbox, admin, fields, group
):
    """One value per field and subject in one request: the second item is refused."""
    first = item(group, fields["Account tier"], "Gold")
    twice = admin.post(values_url(sandbox), json={"custom_field_values": [first, first]})
    assert twice.status_code == 422
    assert twice.json()["errors"] == [
        {
            "type": "validation",
            "message": "Custom field already has a value for this subject",
            "field": "custom_field_id",
            "index": 1,
        }
    ]
    assert "Account tier" not in stored(sandbox, admin, group)


def test_a_create_where_a_value_exists_overrides_it_with_a_new_id(sandbox, admin, fields, group):
    """Kantata: "Creating a value can also override existing values"; choices are
    replaced, not added to, and the new value has a new id. (Before: 422.)"""
    first = admin.post(
        values_url(sandbox),
        json={"custom_field_values": [item(group, fields["Account tier"], "Gold")]},
    )
    [old_id] = ids(first.json())
    again = admin.post(
        values_url(sandbox),
        json={"custom_field_values": [item(group, fields["Account tier"], "Silver")]},
    )
    assert again.status_code == 200, again.text
    [new_id] = ids(again.json())
    assert new_id != old_id
    values = stored(sandbox, admin, group)
    assert values["Account tier"]["value"] == "Silver" and values["Account tier"]["id"] == new_id
    assert admin.get(values_url(sandbox, old_id)).status_code == 404
    services = fields["Services"]["choices"]
    for picked in ([int(services[0]["id"]), int(services[1]["id"])], [int(services[2]["id"])]):
        admin.post(
            values_url(sandbox),
            json={"custom_field_values": [item(group, fields["Services"], picked)]},
        )
    assert stored(sandbox, admin, group)["Services"]["value"] == [int(services[2]["id"])]


def test_unknown_subjects_and_fields_are_422s(sandbox, admin, outsider, fields, group):
    """Another account's group and a missing field are not found, per item."""
    theirs = ids(outsider.get(f"{sandbox.api_url}/workspace_groups.json").json())[0]
    body = [
        {**item(group, fields["Account tier"], "x"), "subject_id": int(theirs)},
        {**item(group, fields["Account tier"], "x"), "custom_field_id": 999_999_999},
        {**item(group, fields["Account tier"], "x"), "subject_type": "workspace"},
    ]
    response = admin.post(values_url(sandbox), json={"custom_field_values": body})
    assert response.status_code == 422
    assert [(e["field"], e["index"]) for e in response.json()["errors"]] == [
        ("subject_id", 0),
        ("custom_field_id", 1),
        ("subject_type", 2),
    ]


def test_more_than_100_values_in_one_request_is_a_400(sandbox, admin, fields, group):
    """Kantata: up to 100 values a request."""
    body = [item(group, fields["Account tier"], str(i)) for i in range(101)]
    response = admin.post(values_url(sandbox), json={"custom_field_values": body})
    assert response.status_code == 400
    assert "at most 100" in response.json()["errors"][0]["message"]
    assert stored(sandbox, admin, group) == {}


def test_an_update_with_a_wrong_type_changes_nothing(sandbox, admin, fields, group):
    created = admin.post(
        values_url(sandbox),
        json={"custom_field_values": [item(group, fields["Contract start"], "2025-01-01")]},
    ).json()
    [pk] = ids(created)
    response = admin.put(values_url(sandbox, pk), json={"custom_field_value": {"value": 5}})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"type": "validation", "message": "Value must be a date (YYYY-MM-DD)", "field": "value"}
    ]
    assert stored(sandbox, admin, group)["Contract start"]["value"] == "2025-01-01"


def test_a_read_only_user_cannot_write_values(sandbox, admin, readonly_api, fields, group):
    response = readonly_api.post(
        values_url(sandbox),
        json={"custom_field_values": [item(group, fields["Account tier"], "Gold")]},
    )
    assert response.status_code == 403
    assert response.json()["errors"][0]["type"] == "system"
    assert stored(sandbox, admin, group) == {}
