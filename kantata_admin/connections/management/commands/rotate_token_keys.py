from django.core.management.base import BaseCommand, CommandError

from kantata_admin.connections.services import rotate_token_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored Kantata OX token under the newest key in "
        "TOKEN_ENCRYPTION_KEYS; afterwards the older keys can be removed."
    )

    def handle(self, *args, **options) -> None:
        rotated, unreadable = rotate_token_keys()
        self.stdout.write(f"Re-encrypted {rotated} token{'s' if rotated != 1 else ''}.")
        if unreadable:
            raise CommandError(
                f"{unreadable} connection{'s' if unreadable != 1 else ''} could not be read "
                "with any key in TOKEN_ENCRYPTION_KEYS and were left as they were; those "
                "members must reconnect (or put the missing key back and run this again)."
            )
