"""No input gets a 5xx (issue 7, item 3): stated limits on bodies, and timestamps at the
ends of the calendar. The limits are sandbox/limits.py's (docs/sandbox.md)."""

import json

import pytest
import requests

from kantata_admin.sandbox.limits import MAX_BODY_BYTES, MAX_NESTING


def groups_url(sandbox) -> str:
    return f"{sandbox.api_url}/workspace_groups.json"


def nested(depth: int) -> dict:
    value: object = "deep"
    for _ in range(depth - 2):
        value = [value]
    return {"workspace_group": {"name": "Nested", "notes": value}}


def assert_system_error(response, status: int) -> str:
    assert response.status_code == status, response.text[:300]
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    [error] = response.json()["errors"]
    assert error["type"] == "system" and error["message"]
    return error["message"]


def test_a_body_over_the_limit_is_413(sandbox, admin):
    """A body over MAX_BODY_BYTES answers 413 with a `system` errors body, unread."""
    body = json.dumps({"workspace_group": {"name": "Big", "notes": "x" * MAX_BODY_BYTES}})
    message = assert_system_error(
        admin.post(groups_url(sandbox), data=body, headers={"Content-Type": "application/json"}),
        413,
    )
    assert str(MAX_BODY_BYTES) in message


def test_a_form_body_over_the_limit_is_413(sandbox, admin):
    form = {"workspace_group[name]": "Big", "workspace_group[notes]": "x" * MAX_BODY_BYTES}
    assert_system_error(admin.post(groups_url(sandbox), data=form), 413)


def test_a_body_at_the_limit_is_read(sandbox, admin, unique_name):
    """Exactly MAX_BODY_BYTES is allowed: the answer is about the content (422 here, notes
    far past nothing; the name is taken by the test's own group later)."""
    filler = MAX_BODY_BYTES - len(json.dumps({"workspace_group": {"name": unique_name, "x": ""}}))
    body = json.dumps({"workspace_group": {"name": unique_name, "x": "y" * filler}})
    assert len(body.encode()) == MAX_BODY_BYTES
    response = admin.post(
        groups_url(sandbox), data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.text[:300]
    admin.delete(f"{sandbox.api_url}/workspace_groups/{response.json()['results'][0]['id']}.json")


@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 5000])
def test_json_nested_deeper_than_the_limit_is_400(sandbox, admin, depth):
    """JSON deeper than MAX_NESTING levels answers 400 `system` (also far deeper than
    Python's recursion limit)."""
    message = assert_system_error(admin.post(groups_url(sandbox), json=nested(depth)), 400)
    assert f"nested deeper than {MAX_NESTING}" in message


def test_json_nested_to_the_limit_is_read(sandbox, admin):
    """MAX_NESTING levels are allowed: the answer is about the content (notes not text)."""
    response = admin.post(groups_url(sandbox), json=nested(MAX_NESTING))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"type": "validation", "message": "Notes must be text", "field": "notes"}
    ]


def test_form_keys_nested_deeper_than_the_limit_are_400(sandbox, admin):
    key = "workspace_group" + "[a]" * MAX_NESTING
    assert_system_error(admin.post(groups_url(sandbox), data={key: "1"}), 400)


def test_the_token_endpoint_answers_oauth_json_for_the_same(sandbox):
    """The token endpoint refuses an oversized body with a JSON OAuth error, not HTML."""
    response = requests.post(
        f"{sandbox.url}/oauth/token",
        data={"grant_type": "authorization_code", "code": "x" * MAX_BODY_BYTES},
    )
    assert response.status_code == 413
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["error"] == "invalid_request"


@pytest.mark.parametrize(
    "moment",
    [
        "9999-12-31T23:59:59-12:00",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59",
        "0001-01-01T00:00:00",
        "9999-12-31",
        "0001-01-01",
    ],
)
@pytest.mark.parametrize("name", ["created_after", "created_before", "updated_after"])
def test_timestamps_at_the_ends_of_the_calendar_answer_a_result(sandbox, admin, name, moment):
    """Issue 7: the ends of the calendar, with and without an offset, answer 400 or a
    result; here a result: nothing is after the last moment, everything after the first."""
    response = admin.get(groups_url(sandbox), params={name: moment})
    assert response.status_code == 200, response.text
    count = response.json()["count"]
    late = moment.startswith("9999")
    everything = admin.get(groups_url(sandbox)).json()["count"]
    if name.endswith("_after"):
        assert count == (0 if late else everything)
    else:
        assert count == (everything if late else 0)


def test_more_query_parameters_than_django_reads_is_a_400(sandbox, admin):
    """Past DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) query parameters: a `system` 400."""
    query = "&".join(["a="] * 1001)  # short enough for gunicorn's 4094-byte line
    message = assert_system_error(admin.get(f"{groups_url(sandbox)}?{query}"), 400)
    assert "1000 query parameters" in message


def test_the_token_endpoint_answers_json_for_too_many_form_fields(sandbox):
    """The same limit on the token endpoint's form: a JSON OAuth error, not HTML."""
    form = "&".join(f"p{i}=" for i in range(1001))
    response = requests.post(
        f"{sandbox.url}/oauth/token",
        data=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["error"] == "invalid_request"


@pytest.mark.parametrize("endpoint", ["token", "revoke"])
def test_the_token_endpoints_answer_json_to_other_methods(sandbox, endpoint):
    """RFC 6749 3.2 / RFC 7009 2.1: POST only; anything else is a JSON error, not HTML."""
    response = requests.get(f"{sandbox.url}/oauth/{endpoint}")
    assert response.status_code == 405 and response.headers["Allow"] == "POST"
    assert response.json()["error"] == "invalid_request"
