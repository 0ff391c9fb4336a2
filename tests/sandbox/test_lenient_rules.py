"""Conformance: where the real service is lenient, so is the sandbox. The rules are
Brainstem's, the framework Kantata built its API on (../shared/kantata-api-notes.md,
"Paging is lenient, not strict", "`only`", "Unknown `include` names are ignored")."""

import pytest

from tests.sandbox.helpers import ids


def groups_url(sandbox) -> str:
    return f"{sandbox.api_url}/workspace_groups.json"


@pytest.fixture(scope="module")
def first_200(sandbox, readonly_api) -> list[str]:
    body = readonly_api.get(groups_url(sandbox), params={"per_page": 200}).json()
    assert len(body["results"]) == 200  # the account holds more than 200 groups
    return ids(body)


def page(sandbox, session, **params) -> dict:
    response = session.get(groups_url(sandbox), params=params)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("per_page", [201, 999, 10**40])
def test_per_page_above_200_is_clamped_to_200(sandbox, readonly_api, first_200, per_page):
    """Brainstem: `per_page` above the maximum (200) is clamped to 200 (was a 400)."""
    body = page(sandbox, readonly_api, per_page=per_page)
    assert ids(body) == first_200 and body["meta"]["page_size"] == 200


@pytest.mark.parametrize("per_page", [0, -5, "ten", "", " "])
def test_per_page_below_1_or_not_a_number_is_the_default_20(
    sandbox, readonly_api, first_200, per_page
):
    """Brainstem: `per_page` below 1 or not a number falls back to the default 20."""
    body = page(sandbox, readonly_api, per_page=per_page)
    assert ids(body) == first_200[:20] and body["meta"]["page_size"] == 20


@pytest.mark.parametrize("number", [0, -3, "x", ""])
def test_a_page_below_1_is_page_1(sandbox, readonly_api, first_200, number):
    """Brainstem: `page` below 1 (or not a number) is 1."""
    body = page(sandbox, readonly_api, page=number, per_page=10)
    assert ids(body) == first_200[:10] and body["meta"]["page_number"] == 1


@pytest.mark.parametrize(
    ("limit", "offset", "start", "size"),
    [(0, 3, 3, 1), (-4, 3, 3, 1), (500, 0, 0, 200), (5, -7, 0, 5), ("x", 2, 2, 1)],
)
def test_limit_and_offset_are_clamped(sandbox, readonly_api, first_200, limit, offset, start, size):
    """Brainstem: `limit` is clamped to 1-200 and `offset` to at least 0."""
    body = page(sandbox, readonly_api, limit=limit, offset=offset)
    assert ids(body) == first_200[start : start + size]
    assert body["meta"]["page_size"] == size


def test_a_lone_limit_or_offset_is_ignored(sandbox, readonly_api, first_200):
    """Brainstem: `limit` and `offset` apply only when both are given."""
    assert ids(page(sandbox, readonly_api, limit=500)) == first_200[:20]
    assert ids(page(sandbox, readonly_api, offset=-1, per_page=5)) == first_200[:5]


def test_an_empty_result_is_page_0_of_0(sandbox, readonly_api):
    """Brainstem: on an empty result `meta.page_number` is 0."""
    body = page(sandbox, readonly_api, matching="no group is called this 7f3a", page=3)
    assert body["count"] == 0 and body["results"] == []
    assert body["meta"] == {"count": 0, "page_count": 0, "page_number": 0, "page_size": 20}


def test_only_answers_every_listed_id_at_once_unpaged(sandbox, readonly_api, first_200):
    """Brainstem: `only` returns every listed id at once, not paged (per_page ignored)."""
    wanted = first_200[:45]
    body = page(sandbox, readonly_api, only=",".join(reversed(wanted)), per_page=5, page=2)
    assert sorted(ids(body), key=int) == sorted(wanted, key=int)
    assert body["count"] == 45
    assert body["meta"] == {"count": 45, "page_count": 1, "page_number": 1, "page_size": 45}


def test_only_drops_ids_that_are_not_numbers(sandbox, readonly_api, first_200):
    """Brainstem: in `only`, ids that are not numbers are dropped (no 400)."""
    a, b = first_200[3], first_200[8]
    body = page(sandbox, readonly_api, only=f"x,{a}, ,abc,-1,0,{b}")
    assert sorted(ids(body), key=int) == sorted([a, b], key=int)
    nothing = page(sandbox, readonly_api, only="x,y")
    assert nothing["results"] == [] and nothing["meta"]["page_number"] == 0


@pytest.mark.parametrize("beyond", [str(2**63), "99999999999999999999999", "9" * 1000])
def test_only_with_an_id_beyond_64_bits_is_a_400(sandbox, readonly_api, beyond):
    """Documented: `only` takes integers, and one past the 64-bit ids is a bad request
    (before: dropped, 200)."""
    response = readonly_api.get(
        f"{sandbox.api_url}/workspace_groups.json", params={"only": f"1,{beyond}"}
    )
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["type"] == "system"


def test_only_is_lenient_on_other_endpoints_too(sandbox, admin):
    """The envelope's rules are the same on every list (Brainstem)."""
    spaces = ids(admin.get(f"{sandbox.api_url}/workspaces.json", params={"per_page": 2}).json())
    body = admin.get(
        f"{sandbox.api_url}/workspaces.json", params={"only": f"{spaces[0]},nope,-3"}
    ).json()
    assert ids(body) == [spaces[0]]


@pytest.mark.parametrize("include", ["users", "nope", "workspaces,nope", "nope,,workspaces"])
def test_unknown_include_names_are_ignored(sandbox, readonly_api, first_200, include):
    """Recorded: unknown `include` names are ignored, not refused; known ones still work."""
    body = page(sandbox, readonly_api, include=include, per_page=5)
    assert ids(body) == first_200[:5]
    groups = body["workspace_groups"].values()
    wants_workspaces = "workspaces" in include.split(",")
    assert all(("workspace_ids" in g) == wants_workspaces for g in groups)
    assert set(body) <= {"count", "results", "workspace_groups", "workspaces", "meta"}
