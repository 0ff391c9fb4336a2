"""`manage.py team_seed --count 50`: a team for load runs (bench/team_load.py). Each
member gets a dashboard login (a verified e-mail and a password) and a Kantata OX
connection of their own, to a Kantata user of their own in the sandbox (its
`sandbox_team` command adds them), checked with `users/me` as the connect page does.

Sandbox only (DEBUG): the password is published in bench/README.md. Idempotent: a member
already there gets a fresh token. `--out FILE` writes the members as JSON (e-mail,
password, Kantata e-mail, token) for the load run, which queues faults on the tokens.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import requests
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kantata_admin.accounts.models import Role, User
from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.services import connection_save_checked

TEAM_PASSWORD = "team-member-pass-2026"


class Command(BaseCommand):
    help = "Seed COUNT members, each with a login and a Kantata OX connection (sandbox only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=50)
        parser.add_argument("--prefix", default="member")
        parser.add_argument("--role", default=Role.EDITOR, choices=Role.values)
        parser.add_argument("--out", type=Path, help="write the members as JSON here")

    def handle(self, *args, count: int, prefix: str, role: str, out: Path | None, **options):
        if not (settings.DEBUG and settings.KANTATA_SANDBOX):
            raise CommandError("team_seed needs the sandbox (DEBUG=true, KANTATA_SANDBOX=true).")
        emails = self._sandbox_users(count, prefix)
        password = make_password(TEAM_PASSWORD)  # one slow hash, shared by all
        members = []
        for n, kantata_email in enumerate(emails, start=1):
            email = f"{prefix}-{n:03d}@team.test"
            user, _ = User.objects.get_or_create(
                email=email, defaults={"role": role, "password": password}
            )
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            token = self._token(kantata_email)
            connection_save_checked(user, TokenGrant(token))
            members.append(
                {
                    "email": email,
                    "password": TEAM_PASSWORD,
                    "kantata_email": kantata_email,
                    "token": token,
                }
            )
        if out:
            out.write_text(json.dumps(members, indent=1))
        self.stdout.write(f"{len(members)} members ready ({prefix}-001 … {prefix}-{count:03d}).")

    def _sandbox_users(self, count: int, prefix: str) -> list[str]:
        """The sandbox is another service with its own settings and database: its own
        command adds the Kantata users (as demo_setup runs sandbox_setup)."""
        env = {**os.environ}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        command = ["-m", "kantata_admin.sandbox", "sandbox_team", "--count", str(count)]
        result = subprocess.run(  # noqa: S603 (our own command; the prefix is an argument)
            [sys.executable, *command, "--prefix", prefix],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise CommandError(f"The sandbox's sandbox_team failed:\n{result.stderr}")
        return result.stdout.split()

    def _token(self, kantata_email: str) -> str:
        """A new personal token of that Kantata user, from the sandbox's test controls."""
        answer = requests.post(
            f"{settings.KANTATA_OAUTH_URL}/controls/tokens",
            json={"email": kantata_email},
            timeout=30,
        )
        answer.raise_for_status()
        return answer.json()["tokens"][0]
