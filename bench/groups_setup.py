"""What the group benchmarks share: the dashboard in this process, with a throwaway
database, and a member connected to a sandbox server.

Import it before anything from Django or the project: it sets the environment the
settings are read from, then sets Django up.
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = Path(tempfile.mkdtemp(prefix="bench-groups-"))
os.environ.update(
    DJANGO_SETTINGS_MODULE="kantata_admin.settings",
    DATABASE_URL=f"sqlite:///{WORKDIR / 'dashboard.sqlite3'}",
    LOG_LEVEL="WARNING",
    MFA_REQUIRED="false",
)
os.environ.pop("REDIS_URL", None)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from kantata_admin.accounts.models import User  # noqa: E402
from kantata_admin.connections.oauth import TokenGrant  # noqa: E402
from kantata_admin.connections.services import connection_save_checked  # noqa: E402
from tests.sandbox_harness import ADMIN_EMAIL, SandboxServer  # noqa: E402

__all__ = ["ROOT", "WORKDIR", "SandboxServer", "migrate", "signed_in_member"]


def migrate() -> None:
    call_command("migrate", verbosity=0)


def signed_in_member(server: SandboxServer, token: str, *, role: str = "viewer") -> Client:
    """A test client signed in as a member of `role` whose connection is `token` (the
    sandbox administrator's); its session is stored in this benchmark's database, so a
    dashboard served from it knows the member too. Any earlier benchmark member is removed
    first (one Kantata user belongs to one member)."""
    settings.KANTATA_API_URL = server.api_url
    User.objects.filter(email="bench@team.test").delete()
    member = User.objects.create_user(
        email="bench@team.test", password="unused-bench-password-1", role=role
    )
    connection_save_checked(member, TokenGrant(token))
    browser = Client(HTTP_HOST="localhost")
    browser.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    return browser


def admin_token(server: SandboxServer) -> str:
    return server.token(ADMIN_EMAIL)
