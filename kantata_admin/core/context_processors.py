from django.conf import settings

from kantata_admin import __version__


def product(request):
    return {
        "product_version": __version__,
        "sandbox_enabled": settings.KANTATA_SANDBOX,
        "open_signup_domains": settings.ALLOWED_SIGNUP_DOMAINS,
    }
