from django.core.management.base import BaseCommand, CommandParser

from kantata_admin.sandbox.operations import application_register


class Command(BaseCommand):
    help = "Register an OAuth application with the sandbox, or add redirect URIs to one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("client_id")
        parser.add_argument("--name", help="display name (new applications)")
        parser.add_argument("--secret", help="client secret; a new one is printed if omitted")
        parser.add_argument("--add-redirect-uri", action="append", default=[], dest="uris")

    def handle(self, *args, client_id: str, name, secret, uris: list[str], **options) -> None:
        generated = application_register(
            client_id, secret=secret or "", name=name or "", redirect_uris=uris
        )
        if generated:
            self.stdout.write(f"client_id={client_id}\nclient_secret={generated}")
