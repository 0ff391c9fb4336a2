from django.core.management.base import BaseCommand, CommandError, CommandParser

from kantata_admin.sandbox.credentials import personal_token
from kantata_admin.sandbox.models import SandboxUser


class Command(BaseCommand):
    help = "Print a new personal bearer token for a sandbox user (and nothing else)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument(
            "--count", type=int, default=1, help="print this many tokens, one a line"
        )

    def handle(self, *args, email: str, count: int, **options) -> None:
        user = SandboxUser.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No sandbox user {email!r}; run sandbox_seed first.")
        for _ in range(count):
            self.stdout.write(personal_token(user))
