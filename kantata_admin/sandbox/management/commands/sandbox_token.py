import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kantata_admin.sandbox.credentials import issue_pair, personal_token
from kantata_admin.sandbox.models import OAuthApplication, SandboxUser


class Command(BaseCommand):
    help = "Print a new personal bearer token for a sandbox user (and nothing else)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument(
            "--count", type=int, default=1, help="print this many tokens, one a line"
        )
        parser.add_argument(
            "--dashboard",
            action="store_true",
            help=(
                "issue to the dashboard's application (KANTATA_CLIENT_ID) and print the token "
                "endpoint's JSON answer, one a line (with a refresh_token when tokens expire)"
            ),
        )

    def handle(self, *args, email: str, count: int, dashboard: bool, **options) -> None:
        user = SandboxUser.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No sandbox user {email!r}; run sandbox_seed first.")
        application = None
        if dashboard:
            application = OAuthApplication.objects.filter(
                client_id=settings.KANTATA_CLIENT_ID
            ).first()
            if application is None:
                raise CommandError("The dashboard application is not registered: sandbox_seed.")
        for _ in range(count):
            if application is None:
                self.stdout.write(personal_token(user))
            else:
                self.stdout.write(json.dumps(issue_pair(user, application).answer()))
