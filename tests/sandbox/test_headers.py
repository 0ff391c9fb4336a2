"""Conformance: the headers recorded on every answer of the real service -
`Content-Type: application/json; charset=utf-8`, an `X-Request-Id` on every answer, a
weak `ETag` on GET answers (../shared/kantata-api-notes.md, "Headers")."""

import json
import logging
import re

import pytest
import requests
from django.test import Client

from tests.sandbox import factories

JSON = "application/json; charset=utf-8"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def groups_url(sandbox, pk=None) -> str:
    return f"{sandbox.api_url}/workspace_groups{'' if pk is None else f'/{pk}'}.json"


def answers(sandbox, admin, readonly_api) -> dict[str, requests.Response]:
    """One answer of every kind: list, show, 400, 401, 403, 404, 422, unknown path."""
    pk = admin.get(groups_url(sandbox), params={"per_page": 1}).json()["results"][0]["id"]
    return {
        "list": admin.get(groups_url(sandbox)),
        "show": admin.get(groups_url(sandbox, pk)),
        "400": admin.get(groups_url(sandbox), params={"only": "1", "companies_only": "maybe"}),
        "401": requests.get(groups_url(sandbox)),
        "403": readonly_api.post(groups_url(sandbox), json={"workspace_group": {"name": "x"}}),
        "404": admin.get(groups_url(sandbox, 999_999_999)),
        "422": admin.post(groups_url(sandbox), json={"workspace_group": {"name": ""}}),
        "no route": admin.get(f"{sandbox.api_url}/no_such_thing.json"),
    }


def test_every_api_answer_is_utf8_json_with_a_fresh_request_id(sandbox, admin, readonly_api):
    """Recorded headers: `Content-Type: application/json; charset=utf-8` and an
    `X-Request-Id` on every answer, errors included; each call gets its own."""
    seen = answers(sandbox, admin, readonly_api)
    expected = {"list": 200, "show": 200, "400": 400, "401": 401, "403": 403, "404": 404}
    expected |= {"422": 422, "no route": 404}
    assert {kind: r.status_code for kind, r in seen.items()} == expected
    for kind, response in seen.items():
        assert response.headers["Content-Type"] == JSON, kind
        assert UUID.match(response.headers["X-Request-Id"]), kind
    assert len({r.headers["X-Request-Id"] for r in seen.values()}) == len(seen)


def test_the_token_endpoint_answers_utf8_json_too(sandbox):
    """Recorded Content-Type, on the authorization server's JSON answers as well."""
    response = requests.post(f"{sandbox.url}/oauth/token", data={"grant_type": "x"})
    assert response.status_code == 401
    assert response.headers["Content-Type"] == JSON


def test_get_answers_carry_a_weak_etag_and_a_match_answers_304(sandbox, admin):
    """Recorded: a weak `ETag` on GET answers; a conditional GET with it is 304, no body."""
    first = admin.get(groups_url(sandbox), params={"per_page": 3})
    etag = first.headers["ETag"]
    assert etag.startswith('W/"') and etag.endswith('"')
    again = admin.get(groups_url(sandbox), params={"per_page": 3})
    assert again.headers["ETag"] == etag  # same content, same tag

    unchanged = admin.get(
        groups_url(sandbox), params={"per_page": 3}, headers={"If-None-Match": etag}
    )
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged.headers["ETag"] == etag and unchanged.headers["X-Request-Id"]

    other = admin.get(
        groups_url(sandbox), params={"per_page": 3}, headers={"If-None-Match": 'W/"stale"'}
    )
    assert other.status_code == 200 and other.json() == first.json()


def test_a_change_changes_the_etag(sandbox, admin, unique_name):
    """A weak ETag validates content: after an update the old tag no longer matches."""
    created = admin.post(groups_url(sandbox), json={"workspace_group": {"name": unique_name}})
    pk = created.json()["results"][0]["id"]
    try:
        etag = admin.get(groups_url(sandbox, pk)).headers["ETag"]
        changed = {"workspace_group": {"name": unique_name, "notes": "changed"}}
        assert admin.put(groups_url(sandbox, pk), json=changed).status_code == 200
        after = admin.get(groups_url(sandbox, pk), headers={"If-None-Match": etag})
        assert after.status_code == 200 and after.headers["ETag"] != etag
        assert after.json()["workspace_groups"][pk]["notes"] == "changed"
    finally:
        admin.delete(groups_url(sandbox, pk))


def test_writes_and_errors_carry_no_etag(sandbox, admin, unique_name):
    """ETags are for GET answers only."""
    created = admin.post(groups_url(sandbox), json={"workspace_group": {"name": unique_name}})
    pk = created.json()["results"][0]["id"]
    admin.delete(groups_url(sandbox, pk))
    missing = admin.get(groups_url(sandbox, pk))
    assert "ETag" not in created.headers and "ETag" not in missing.headers


@pytest.mark.django_db
def test_the_request_id_is_in_the_log_line_of_its_call(settings, caplog):
    """Recorded: the `X-Request-Id` is what Kantata's support asks for, so the sandbox's
    log line for the call carries it (and never the token)."""
    settings.ROOT_URLCONF = "kantata_admin.sandbox.root_urls"
    fixture = factories.build(groups=2)
    with caplog.at_level(logging.INFO, logger="kantata_admin.sandbox.api.endpoint"):
        response = Client().post(
            "/api/v1/workspace_groups.json",
            data=json.dumps({"workspace_group": {"name": ""}}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {fixture.token}",
        )
    assert response.status_code == 422
    [line] = [r.getMessage() for r in caplog.records if r.name.endswith("api.endpoint")]
    assert response["X-Request-Id"] in line
    assert "POST /api/v1/workspace_groups.json 422" in line
    assert fixture.token not in caplog.text
