import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kantata_admin.sandbox.operations import OperationRefused, tokens_issue


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
        try:
            issued = tokens_issue(email, count, dashboard=dashboard)
        except OperationRefused as refused:
            raise CommandError(str(refused)) from None
        for token in issued:
            self.stdout.write(json.dumps(token) if dashboard else token)
