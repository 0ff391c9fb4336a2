"""Creating, updating and deleting workspace groups, in JSON and Rails form encoding."""

import pytest
import requests

from tests.sandbox.helpers import ids

NAME_TAKEN = {"type": "validation", "message": "Name has already been taken", "field": "name"}


def url(sandbox, pk=None) -> str:
    return f"{sandbox.api_url}/workspace_groups{'' if pk is None else f'/{pk}'}.json"


def accessible_workspaces(sandbox, session, user_session=None) -> list[str]:
    body = session.get(f"{sandbox.api_url}/workspaces.json", params={"per_page": 200}).json()
    return ids(body)


@pytest.fixture
def created(sandbox, admin, unique_name):
    """A group created by the test and deleted afterwards (if still there)."""
    made = []

    def create(**attrs):
        body = {"workspace_group": {"name": unique_name, **attrs}}
        response = admin.post(url(sandbox), json=body)
        assert response.status_code == 200, response.text
        made.append(response.json()["results"][0]["id"])
        return response.json()

    yield create
    for pk in made:
        admin.delete(url(sandbox, pk))


def test_create_with_json_answers_200_with_the_envelope(sandbox, created, unique_name):
    body = created(company=True, contact_name="Ann", email="ann@x.example", notes="Hello")
    [result] = body["results"]
    group = body["workspace_groups"][result["id"]]
    assert body["count"] == 1 and result["key"] == "workspace_groups"
    assert group["name"] == unique_name and group["company"] is True
    assert group["contact_name"] == "Ann" and group["notes"] == "Hello"
    # Recorded: fields never set answer null (not "").
    assert group["phone_number"] is None and group["website"] is None


def test_create_with_rails_form_encoding(sandbox, admin, unique_name):
    workspace = accessible_workspaces(sandbox, admin)[0]
    form = [
        ("workspace_group[name]", unique_name),
        ("workspace_group[company]", "1"),
        ("workspace_group[add_workspace_ids][]", workspace),
        ("workspace_group[external_reference][service_name]", "jira"),
        ("workspace_group[external_reference][service_model]", "Project"),
        ("workspace_group[external_reference][service_model_ref]", "42"),
        ("workspace_group[external_reference][status]", "successful"),
    ]
    response = admin.post(
        url(sandbox), data=form, params={"include": "workspaces,external_references"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    group = body["workspace_groups"][body["results"][0]["id"]]
    try:
        assert group["company"] is True and group["workspace_ids"] == [workspace]
        [ref] = body["external_references"].values()
        assert (ref["service_name"], ref["service_model_ref"], ref["status"]) == (
            "jira",
            "42",
            "successful",
        )
    finally:
        admin.delete(url(sandbox, group["id"]))


def test_create_honours_includes(sandbox, admin, unique_name):
    workspace = accessible_workspaces(sandbox, admin)[0]
    response = admin.post(
        url(sandbox),
        params={"include": "workspaces"},
        json={"workspace_group": {"name": unique_name, "add_workspace_ids": [workspace]}},
    )
    body = response.json()
    pk = body["results"][0]["id"]
    admin.delete(url(sandbox, pk))
    assert response.status_code == 200
    assert body["workspace_groups"][pk]["workspace_ids"] == [workspace]
    assert list(body["workspaces"]) == [workspace]


def test_names_are_unique_case_insensitively(sandbox, admin, created, unique_name):
    created()
    response = admin.post(url(sandbox), json={"workspace_group": {"name": unique_name.upper()}})
    assert response.status_code == 422
    assert response.json() == {"errors": [NAME_TAKEN]}


def test_the_same_name_is_allowed_in_another_account(sandbox, outsider, created, unique_name):
    created()
    response = outsider.post(url(sandbox), json={"workspace_group": {"name": unique_name}})
    assert response.status_code == 200
    outsider.delete(url(sandbox, response.json()["results"][0]["id"]))


@pytest.mark.parametrize("name", ["", "   ", None])
def test_a_blank_name_is_a_validation_error(sandbox, admin, name):
    response = admin.post(url(sandbox), json={"workspace_group": {"name": name, "notes": "x"}})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"type": "validation", "message": "Name can't be blank", "field": "name"}
    ]


def test_all_validation_failures_are_reported_at_once(sandbox, admin):
    body = {
        "workspace_group": {
            "name": "",
            "add_workspace_ids": [999999991],
            "external_reference": {"service_model": "X", "status": "great"},
        }
    }
    response = admin.post(url(sandbox), json=body)
    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["errors"]]
    assert fields == [
        "name",
        "add_workspace_ids",
        "external_reference.service_name",
        "external_reference.service_model_ref",
        "external_reference.status",
    ]
    assert all(e["type"] == "validation" and e["message"] for e in response.json()["errors"])


def test_workspaces_the_user_cannot_access_are_refused(sandbox, admin, outsider, unique_name):
    theirs = ids(outsider.get(f"{sandbox.api_url}/workspaces.json").json())[0]
    response = admin.post(
        url(sandbox),
        json={"workspace_group": {"name": unique_name, "add_workspace_ids": [int(theirs)]}},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "add_workspace_ids"


def test_a_missing_workspace_group_key_is_a_400(sandbox, admin):
    response = admin.post(url(sandbox), json={"name": "flat"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["type"] == "system"


def test_malformed_json_is_a_400_system_error(sandbox, admin):
    response = admin.post(
        url(sandbox), data=b'{"workspace_group": {', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["type"] == "system"


@pytest.mark.parametrize("method", ["put", "patch"])
def test_update_changes_fields_and_workspaces(sandbox, admin, created, unique_name, method):
    spaces = accessible_workspaces(sandbox, admin)
    pk = created(add_workspace_ids=[int(spaces[0]), int(spaces[1])])["results"][0]["id"]
    response = getattr(admin, method)(
        url(sandbox, pk),
        params={"include": "workspaces"},
        json={
            "workspace_group": {
                "name": unique_name + " renamed",
                "website": "https://x.example",
                "add_workspace_ids": [int(spaces[2]), int(spaces[0])],
                "remove_workspace_ids": [int(spaces[1])],
            }
        },
    )
    assert response.status_code == 200, response.text
    group = response.json()["workspace_groups"][pk]
    assert group["name"] == unique_name + " renamed" and group["website"] == "https://x.example"
    assert sorted(group["workspace_ids"], key=int) == sorted([spaces[0], spaces[2]], key=int)


def test_update_with_form_encoding(sandbox, admin, created, unique_name):
    pk = created()["results"][0]["id"]
    response = admin.put(
        url(sandbox, pk),
        data={
            "workspace_group[name]": unique_name,
            "workspace_group[notes]": "via form",
        },
    )
    assert response.status_code == 200
    assert response.json()["workspace_groups"][pk]["notes"] == "via form"


def test_update_requires_a_name(sandbox, admin, created):
    pk = created()["results"][0]["id"]
    response = admin.patch(url(sandbox, pk), json={"workspace_group": {"notes": "no name"}})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"


def test_update_may_keep_its_own_name_in_another_case(sandbox, admin, created, unique_name):
    pk = created()["results"][0]["id"]
    response = admin.put(url(sandbox, pk), json={"workspace_group": {"name": unique_name.upper()}})
    assert response.status_code == 200
    stored = admin.get(url(sandbox, pk)).json()["workspace_groups"][pk]
    assert stored["name"] == unique_name.upper()


def test_update_to_a_taken_name_is_refused(sandbox, admin, created, unique_name):
    created()
    other = admin.post(url(sandbox), json={"workspace_group": {"name": unique_name + "-b"}}).json()
    pk = other["results"][0]["id"]
    try:
        response = admin.put(
            url(sandbox, pk), json={"workspace_group": {"name": unique_name.lower()}}
        )
        assert response.status_code == 422 and response.json()["errors"] == [NAME_TAKEN]
    finally:
        admin.delete(url(sandbox, pk))


def test_delete_answers_204_without_a_body_and_the_group_is_gone(sandbox, admin, unique_name):
    pk = admin.post(url(sandbox), json={"workspace_group": {"name": unique_name}}).json()[
        "results"
    ][0]["id"]
    response = admin.delete(url(sandbox, pk))
    assert response.status_code == 204 and response.content == b""
    assert admin.get(url(sandbox, pk)).status_code == 404
    assert admin.delete(url(sandbox, pk)).status_code == 404


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_changing_another_accounts_group_is_404(sandbox, outsider, created, method):
    pk = created()["results"][0]["id"]
    response = getattr(outsider, method)(url(sandbox, pk), json={"workspace_group": {"name": "x"}})
    assert response.status_code == 404


def test_a_read_only_user_may_not_write(sandbox, readonly_api, created, unique_name):
    pk = created()["results"][0]["id"]
    attempts = [
        readonly_api.post(url(sandbox), json={"workspace_group": {"name": unique_name + "v"}}),
        readonly_api.put(url(sandbox, pk), json={"workspace_group": {"name": unique_name}}),
        readonly_api.patch(url(sandbox, pk), json={"workspace_group": {"name": unique_name}}),
        readonly_api.delete(url(sandbox, pk)),
    ]
    for response in attempts:
        assert response.status_code == 403
        assert response.json()["errors"][0]["type"] == "system"


def test_writes_without_a_token_get_the_oauth_error(sandbox, admin, unique_name):
    response = requests.post(url(sandbox), json={"workspace_group": {"name": unique_name}})
    assert response.status_code == 401
    assert response.json() == {"errors": [{"type": "oauth", "message": "Invalid OAuth 2 Request"}]}
    assert ids(admin.get(url(sandbox), params={"matching": unique_name}).json()) == []


def test_the_workspaces_include_shows_only_workspaces_the_user_can_see(
    sandbox, admin, readonly_api, created
):
    spaces = accessible_workspaces(sandbox, admin)
    visible_to_viewer = set(accessible_workspaces(sandbox, readonly_api))
    hidden = [s for s in spaces if s not in visible_to_viewer][:2]
    shown = [s for s in spaces if s in visible_to_viewer][:1]
    pk = created(add_workspace_ids=[int(s) for s in hidden + shown])["results"][0]["id"]
    body = readonly_api.get(url(sandbox, pk), params={"include": "workspaces"}).json()
    assert body["workspace_groups"][pk]["workspace_ids"] == shown
    assert set(body["workspaces"]) == set(shown)
