"""One request budget per Kantata account, shared by every web and worker process.

The budget is a pyrate-limiter bucket per account: in Redis when `REDIS_URL` is set, else
in a SQLite file guarded by a file lock (every process on the machine shares it). Pages and
jobs put their requests in the same bucket, but look at it through different limits: a
page may fill it to the whole budget, a job only to the budget less the pages' reserve,
and a job also keeps to a per-second pace. So a page never waits behind a job (jobs stop
short of the reserve), and jobs take whatever pages leave.

Kantata documents no `Retry-After`: a 429, seen by a page or a job, starts a cool-down of
the account's jobs (cooldown.py, in the same store) that doubles with each further 429 and
ends at the first success after it.
"""

from __future__ import annotations

import math
import random
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from pyrate_limiter import AbstractBucket, Duration, Rate, RateItem, RedisBucket, SQLiteBucket
from redis import Redis

from kantata_admin.ratebudget.cooldown import cooldowns

PAGE = "page"
JOB = "job"
PRIORITIES = (PAGE, JOB)
# Longest a page waits for the budget before it goes anyway: the budget is ours, Kantata's
# own limit is the real one, and a member should not stare at a spinner.
PAGE_MAX_WAIT = 2.0
LEAK_CHANCE = 0.02
_buckets: dict[tuple[str, str], AbstractBucket] = {}
_buckets_lock = threading.Lock()


def _limits() -> tuple[int, int]:
    """(requests a minute for pages, for jobs): the whole budget, and the budget less the
    pages' reserve."""
    whole = settings.KANTATA_RATE_BUDGET_PER_MINUTE
    reserve = math.ceil(whole * settings.KANTATA_RATE_BUDGET_PAGE_RESERVE)
    return whole, max(1, whole - reserve)


def _rates(priority: str) -> list[Rate]:
    page_limit, job_limit = _limits()
    if priority == PAGE:
        return [Rate(page_limit, Duration.MINUTE)]
    # A per-second pace too, so a job spreads its minute instead of spending it at once.
    return [Rate(max(1, math.ceil(job_limit / 60)), Duration.SECOND), Rate(job_limit, 60_000)]


def _new_bucket(account_id: str, priority: str) -> AbstractBucket:
    # Under the cache's key prefix: every process of one site shares it, other sites (or
    # test runs) on the same Redis do not.
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    key = f"{prefix}:kantata-rate-budget:{account_id}"
    if settings.REDIS_URL:
        return RedisBucket.init(_rates(priority), Redis.from_url(settings.REDIS_URL), key)
    path = Path(settings.KANTATA_RATE_BUDGET_SQLITE)
    path.parent.mkdir(parents=True, exist_ok=True)
    table = "budget_" + "".join(c if c.isalnum() else "_" for c in account_id)
    return SQLiteBucket.init_from_file(
        _rates(priority), table=table, db_path=str(path), use_file_lock=True
    )


def _bucket(account_id: str, priority: str) -> AbstractBucket:
    # One bucket object per account and priority in a process: it holds a connection, not
    # any member's state; the counts themselves live in Redis or the shared file.
    key = (account_id, priority)
    with _buckets_lock:
        if key not in _buckets:
            _buckets[key] = _new_bucket(account_id, priority)
        return _buckets[key]


def reset_buckets() -> None:
    """Forget this process's bucket objects (after a settings change, in tests)."""
    with _buckets_lock:
        _buckets.clear()


def cooldown_remaining(account_id: str) -> float:
    """Seconds the account's jobs still wait after a 429 (0 when they need not)."""
    return cooldowns().remaining(account_id)


@dataclass
class AccountBudget:
    """The `kantata.RateBudget` of one account, for pages or for jobs."""

    account_id: str
    priority: str = PAGE
    sleep: object = time.sleep

    def wait_turn(self, remaining: float) -> None:
        if settings.KANTATA_RATE_BUDGET_PER_MINUTE <= 0:
            return
        give_up = time.monotonic() + (
            min(PAGE_MAX_WAIT, remaining) if self.priority == PAGE else max(0.0, remaining - 1)
        )
        bucket = _bucket(self.account_id, self.priority)
        while True:
            if self.priority == JOB and (pause := cooldown_remaining(self.account_id)):
                wait = pause
            else:
                item = RateItem(f"{self.priority}", bucket.now(), 1)
                if bucket.put(item):
                    if random.random() < LEAK_CHANCE:  # noqa: S311
                        bucket.leak(item.timestamp)  # old items out, now and then
                    return
                wait = max(0.05, bucket.waiting(item) / 1000)
                bucket.leak(bucket.now())
            left = give_up - time.monotonic()
            if left <= 0:
                return  # out of time: send, and let Kantata's own answer decide
            self.sleep(min(wait, left, 1.0))

    def answered(self, status: int | None) -> None:
        if status == 429:
            cooldowns().start(self.account_id)
        elif status is not None and status < 400:
            # Any success, a page's too, ends the doubling: with a paused job making no
            # calls, only its own would never come, and pages' 429s kept it at the cap.
            cooldowns().end(self.account_id)


def budget_for(account_id: str | None, priority: str = PAGE) -> AccountBudget | None:
    """The budget a client of this account uses, or None when the account is not known."""
    if not account_id:
        return None
    return AccountBudget(str(account_id), priority)
