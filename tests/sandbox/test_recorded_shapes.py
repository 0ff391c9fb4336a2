"""Conformance: the sandbox answers in the shapes recorded from the real service
(../shared/kantata-api-notes.md, "What real responses show"). Each test names the fact."""

import re

import pytest

from tests.sandbox.helpers import group_fields, ids

MONEY = re.compile(r"^-?[$€£]\d{1,3}(,\d{3})*\.\d{2}$|^-?\d{1,3}(,\d{3})*\.\d{2} [A-Z]{3}$")


def groups_url(sandbox, pk=None) -> str:
    return f"{sandbox.api_url}/workspace_groups{'' if pk is None else f'/{pk}'}.json"


def values_url(sandbox) -> str:
    return f"{sandbox.api_url}/custom_field_values.json"


@pytest.fixture(scope="module")
def fields(sandbox, admin):
    return group_fields(admin, sandbox.api_url)


@pytest.fixture(scope="module")
def a_page_of_values(sandbox, admin) -> dict:
    body = admin.get(
        values_url(sandbox),
        params={
            "subject_type": "workspace_group",
            "per_page": 200,
            "include": "custom_field,setter",
        },
    ).json()
    assert body["count"] > 0
    return body


@pytest.fixture
def group(sandbox, admin, unique_name):
    """Create a group with `attrs` (JSON, or form pairs with form=True); deleted after."""
    made = []

    def create(form: bool = False, **attrs):
        if form:
            pairs = [("workspace_group[name]", unique_name)] + [
                (f"workspace_group[{k}]", v) for k, v in attrs.items()
            ]
            response = admin.post(groups_url(sandbox), data=pairs)
        else:
            body = {"workspace_group": {"name": unique_name, **attrs}}
            response = admin.post(groups_url(sandbox), json=body)
        assert response.status_code == 200, response.text
        pk = response.json()["results"][0]["id"]
        made.append(pk)
        # Read back what was stored, not what the create answered.
        return admin.get(groups_url(sandbox, pk)).json()["workspace_groups"][pk]

    yield create
    for pk in made:
        admin.delete(groups_url(sandbox, pk))


# --- null and "" ------------------------------------------------------------------------


def test_a_written_empty_string_stays_empty_and_a_written_null_stays_null(group):
    """Recorded: never-set text is null, cleared text "": a write of "" stores "", a write
    of null stores null, and a field not written stays null."""
    stored = group(contact_name="", email=None, notes="", address=None)
    assert stored["contact_name"] == "" and stored["notes"] == ""
    assert stored["email"] is None and stored["address"] is None
    assert stored["phone_number"] is None and stored["website"] is None


def test_a_form_encoded_empty_value_stores_an_empty_string(group):
    """Recorded: cleared text is "" - a Rails form can only clear, never send null."""
    stored = group(form=True, phone_number="", website="")
    assert stored["phone_number"] == "" and stored["website"] == ""
    assert stored["email"] is None


def test_clearing_a_field_by_update_stores_an_empty_string(sandbox, admin, group):
    """Recorded: cleared text fields answer "" (not null)."""
    stored = group(contact_name="Ann")
    response = admin.put(
        groups_url(sandbox, stored["id"]),
        json={"workspace_group": {"name": stored["name"], "contact_name": ""}},
    )
    assert response.status_code == 200
    again = admin.get(groups_url(sandbox, stored["id"])).json()["workspace_groups"][stored["id"]]
    assert again["contact_name"] == ""


# --- integers where the recordings have integers ----------------------------------------


def test_a_workspaces_account_id_is_an_integer_and_its_id_a_string(sandbox, admin):
    """Recorded: a workspace's `account_id` is an integer; record ids are strings."""
    body = admin.get(f"{sandbox.api_url}/workspaces.json", params={"per_page": 5}).json()
    for workspace in body["workspaces"].values():
        assert type(workspace["account_id"]) is int
        assert isinstance(workspace["id"], str)


def test_workspaces_without_dates_answer_empty_strings(sandbox, admin):
    """Recorded: workspaces' `start_date`/`due_date` are "" when not set."""
    body = admin.get(
        f"{sandbox.api_url}/workspaces.json", params={"per_page": 200, "include_archived": "true"}
    ).json()
    spaces = list(body["workspaces"].values())
    undated = [w for w in spaces if w["start_date"] == ""]
    assert undated and all(w["due_date"] == "" for w in undated)
    assert all(w["start_date"] is not None and w["due_date"] is not None for w in spaces)
    assert any(re.fullmatch(r"\d{4}-\d{2}-\d{2}", w["start_date"]) for w in spaces)


def test_an_external_references_subject_id_is_an_integer(sandbox, admin):
    """Issue 7 / recorded integer references: an external reference's `subject_id`."""
    body = admin.get(f"{sandbox.api_url}/external_references.json", params={"per_page": 20}).json()
    assert body["external_references"]
    for ref in body["external_references"].values():
        assert type(ref["subject_id"]) is int and isinstance(ref["id"], str)


# --- custom field values ------------------------------------------------------------------


def test_a_custom_field_value_has_the_recorded_fields_and_types(sandbox, a_page_of_values):
    """Recorded value: `subject_type` "workspace_group", integer `subject_id` and
    `account_id`, string `custom_field_id`, `setter_id` (asked for with their includes,
    as documented) and `id`, plus `type`, `can_edit`, `display_value`, `custom_field_name`."""
    for value in a_page_of_values["custom_field_values"].values():
        assert value["subject_type"] == "workspace_group"
        assert type(value["subject_id"]) is int and type(value["account_id"]) is int
        assert isinstance(value["custom_field_id"], str) and isinstance(value["id"], str)
        assert isinstance(value["setter_id"], str)
        assert value["type"] in {"string", "number", "currency", "date", "single", "multi"}
        assert value["can_edit"] is True  # the administrator asked
        assert isinstance(value["display_value"], str) and value["custom_field_name"]


def test_a_read_only_user_sees_values_it_cannot_edit(sandbox, readonly_api):
    """Recorded `can_edit`: whether the asking user may change the value."""
    body = readonly_api.get(
        values_url(sandbox), params={"subject_type": "workspace_group", "per_page": 5}
    ).json()
    assert body["custom_field_values"]
    assert all(v["can_edit"] is False for v in body["custom_field_values"].values())


def test_currency_values_are_integer_cents_with_a_code_and_read_as_money(sandbox, admin, fields):
    """The spec documents currency values as `[amount_in_cents, "USD"]`; the display
    value reads as money."""
    body = admin.get(
        values_url(sandbox),
        params={
            "subject_type": "workspace_group",
            "with_custom_field_id": fields["Annual revenue"]["id"],
            "per_page": 50,
        },
    ).json()
    assert body["custom_field_values"]
    for value in body["custom_field_values"].values():
        cents, code = value["value"]
        assert type(cents) is int and re.fullmatch(r"[A-Z]{3}", code)
        assert MONEY.match(value["display_value"]), value["display_value"]
        digits = value["display_value"].replace(",", "").strip("$€£ " + code)
        assert round(float(digits) * 100) == cents
        assert value["type"] == "currency"


def test_subject_type_is_required_on_custom_field_values(sandbox, admin):
    """Recorded: `subject_type` is required on that endpoint (400 without it)."""
    response = admin.get(values_url(sandbox))
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["type"] == "system" and "subject_type" in error["message"]


def test_both_spellings_of_the_subject_type_answer_the_same_values(sandbox, admin):
    """Recorded query `subject_type=workspace_group`; the spec writes `WorkspaceGroup`:
    both are accepted."""
    params = {"per_page": 30, "order": "id:asc"}
    snake = admin.get(values_url(sandbox), params={**params, "subject_type": "workspace_group"})
    camel = admin.get(values_url(sandbox), params={**params, "subject_type": "WorkspaceGroup"})
    assert snake.status_code == camel.status_code == 200
    assert ids(snake.json()) == ids(camel.json()) and snake.json()["count"] > 0


# --- include=custom_field_values ------------------------------------------------------------


def test_a_values_field_and_setter_come_only_with_their_includes(sandbox, admin):
    """Documented: `custom_field_id` with include=custom_field, `setter_id` with
    include=setter, each referencing the included records (before: always sent)."""
    params = {"subject_type": "workspace_group", "per_page": 5}
    plain = admin.get(values_url(sandbox), params=params).json()
    assert plain["custom_field_values"]
    for value in plain["custom_field_values"].values():
        assert "custom_field_id" not in value and "setter_id" not in value
    asked = admin.get(values_url(sandbox), params={**params, "include": "custom_field,setter"})
    body = asked.json()
    for value in body["custom_field_values"].values():
        assert body["custom_fields"][value["custom_field_id"]]["name"] == value["custom_field_name"]
        assert value["setter_id"] in body["users"]


def test_group_include_of_custom_field_values_is_ignored_by_default(sandbox, admin):
    """Kantata's description lists workspaces, rate_card_sets and external_references as
    the groups' includes; an unknown include is ignored, so the values do not come."""
    body = admin.get(
        groups_url(sandbox), params={"include": "custom_field_values", "per_page": 20}
    ).json()
    assert "custom_field_values" not in body
    assert all("custom_field_value_ids" not in g for g in body["workspace_groups"].values())


def test_include_custom_field_values_brings_the_pages_values(sandbox_group_values):
    """With KANTATA_SANDBOX_GROUP_VALUES_INCLUDE on, workspace groups answer
    `include=custom_field_values`, with `custom_field_value_ids` on each group."""
    server = sandbox_group_values
    admin = server.api(server.token())
    body = admin.get(
        groups_url(server), params={"include": "custom_field_values", "per_page": 50}
    ).json()
    included = body["custom_field_values"]
    with_values = 0
    for pk in ids(body):
        group = body["workspace_groups"][pk]
        own = admin.get(
            values_url(server),
            params={
                "subject_type": "workspace_group",
                "with_subject_id": pk,
                "per_page": 200,
                "include": "custom_field,setter",
            },
        ).json()
        assert sorted(group["custom_field_value_ids"], key=int) == sorted(ids(own), key=int)
        for value_id in group["custom_field_value_ids"]:
            assert included[value_id] == own["custom_field_values"][value_id]
            assert str(included[value_id]["subject_id"]) == pk
        with_values += bool(group["custom_field_value_ids"])
    assert with_values > 10


def test_include_custom_field_values_on_show(sandbox_group_values):
    """Same include on the show route (the envelope is the same there)."""
    server = sandbox_group_values
    admin = server.api(server.token())
    listed = admin.get(
        groups_url(server), params={"include": "custom_field_values", "per_page": 20}
    ).json()
    pk = next(p for p in ids(listed) if listed["workspace_groups"][p]["custom_field_value_ids"])
    shown = admin.get(groups_url(server, pk), params={"include": "custom_field_values"}).json()
    group = shown["workspace_groups"][pk]
    assert (
        group["custom_field_value_ids"] == listed["workspace_groups"][pk]["custom_field_value_ids"]
    )
    assert set(shown["custom_field_values"]) == set(group["custom_field_value_ids"])
