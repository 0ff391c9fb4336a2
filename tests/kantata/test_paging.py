"""Paging to the end of a large account, lazily, at 200 a page."""

import math
from itertools import islice

import pytest

from kantata_admin.kantata import KantataClient, track_calls
from tests.sandbox_harness import ADMIN_EMAIL, OTHER_ACCOUNT_EMAIL


@pytest.fixture(scope="module")
def big(sandbox_10k) -> KantataClient:
    return KantataClient(sandbox_10k.token(ADMIN_EMAIL), base_url=sandbox_10k.api_url)


def test_iter_all_walks_every_group_to_the_end(big, sandbox_10k):
    count = big.workspace_groups.list(per_page=1).count
    with track_calls() as calls:
        ids = [g.id for g in big.workspace_groups.iter_all(order="created_at:asc")]
    assert len(ids) == len(set(ids)) == count
    assert calls.count == math.ceil(count / 200)
    assert {c.path for c in calls.calls} == {"/workspace_groups.json"}
    other = KantataClient(sandbox_10k.token(OTHER_ACCOUNT_EMAIL), base_url=sandbox_10k.api_url)
    assert count + sum(1 for _ in other.workspace_groups.iter_all()) == 10_000


def test_iter_all_fetches_only_what_is_consumed(big):
    with track_calls() as calls:
        first = list(islice(big.workspace_groups.iter_all(), 250))
    assert len(first) == 250
    assert calls.count == 2


def test_iter_all_resolves_includes_on_every_page(big):
    with track_calls() as calls:
        groups = list(islice(big.workspace_groups.iter_all(include=["workspaces"]), 400))
    assert calls.count == 2
    assert all(g.workspaces is not None for g in groups)
    assert sum(len(g.workspaces) for g in groups) > 0


def test_last_page_is_short_and_past_the_end_is_empty(big):
    first = big.workspace_groups.list(per_page=200)
    last = big.workspace_groups.list(page=first.page_count, per_page=200)
    assert len(last) == first.count - 200 * (first.page_count - 1)
    assert not last.has_next
    assert big.workspace_groups.list(page=first.page_count + 1, per_page=200).records == []
