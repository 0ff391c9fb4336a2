from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from kantata_admin.sandbox.models import Account
from kantata_admin.sandbox.operations import application_register
from kantata_admin.sandbox.seed import dashboard_redirect_uris


class Command(BaseCommand):
    help = (
        "Make the sandbox's database ready in one command: migrate, seed the demo data "
        "(with --keep, only when empty) and register the dashboard's application for "
        "the dashboard's PORT."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--groups", type=int, default=250, help="workspace groups in all")
        parser.add_argument("--seed", type=int, default=1, help="random seed")
        parser.add_argument(
            "--keep", action="store_true", help="keep existing data (seed only an empty sandbox)"
        )
        parser.add_argument(
            "--redirect-uri",
            action="append",
            default=[],
            help="an extra redirect URI for the dashboard application (repeatable)",
        )

    def handle(self, *args, groups: int, seed: int, keep: bool, redirect_uri, **options) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if not (keep and Account.objects.exists()):
            call_command(
                "sandbox_seed",
                groups=groups,
                seed=seed,
                redirect_uri=redirect_uri,
                stdout=self.stdout,
            )
            return
        # Data kept: the dashboard's callbacks on this PORT, however it was seeded before.
        application_register(
            settings.KANTATA_CLIENT_ID,
            secret=settings.KANTATA_CLIENT_SECRET,
            name="Kantata Admin (dashboard)",
            redirect_uris=dashboard_redirect_uris(tuple(redirect_uri)),
        )
        self.stdout.write(f"Kept the sandbox's data; the dashboard's callbacks on {settings.PORT}.")
