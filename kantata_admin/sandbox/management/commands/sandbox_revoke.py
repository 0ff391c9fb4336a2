from django.core.management.base import BaseCommand, CommandError, CommandParser

from kantata_admin.sandbox.operations import OperationRefused, access_revoke


class Command(BaseCommand):
    help = "Revoke an application's access for a sandbox user: its tokens then get 401."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("client_id")

    def handle(self, *args, email: str, client_id: str, **options) -> None:
        try:
            revoked = access_revoke(email, client_id)
        except OperationRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(f"Revoked {revoked} token(s) of {client_id} for {email}.")
