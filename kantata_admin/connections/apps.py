from django.apps import AppConfig
from django.conf import settings
from django.core import checks

# Safe at import time: neither imports a model.
from kantata_admin.connections.checks import token_encryption_keys
from kantata_admin.kantata.transport import call_slots

# Calls to Kantata OX one process may have in flight, and how long a page waits for one
# to end: below the server's thread count (gunicorn --threads 8), so the dashboard's own
# upstream calls never hold every thread that serves it.
DEFAULT_MAX_CONCURRENT_CALLS = 6
DEFAULT_BUSY_WAIT_SECONDS = 1.0


class ConnectionsConfig(AppConfig):
    name = "kantata_admin.connections"
    label = "connections"
    verbose_name = "Kantata OX connections"

    def ready(self) -> None:
        # `manage.py check` and every server start refuse malformed TOKEN_ENCRYPTION_KEYS.
        checks.register(token_encryption_keys, checks.Tags.security)
        call_slots.configure(
            getattr(settings, "KANTATA_MAX_CONCURRENT_CALLS", DEFAULT_MAX_CONCURRENT_CALLS),
            wait=getattr(settings, "KANTATA_BUSY_WAIT", DEFAULT_BUSY_WAIT_SECONDS),
        )
