from django.apps import AppConfig


class ConnectionsConfig(AppConfig):
    name = "kantata_admin.connections"
    label = "connections"
    verbose_name = "Kantata OX connections"

    def ready(self) -> None:
        # Registers the system check that refuses malformed TOKEN_ENCRYPTION_KEYS.
        from kantata_admin.connections import checks  # noqa: F401
