from django.core.management.base import BaseCommand, CommandError, CommandParser

from kantata_admin.sandbox.credentials import revoke_application
from kantata_admin.sandbox.models import OAuthApplication, SandboxUser


class Command(BaseCommand):
    help = "Revoke an application's access for a sandbox user: its tokens then get 401."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("client_id")

    def handle(self, *args, email: str, client_id: str, **options) -> None:
        user = SandboxUser.objects.filter(email__iexact=email).first()
        application = OAuthApplication.objects.filter(client_id=client_id).first()
        if user is None or application is None:
            raise CommandError("Unknown sandbox user or client id.")
        revoked = revoke_application(user, application)
        self.stdout.write(f"Revoked {revoked} token(s) of {client_id} for {email}.")
