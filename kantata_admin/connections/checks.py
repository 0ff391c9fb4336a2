"""`manage.py check` (and every server start) refuses malformed TOKEN_ENCRYPTION_KEYS, so
a typo in production fails at deploy time, not at a member's first page view."""

from django.conf import settings
from django.core.checks import Error

from kantata_admin.connections.crypto import key_problems


def token_encryption_keys(app_configs, **kwargs) -> list[Error]:
    return [
        Error(problem, id="connections.E001")
        for problem in key_problems(settings.TOKEN_ENCRYPTION_KEYS)
    ]
