"""One deadline per call: every attempt, wait, lookup and resend fits in the policy's budget."""

import time

import pytest

from kantata_admin.kantata import (
    KantataClient,
    RetryPolicy,
    Timeout,
    WorkspaceGroupFilters,
    track_calls,
)
from tests.sandbox_harness import unique_name

READ_TIMEOUT = 2.0
BUDGET = 2.5
# Scheduling and the loopback round trip on a busy machine; still half a read timeout
# short of what a call that ignored its deadline would take.
SLACK = 1.0
TIGHT = RetryPolicy(max_attempts=4, backoff_base=0.02, backoff_cap=0.05, total_budget=BUDGET)


@pytest.fixture
def tight(sandbox, fresh_token):
    return KantataClient(
        fresh_token, base_url=sandbox.api_url, read_timeout=READ_TIMEOUT, retry=TIGHT
    )


def test_default_budget_leaves_room_to_retry_one_timed_out_read():
    client = KantataClient("token", base_url="http://127.0.0.1:9/api/v1")
    assert client.retry.total_budget >= 2 * client.timeout[1]


def test_retried_read_ends_within_the_budget(sandbox, fresh_token, tight):
    sandbox.fault(fresh_token, kind="delay", delay_ms=5000, count=4)
    started = time.monotonic()
    with track_calls() as calls, pytest.raises(Timeout):
        tight.users.me()
    assert time.monotonic() - started < BUDGET + SLACK
    # The second attempt got only what was left of the budget, and no third was started.
    assert [c.status for c in calls.calls] == [None, None]
    assert calls.calls[1].milliseconds < (BUDGET - READ_TIMEOUT + SLACK) * 1000


def test_timed_out_create_with_its_lookup_ends_within_the_budget(
    sandbox, fresh_token, tight, client
):
    sandbox.fault(fresh_token, kind="delay", delay_ms=5000, count=4)
    name = unique_name()
    started = time.monotonic()
    try:
        with track_calls() as calls, pytest.raises(Timeout):
            tight.workspace_groups.create({"name": name})
        assert time.monotonic() - started < BUDGET + SLACK
        assert [c.method for c in calls.calls] == ["POST", "GET"]
    finally:
        for group in client.workspace_groups.list(WorkspaceGroupFilters(matching=name)):
            client.workspace_groups.delete(group.id)
