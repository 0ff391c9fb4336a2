"""Workspace-group writes: what is checked before anything is written, and how."""

import uuid

import pytest

from tests.sandbox.helpers import ids

BIG = 2**63  # one past the largest bigint id
NAME_TAKEN = {"type": "validation", "message": "Name has already been taken", "field": "name"}


def url(sandbox, pk=None) -> str:
    return f"{sandbox.api_url}/workspace_groups{'' if pk is None else f'/{pk}'}.json"


def named(sandbox, session, name: str) -> list[str]:
    return ids(session.get(url(sandbox), params={"matching": name}).json())


@pytest.fixture
def created(sandbox, admin, unique_name):
    """create(**attrs) -> the new group's id; every group made is deleted afterwards."""
    made = []

    def create(name=unique_name, **attrs):
        response = admin.post(url(sandbox), json={"workspace_group": {"name": name, **attrs}})
        assert response.status_code == 200, response.text
        made.append(response.json()["results"][0]["id"])
        return made[-1]

    yield create
    for pk in made:
        admin.delete(url(sandbox, pk))


def fields_of(response) -> list[str]:
    assert response.status_code == 422, response.text
    assert all(error["type"] == "validation" for error in response.json()["errors"])
    return [error["field"] for error in response.json()["errors"]]


# --- query parameters are checked before the body is applied -------------------------


def test_a_create_with_an_unknown_include_ignores_it(sandbox, admin, unique_name):
    """Recorded (Brainstem): unknown `include` names are ignored, not refused - on writes
    too; the known ones are still honoured. (Was a 400 before issue 7.)"""
    response = admin.post(
        url(sandbox),
        params={"include": "nonsense,workspaces"},
        json={"workspace_group": {"name": unique_name}},
    )
    assert response.status_code == 200, response.text
    pk = response.json()["results"][0]["id"]
    try:
        assert response.json()["workspace_groups"][pk]["workspace_ids"] == []
        assert "nonsense" not in response.json()
        assert named(sandbox, admin, unique_name) == [pk]
    finally:
        admin.delete(url(sandbox, pk))


def test_an_update_with_an_unknown_include_ignores_it(sandbox, admin, created, unique_name):
    """Recorded (Brainstem): unknown `include` names are ignored on update as well."""
    pk = created()
    response = admin.put(
        url(sandbox, pk),
        params={"include": "workspaces,nonsense"},
        json={"workspace_group": {"name": unique_name + " renamed"}},
    )
    assert response.status_code == 200, response.text
    stored = admin.get(url(sandbox, pk)).json()["workspace_groups"][pk]
    assert stored["name"] == unique_name + " renamed"


@pytest.mark.parametrize(
    "paging", [{"page": 0}, {"per_page": 999}, {"limit": 0, "offset": -1}, {"page": "x"}]
)
def test_paging_parameters_are_ignored_on_show_create_and_update(
    sandbox, admin, created, unique_name, paging
):
    pk = created()
    shown = admin.get(url(sandbox, pk), params=paging)
    assert shown.status_code == 200 and shown.json()["meta"]["page_size"] == 20
    updated = admin.put(
        url(sandbox, pk), params=paging, json={"workspace_group": {"name": unique_name}}
    )
    assert updated.status_code == 200, updated.text
    other = unique_name + " second"
    made = admin.post(url(sandbox), params=paging, json={"workspace_group": {"name": other}})
    assert made.status_code == 200, made.text
    admin.delete(url(sandbox, made.json()["results"][0]["id"]))


# --- ids beyond a bigint -------------------------------------------------------------


@pytest.mark.parametrize("bad", [BIG, 0, -1, "99999999999999999999999"])
def test_workspace_ids_outside_the_id_range_are_validation_errors(sandbox, admin, created, bad):
    pk = created()
    response = admin.put(
        url(sandbox, pk),
        json={
            "workspace_group": {
                "name": "still " + pk,
                "add_workspace_ids": [bad],
                "remove_workspace_ids": [bad],
            }
        },
    )
    assert fields_of(response) == ["add_workspace_ids", "remove_workspace_ids"]


def test_a_form_encoded_huge_workspace_id_is_a_validation_error(sandbox, admin, unique_name):
    form = {"workspace_group[name]": unique_name, "workspace_group[add_workspace_ids][]": str(BIG)}
    assert fields_of(admin.post(url(sandbox), data=form)) == ["add_workspace_ids"]


@pytest.mark.parametrize("bad", ["1_000", " 5", "5 ", "0x5", "5.0"])
def test_body_ids_are_read_as_strictly_as_query_ids(sandbox, admin, unique_name, bad):
    """int() would take 1_000 and padded digits; the query parser refuses them, so does this."""
    body = {"workspace_group": {"name": unique_name, "add_workspace_ids": [bad]}}
    assert fields_of(admin.post(url(sandbox), json=body)) == ["add_workspace_ids"]
    form = {"workspace_group[name]": unique_name, "workspace_group[add_workspace_ids][]": bad}
    assert fields_of(admin.post(url(sandbox), data=form)) == ["add_workspace_ids"]
    assert named(sandbox, admin, unique_name) == []


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_a_path_id_beyond_a_bigint_is_a_json_404(sandbox, admin, method):
    response = getattr(admin, method)(url(sandbox, BIG * 10), json={"workspace_group": {}})
    assert response.status_code == 404 and response.json()["errors"][0]["type"] == "system"


# --- lengths -------------------------------------------------------------------------


def test_every_text_field_longer_than_its_column_is_reported_at_once(sandbox, admin):
    body = {
        "name": "n" * 256,
        "contact_name": "c" * 256,
        "email": "e" * 256,
        "phone_number": "1" * 101,
        "address": "a" * 501,
        "website": "w" * 256,
        "external_reference": {
            "service_name": "s" * 101,
            "service_model": "m" * 101,
            "service_model_ref": "r" * 256,
            "external_link": "l" * 501,
            "external_status": "x" * 101,
        },
    }
    response = admin.post(url(sandbox), json={"workspace_group": body})
    assert fields_of(response) == [
        "name",
        "contact_name",
        "email",
        "phone_number",
        "address",
        "website",
        "external_reference.service_name",
        "external_reference.service_model",
        "external_reference.service_model_ref",
        "external_reference.external_link",
        "external_reference.external_status",
    ]
    assert response.json()["errors"][0]["message"] == "Name is too long (maximum is 255 characters)"


def test_text_exactly_as_long_as_its_column_is_accepted(sandbox, admin, created):
    name = uuid.uuid4().hex + "n" * (255 - 32)
    pk = created(name=name, phone_number="1" * 100, address="a" * 500)
    group = admin.get(url(sandbox, pk)).json()["workspace_groups"][pk]
    assert (group["name"], len(group["address"])) == (name, 500)


# --- names compare casefolded --------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"), [("Äpfel", "äPFEL"), ("Straße", "STRASSE"), ("ÉCOLE", "école")]
)
def test_names_are_unique_case_insensitively_beyond_ascii(sandbox, admin, created, first, second):
    suffix = uuid.uuid4().hex[:8]
    created(name=f"{first} {suffix}")
    response = admin.post(url(sandbox), json={"workspace_group": {"name": f"{second} {suffix}"}})
    assert response.status_code == 422 and response.json() == {"errors": [NAME_TAKEN]}


def test_a_group_may_take_its_own_non_ascii_name_in_another_case(sandbox, admin, created):
    name = f"Ärzte {uuid.uuid4().hex[:8]}"
    pk = created(name=name)
    response = admin.put(url(sandbox, pk), json={"workspace_group": {"name": name.upper()}})
    assert response.status_code == 200, response.text
    assert named(sandbox, admin, name) == [pk]
    stored = admin.get(url(sandbox, pk)).json()["workspace_groups"][pk]
    assert stored["name"] == name.upper() == f"ÄRZTE {name[6:].upper()}"


def test_matching_folds_non_ascii_case(sandbox, admin, created):
    suffix = uuid.uuid4().hex[:8]
    pk = created(name=f"Ölwerke {suffix}")
    assert named(sandbox, admin, f"öLWERKE {suffix}") == [pk]


# --- booleans ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("yes", True),
        ("ON", True),
        ("t", True),
        ("True", True),
        (1, True),
        ("no", False),
        ("off", False),
        ("F", False),
        ("FALSE", False),
        (0, False),
    ],
)
def test_write_booleans_accept_the_rails_spellings(sandbox, admin, created, spelling, expected):
    pk = created(
        company=spelling,
        external_reference={
            "service_name": "jira",
            "service_model": "Project",
            "service_model_ref": "7",
            "locked": spelling,
        },
    )
    body = admin.get(url(sandbox, pk), params={"include": "external_references"}).json()
    assert body["workspace_groups"][pk]["company"] is expected
    [reference] = body["external_references"].values()
    assert reference["locked"] is expected


def test_an_unknown_write_boolean_is_a_validation_error(sandbox, admin, unique_name):
    response = admin.post(
        url(sandbox), json={"workspace_group": {"name": unique_name, "company": "maybe"}}
    )
    assert fields_of(response) == ["company"]


# --- delete --------------------------------------------------------------------------


def test_delete_answers_204_with_no_body_and_no_content_type(sandbox, admin, created):
    response = admin.delete(url(sandbox, created()))
    assert response.status_code == 204 and response.content == b""
    assert "Content-Type" not in response.headers


def test_clearing_faults_answers_204_with_no_content_type(sandbox, fresh_token):
    response = sandbox.session.delete(
        f"{sandbox.url}/faults", headers={"Authorization": f"Bearer {fresh_token}"}
    )
    assert response.status_code == 204 and "Content-Type" not in response.headers
