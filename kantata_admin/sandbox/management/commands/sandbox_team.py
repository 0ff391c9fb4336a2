"""`python -m kantata_admin.sandbox sandbox_team --count 50`: more Kantata users in the
demo account, for a load run whose members each need their own Kantata identity (a
Kantata user belongs to one dashboard member). Idempotent."""

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kantata_admin.sandbox.demo import ADMIN_EMAIL, SANDBOX_PASSWORD
from kantata_admin.sandbox.models import SandboxUser, Workspace


def team_email(prefix: str, n: int) -> str:
    return f"{prefix}-{n:03d}@sandbox.test"


class Command(BaseCommand):
    help = "Add COUNT project leads to the demo account (the administrator's workspaces)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=50)
        parser.add_argument("--prefix", default="member")

    def handle(self, *args, count: int, prefix: str, **options) -> None:
        if not 1 <= count <= 1000:
            raise CommandError("count must be from 1 to 1000")
        admin = SandboxUser.objects.filter(email=ADMIN_EMAIL).first()
        if admin is None:
            raise CommandError("The sandbox is not seeded: run sandbox_setup first.")
        password = make_password(SANDBOX_PASSWORD)  # one slow hash, shared by all
        spaces = list(Workspace.objects.filter(participants=admin).values_list("pk", flat=True))
        with transaction.atomic():
            for n in range(1, count + 1):
                user, made = SandboxUser.objects.get_or_create(
                    email=team_email(prefix, n),
                    defaults={
                        "account": admin.account,
                        "full_name": f"Team member {n}",
                        "password": password,
                        "account_permission": "project_lead",
                    },
                )
                if made:
                    user.workspaces.set(spaces)
                self.stdout.write(user.email)
