from django.apps import AppConfig
from django.core import checks

# Safe at import time: neither imports a model.
from kantata_admin.connections.checks import token_encryption_keys


class ConnectionsConfig(AppConfig):
    name = "kantata_admin.connections"
    label = "connections"
    verbose_name = "Kantata OX connections"

    def ready(self) -> None:
        # `manage.py check` and every server start refuse malformed TOKEN_ENCRYPTION_KEYS.
        checks.register(token_encryption_keys, checks.Tags.security)
