"""EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.com:587, as a MAILERS entry."""

from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_SMTP = "django.core.mail.backends.smtp.EmailBackend"
_BACKENDS = {
    "smtp": _SMTP,
    "smtp+tls": _SMTP,
    "smtps": _SMTP,
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}


def parse_email_url(url: str) -> dict:
    """The `MAILERS["default"]` entry for an e-mail URL."""
    parts = urlsplit(url)
    if parts.scheme not in _BACKENDS:
        raise ImproperlyConfigured(
            f"EMAIL_URL scheme must be one of {', '.join(sorted(_BACKENDS))}, not {parts.scheme!r}"
        )
    mailer: dict = {"BACKEND": _BACKENDS[parts.scheme]}
    if parts.scheme.startswith("smtp"):
        mailer["OPTIONS"] = {
            "host": parts.hostname or "localhost",
            "port": parts.port or {"smtps": 465, "smtp+tls": 587}.get(parts.scheme, 25),
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_tls": parts.scheme == "smtp+tls",
            "use_ssl": parts.scheme == "smtps",
            "timeout": 10,
        }
    return mailer
