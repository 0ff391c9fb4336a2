import os
import subprocess
import sys

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kantata_admin.accounts.models import Role, User

DEMO_ADMIN_EMAIL = "demo-admin@kantata-admin.test"
DEMO_ADMIN_PASSWORD = "demo-admin-pass-2026"


class Command(BaseCommand):
    help = "Make the product ready to try: a demo admin and, with the sandbox, its demo data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=settings.PORT)

    def handle(self, *args, port: int, **options) -> None:
        if not settings.DEBUG:
            # The demo admin's password is published in the README.
            raise CommandError("demo_setup is for development (DEBUG=true) only.")
        self._demo_admin()
        if settings.KANTATA_SANDBOX:
            self._sandbox(port)

    def _demo_admin(self) -> None:
        user = User.objects.filter(email=DEMO_ADMIN_EMAIL).first()
        if user is None:
            user = User.objects.create_user(
                email=DEMO_ADMIN_EMAIL, password=DEMO_ADMIN_PASSWORD, role=Role.ADMIN
            )
            self.stdout.write(f"Created the demo admin {DEMO_ADMIN_EMAIL} ({DEMO_ADMIN_PASSWORD}).")
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )

    def _sandbox(self, port: int) -> None:
        """The sandbox is another service with its own settings and database: set it up
        (migrate, seed when empty, the dashboard's callbacks on `port`) in its own process."""
        env = {**os.environ, "PORT": str(port)}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        result = subprocess.run(
            [sys.executable, "-m", "kantata_admin.sandbox", "sandbox_setup", "--keep"],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        self.stdout.write(result.stdout.rstrip())
        if result.returncode != 0:
            raise CommandError(f"The sandbox's set-up failed:\n{result.stderr}")
