"""A group's detail page: every field and association the API holds, in one upstream call
and one for its custom field values (read as Kantata documents them); a friendly 404;
upstream failures with a retry."""

import html
import re
import uuid

import pytest

from kantata_admin.kantata import track_calls
from tests.groups.browse_fixtures import browsing_fixture  # noqa: F401 (fixture)

INCLUDES = "workspaces,rate_card_sets,external_references"


def _values_of(session, sandbox, group_ids) -> list[dict]:
    return list(
        session.get(
            f"{sandbox.api_url}/custom_field_values.json",
            params={
                "subject_type": "workspace_group",
                "with_subject_id": ",".join(group_ids),
                "per_page": 200,
            },
        )
        .json()
        .get("custom_field_values", {})
        .values()
    )


@pytest.fixture(scope="session")
def rich_group_id(sandbox, admin_token) -> str:
    """A seeded group with an archived workspace, references, rate cards and custom values."""
    session = sandbox.api(admin_token)
    for page in range(1, 13):
        answer = session.get(
            f"{sandbox.api_url}/workspace_groups.json",
            params={"include": INCLUDES, "page": page, "per_page": 20},
        ).json()
        page_values = _values_of(session, sandbox, [entry["id"] for entry in answer["results"]])
        for entry in answer["results"]:
            group = answer["workspace_groups"][entry["id"]]
            archived = [
                w for w in group.get("workspace_ids", []) if answer["workspaces"][w]["archived"]
            ]
            values = [v for v in page_values if str(v["subject_id"]) == entry["id"]]
            if (
                archived
                and group.get("external_reference_ids")
                and group.get("rate_card_set_ids")
                and len(values) >= 3
            ):
                return entry["id"]
    raise AssertionError("no seeded group has every kind of association")


def test_detail_shows_every_field_and_association(browsing, rich_group_id):
    answer = browsing.api(f"/workspace_groups/{rich_group_id}.json", include=INCLUDES)
    group = answer["workspace_groups"][rich_group_id]

    with track_calls() as calls:
        response = browsing.get(f"/groups/{rich_group_id}/")

    assert [call.path for call in calls.calls] == [
        f"/workspace_groups/{rich_group_id}.json",
        "/custom_field_values.json",
    ]
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert f"<h1>{group['name']}" in body
    for name in ("contact_name", "email", "phone_number"):
        if group[name]:
            assert group[name] in body
    for workspace_id in group["workspace_ids"]:
        workspace = answer["workspaces"][workspace_id]
        marked = re.search(
            re.escape(workspace["title"]) + r'( <span class="badge">archived</span>)?', body
        )
        assert marked, workspace["title"]
        assert bool(marked.group(1)) == workspace["archived"]
    for card_id in group["rate_card_set_ids"]:
        assert answer["rate_card_sets"][card_id]["title"] in body
    for reference_id in group["external_reference_ids"]:
        reference = answer["external_references"][reference_id]
        assert f'<a href="{reference["external_link"]}"' in body
        assert f'<span class="status-{reference["status"]}">{reference["status"]}</span>' in body
    values = _values_of(browsing.sandbox.api(browsing.token), browsing.sandbox, [rich_group_id])
    assert len(values) >= 3
    for value in values:
        if str(value["subject_id"]) == rich_group_id:
            assert f"<dt>{value['custom_field_name']}</dt><dd>{value['display_value']}</dd>" in body


@pytest.mark.parametrize("group_id", ["987654321", "0"])
def test_a_missing_group_is_a_friendly_404(browsing, group_id):
    response = browsing.get(f"/groups/{group_id}/")

    assert response.status_code == 404
    body = response.content.decode()
    assert "No such workspace group" in body
    assert 'href="/groups/">Back to the groups' in body


def test_another_accounts_group_is_not_found(browsing, sandbox):
    other = sandbox.api(sandbox.token("admin@globex.sandbox.test"))
    globex_id = other.get(f"{sandbox.api_url}/workspace_groups.json").json()["results"][0]["id"]

    assert browsing.get(f"/groups/{globex_id}/").status_code == 404


def test_an_unavailable_upstream_shows_a_retry(browsing, rich_group_id):
    browsing.sandbox.fault(browsing.token, kind="503", count=4)

    response = browsing.get(f"/groups/{rich_group_id}/")

    assert response.status_code == 503
    body = response.content.decode()
    assert "Kantata OX is unavailable" in body
    assert f'href="/groups/{rich_group_id}/">Retry' in body


def test_stored_markup_and_script_addresses_stay_text(browsing):
    name = f"<script>alert(1)</script> {uuid.uuid4().hex[:8]}"
    api = browsing.sandbox.api(browsing.token)
    created = api.post(
        f"{browsing.sandbox.api_url}/workspace_groups.json",
        json={"workspace_group": {"name": name, "website": "javascript:alert(1)"}},
    ).json()
    group_id = created["results"][0]["id"]
    try:
        body = browsing.get(f"/groups/{group_id}/").content.decode()
    finally:
        api.delete(f"{browsing.sandbox.api_url}/workspace_groups/{group_id}.json")

    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert 'href="javascript:' not in body
    assert "javascript:alert(1)" in body
