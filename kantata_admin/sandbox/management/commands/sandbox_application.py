from django.core.management.base import BaseCommand, CommandParser

from kantata_admin.sandbox.credentials import digest, new_secret
from kantata_admin.sandbox.models import OAuthApplication


class Command(BaseCommand):
    help = "Register an OAuth application with the sandbox, or add redirect URIs to one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("client_id")
        parser.add_argument("--name", help="display name (new applications)")
        parser.add_argument("--secret", help="client secret; a new one is printed if omitted")
        parser.add_argument("--add-redirect-uri", action="append", default=[], dest="uris")

    def handle(self, *args, client_id: str, name, secret, uris: list[str], **options) -> None:
        application = OAuthApplication.objects.filter(client_id=client_id).first()
        if application is None:
            secret = secret or new_secret()
            application = OAuthApplication(client_id=client_id, name=name or client_id)
            self.stdout.write(f"client_id={client_id}\nclient_secret={secret}")
        if secret:
            application.client_secret_hash = digest(secret)
        if name:
            application.name = name
        application.redirect_uris = application.redirect_uris + [
            uri for uri in uris if uri not in application.redirect_uris
        ]
        application.save()
