"""Shared fixtures. The sandbox harness (a real Kantata OX emulator process) is a plugin."""

import os
import shutil
import tempfile

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from hypothesis import settings as hypothesis_settings

from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.services import connection_save_checked
from kantata_admin.sandbox.demo import ADMIN_EMAIL

# Playwright's sync API runs an event loop in the test thread; Django would otherwise
# refuse the ORM calls that live-server browser tests make.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.sandbox_harness", "tests.groups.edit_fixtures"]

# Settings are loaded by now, caches not yet opened. A shared Redis may also serve a
# `make run` or another test run: this run's keys get a prefix of their own.
settings.CACHES["default"]["KEY_PREFIX"] = f"kantata-admin-test-{os.getpid()}"
# On SQLite the test database is a file, not Django's default in-memory one: with an
# in-memory database the live server hands all its request threads one shared connection,
# and two overlapping requests (htmx replacing a request still in flight) interleave their
# transactions on it, so a browser test saw its session vanish or a result never swapped
# in. With a file each thread has its own connection, as on PostgreSQL.
if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = os.path.join(
        tempfile.gettempdir(), f"kantata-admin-test-{os.getpid()}.sqlite3"
    )

# Django's PBKDF2 costs about half a second a hash here, and the suite hashes hundreds of
# passwords: tests hash with MD5, which no production setting can select.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The shared Kantata rate budget is off in tests unless a test turns it on (tests/bulk):
# the suite's page requests must not wait on each other's budget.
settings.KANTATA_RATE_BUDGET_PER_MINUTE = 0

PASSWORD = "correct-horse-battery-staple-42"

# Property tests draw the same examples on every run, so a red run can be rerun and
# CI is not a lottery. The default run is short; the large fuzz runs are `thorough`
# (`make fuzz`: the same examples, five times as many) and `explore` (new ones, fifty
# times as many); tests/sandbox/test_no_5xx.py scales its examples by profile.
hypothesis_settings.register_profile("repeatable", derandomize=True, database=None)
hypothesis_settings.register_profile("thorough", derandomize=True, database=None)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile("repeatable")


def clear_cache() -> None:
    """Empty this test run's cache, and only that."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        # clear() is FLUSHDB: it would wipe every other user of this Redis database.
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture(autouse=True, scope="session")
def _no_cache_left_behind():
    yield
    clear_cache()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and used TOTP codes live in the cache: start each test clean."""
    clear_cache()


@pytest.fixture
def make_member(db, django_user_model):
    def make(role: str = "viewer", email: str | None = None, **extra):
        email = email or f"{role}-{django_user_model.objects.count() + 1}@team.test"
        return django_user_model.objects.create_user(
            email=email, password=PASSWORD, role=role, **extra
        )

    return make


@pytest.fixture
def viewer(make_member):
    return make_member("viewer", "viewer@team.test")


@pytest.fixture
def editor(make_member):
    return make_member("editor", "editor@team.test")


@pytest.fixture
def team_admin(make_member):
    return make_member("admin", "admin@team.test")


@pytest.fixture
def login(client):
    """Sign a member in through the session, as allauth would after a good password."""

    def sign_in(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return sign_in


# --- Kantata OX connections (kantata_admin.connections) ------------------------------------


@pytest.fixture
def kantata_sandbox(sandbox, settings):
    """Point the dashboard's Kantata OX settings at the session's sandbox server."""
    settings.KANTATA_API_URL = sandbox.api_url
    settings.KANTATA_OAUTH_URL = sandbox.oauth_url
    # As settings.py does for KANTATA_OAUTH_URL: the browser may be sent there by a form.
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "form-action": [*settings.SECURE_CSP["form-action"], sandbox.base],
    }
    return sandbox


@pytest.fixture(scope="session")
def _connect_tokens(sandbox, token_pool):
    """Unused sandbox tokens by e-mail, made ten at a time (one request to the sandbox)."""
    pools = {ADMIN_EMAIL: token_pool}

    def take(email: str) -> str:
        pool = pools.setdefault(email, [])
        if not pool:
            pool.extend(sandbox.tokens(email, 10))
        return pool.pop()

    return take


@pytest.fixture
def connect(kantata_sandbox, _connect_tokens, db):
    """`connect(member, email=ADMIN_EMAIL)`: give `member` a working connection to that
    sandbox user (a fresh token, checked with users/me and saved encrypted through the
    connections service); returns the KantataConnection. One Kantata user belongs to one
    member, so two members of a test connect as two different sandbox users."""

    def make(member, email: str = ADMIN_EMAIL):
        return connection_save_checked(member, TokenGrant(_connect_tokens(email)))

    return make


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium")
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run installs it with apt-get")
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
