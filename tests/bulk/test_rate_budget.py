"""One rate budget per Kantata account: pages first, jobs take what pages leave, a 429
slows every job of the account, and the sandbox can leave Retry-After out as Kantata does."""

import time

import pytest
import requests

from kantata_admin.kantata import KantataClient, RateLimited, RetryPolicy
from kantata_admin.ratebudget.budget import (
    JOB,
    PAGE,
    AccountBudget,
    cooldown_remaining,
    reset_buckets,
)
from kantata_admin.ratebudget.cooldown import cooldowns

pytestmark = pytest.mark.django_db


def test_a_429_seen_on_a_page_thread_writes_no_database_row(
    small_budget, django_assert_num_queries
):
    # The requestor reports from whatever thread sent the request (the list page sends
    # from a pool): the cool-down lives in the budget's own store, not in Django's database.
    with django_assert_num_queries(0):
        AccountBudget("acct-5", PAGE).answered(429)
        assert cooldowns().remaining("acct-5") > 0


@pytest.fixture
def small_budget(settings, tmp_path):
    settings.KANTATA_RATE_BUDGET_PER_MINUTE = 20
    settings.KANTATA_RATE_BUDGET_PAGE_RESERVE = 0.25  # jobs: 15 a minute
    settings.KANTATA_RATE_BUDGET_SQLITE = str(tmp_path / "budget.sqlite3")
    reset_buckets()
    yield
    reset_buckets()


def _timed(budget: AccountBudget, remaining: float = 0.5) -> float:
    started = time.monotonic()
    budget.wait_turn(remaining)
    return time.monotonic() - started


def test_jobs_take_what_pages_leave_and_pages_keep_their_reserve(small_budget):
    job = AccountBudget("acct-1", JOB, sleep=lambda s: time.sleep(min(s, 0.05)))
    page = AccountBudget("acct-1", PAGE)
    # Pages spend 15 of the minute's 20: all at once, none waits.
    assert max(_timed(page) for _ in range(15)) < 0.5
    # Jobs may use the budget less the pages' reserve (15): nothing is left for them, so
    # a job's request waits (here until its time runs out)...
    assert _timed(job, remaining=2.0) >= 0.9
    # ...while the pages' reserve is still there: five more page requests go at once.
    assert max(_timed(page) for _ in range(5)) < 0.5
    # Another account's budget is its own.
    assert _timed(AccountBudget("acct-2", JOB), remaining=2.0) < 0.5


def test_a_429_seen_by_a_page_slows_the_accounts_jobs_and_doubles(small_budget):
    page = AccountBudget("acct-3", PAGE)
    page.answered(429)
    first = cooldown_remaining("acct-3")
    assert 0.5 <= first <= 1.0
    assert _timed(AccountBudget("acct-3", JOB), remaining=3) >= 0.5
    page.answered(429)
    assert cooldown_remaining("acct-3") > 1.0  # the second in a row waits about 2 s
    AccountBudget("acct-3", JOB).answered(200)
    page.answered(429)  # after a success the doubling starts again from 1 s
    assert cooldown_remaining("acct-3") <= 1.0
    # Pages themselves are never held by the cool-down.
    assert _timed(page) < 0.5


def test_the_client_tells_the_budget_of_a_429_without_retry_after(
    bulk_sandbox, bulk_tokens, small_budget
):
    token = bulk_tokens[1]
    bulk_sandbox.fault(token, kind="429", count=1)
    client = KantataClient(
        token,
        base_url=bulk_sandbox.api_url,
        retry=RetryPolicy(max_attempts=1),
        rate_budget=AccountBudget("acct-4", JOB),
    )
    with pytest.raises(RateLimited) as refused:
        client.users.me()
    assert refused.value.retry_after is None
    assert cooldown_remaining("acct-4") > 0


def test_the_sandbox_leaves_retry_after_out_when_told(bulk_sandbox, bulk_tokens):
    token = bulk_tokens[2]
    bulk_sandbox.set_rate_limit(token, 1)
    try:
        answers = [
            requests.get(
                f"{bulk_sandbox.api_url}/users/me.json",
                headers={"Authorization": f"Bearer {token}"},
                timeout=10,
            )
            for _ in range(2)
        ]
    finally:
        bulk_sandbox.set_rate_limit(token, None)
    assert [a.status_code for a in answers] == [200, 429]
    assert "Retry-After" not in answers[1].headers
