"""A Kantata account's cool-down after a 429, kept where the budget's counts are (Redis, or
the budget's SQLite file) and never in Django's database: the requestor reports a 429 from
whatever thread sent the request, and that must not open a database transaction there.

A 429 pauses the account's jobs for 1 s, doubling with each further 429 up to 30 s; the
first success after it resets the doubling.
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from pathlib import Path

from django.conf import settings
from redis import Redis

BASE = 1.0
CAP = 30.0
# How long a cool-down's record outlives its pause (Redis expires it).
KEEP = 3600


def wait_for(level: int) -> float:
    """The pause after the `level`-th 429 in a row, jittered so that workers spread out."""
    return min(CAP, BASE * 2 ** (min(level, 8) - 1)) * random.uniform(0.75, 1.0)  # noqa: S311


class RedisCooldowns:
    def __init__(self, url: str, prefix: str) -> None:
        self.redis = Redis.from_url(url)
        self.prefix = prefix

    def _key(self, account_id: str) -> str:
        return f"{self.prefix}:kantata-cooldown:{account_id}"

    def remaining(self, account_id: str) -> float:
        until = self.redis.hget(self._key(account_id), "until")
        return max(0.0, float(until) - time.time()) if until else 0.0

    def start(self, account_id: str) -> None:
        key = self._key(account_id)
        level = self.redis.hincrby(key, "level", 1)
        self.redis.hset(key, "until", time.time() + wait_for(level))
        self.redis.expire(key, KEEP)

    def end(self, account_id: str) -> None:
        key = self._key(account_id)
        if int(self.redis.hget(key, "level") or 0):
            self.redis.hset(key, "level", 0)


class SQLiteCooldowns:
    SCHEMA = "CREATE TABLE IF NOT EXISTS cooldown (account TEXT PRIMARY KEY, until REAL, level INT)"

    def __init__(self, path: str) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.local = threading.local()

    def _db(self) -> sqlite3.Connection:
        # One connection per thread; autocommit, with explicit transactions where needed.
        db = getattr(self.local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            db.execute(self.SCHEMA)
            self.local.db = db
        return db

    def remaining(self, account_id: str) -> float:
        row = (
            self._db()
            .execute("SELECT until FROM cooldown WHERE account = ?", (account_id,))
            .fetchone()
        )
        return max(0.0, row[0] - time.time()) if row else 0.0

    def start(self, account_id: str) -> None:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute("SELECT level FROM cooldown WHERE account = ?", (account_id,))
            level = ((row.fetchone() or (0,))[0] or 0) + 1
            db.execute(
                "INSERT OR REPLACE INTO cooldown (account, until, level) VALUES (?, ?, ?)",
                (account_id, time.time() + wait_for(level), level),
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def end(self, account_id: str) -> None:
        db = self._db()
        row = db.execute("SELECT level FROM cooldown WHERE account = ?", (account_id,)).fetchone()
        if row and row[0]:
            db.execute("UPDATE cooldown SET level = 0 WHERE account = ?", (account_id,))


_stores: dict[tuple[str, str], RedisCooldowns | SQLiteCooldowns] = {}
_lock = threading.Lock()


def cooldowns() -> RedisCooldowns | SQLiteCooldowns:
    """This process's handle on the shared cool-downs (per setting, for tests)."""
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    where = (
        (settings.REDIS_URL, prefix)
        if settings.REDIS_URL
        else ("", settings.KANTATA_RATE_BUDGET_SQLITE)
    )
    with _lock:
        if where not in _stores:
            _stores[where] = (
                RedisCooldowns(settings.REDIS_URL, prefix)
                if settings.REDIS_URL
                else SQLiteCooldowns(settings.KANTATA_RATE_BUDGET_SQLITE)
            )
        return _stores[where]
