"""Settings of the Kantata OX sandbox, a service of its own beside the dashboard.

It has its own database (SANDBOX_DATABASE_URL, default the SQLite file sandbox.sqlite3),
its own port (SANDBOX_PORT, default 8001) and serves at the root of its origin, as
Kantata serves app.mavenlink.com and api.mavenlink.com: /oauth/..., /api/v1/..., its
sign-in and applications pages, and the test controls (docs/sandbox.md). It is a test
tool and refuses DEBUG=false.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from kantata_admin.env import database_from_url, env_bool, env_int, env_list
from kantata_admin.sandbox.demo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env_bool("DEBUG", True)
if not DEBUG:
    # Its sign-in page shows the demo users' password, and its test controls mint tokens.
    raise ImproperlyConfigured(
        "The Kantata OX sandbox needs DEBUG=true: it is a test tool and must not run in production."
    )
SECRET_KEY = os.environ.get(
    "SANDBOX_SECRET_KEY", "django-insecure-kantata-ox-sandbox-development-only"
)
ALLOWED_HOSTS = env_list("SANDBOX_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

# The dashboard's port, for the demo application's redirect URIs; the sandbox's own.
PORT = env_int("PORT", 8000)
SANDBOX_PORT = env_int("SANDBOX_PORT", 8001)

INSTALLED_APPS = [
    # allauth's rate-limit counters (the sign-in page's) import auth's models.
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.staticfiles",
    "kantata_admin.sandbox",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "kantata_admin.sandbox.root_urls"
WSGI_APPLICATION = "kantata_admin.sandbox.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    },
]

DATABASES = {
    "default": database_from_url(
        os.environ.get("SANDBOX_DATABASE_URL") or f"sqlite:///{BASE_DIR / 'sandbox.sqlite3'}",
        conn_max_age=60,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Only the sign-in page's failure counters live in the cache.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("SANDBOX_CACHE_KEY_PREFIX", "kantata-sandbox"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sandbox and dashboard on two ports of one host share cookies (ports do not separate
# them): the sandbox's CSRF cookie has a name of its own, so neither clobbers the other's.
CSRF_COOKIE_NAME = "kantata_sandbox_csrftoken"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# The dashboard application registered by sandbox_seed, and `sandbox_token --dashboard`'s.
KANTATA_CLIENT_ID = os.environ.get("KANTATA_CLIENT_ID") or DEMO_CLIENT_ID
KANTATA_CLIENT_SECRET = os.environ.get("KANTATA_CLIENT_SECRET") or DEMO_CLIENT_SECRET
# Requests a minute per token that the sandbox allows (0: unlimited).
KANTATA_SANDBOX_RATE_LIMIT = env_int("KANTATA_SANDBOX_RATE_LIMIT", 0)
# Whether the rate limit's 429s carry Retry-After (Kantata documents none: false omits it).
KANTATA_SANDBOX_RETRY_AFTER = env_bool("KANTATA_SANDBOX_RETRY_AFTER", True)
# Seconds a sandbox access token lives (0: forever, as Kantata's classic flow); when set,
# token answers carry expires_in and a refresh_token, as Doorkeeper's do.
KANTATA_SANDBOX_TOKEN_TTL = env_int("KANTATA_SANDBOX_TOKEN_TTL", 0)
# Milliseconds added to every sandbox API answer, to feel a remote service's latency.
KANTATA_SANDBOX_LATENCY_MS = env_int("KANTATA_SANDBOX_LATENCY_MS", 0)
# Whether the sandbox answers workspace groups' include=custom_field_values, which Kantata
# does not document (off: ignored, as Kantata ignores unknown includes).
KANTATA_SANDBOX_GROUP_VALUES_INCLUDE = env_bool("KANTATA_SANDBOX_GROUP_VALUES_INCLUDE", False)
# The sign-in page counts failures with the dashboard's rule (allauth's counters).
ACCOUNT_RATE_LIMITS = {
    "login_failed": os.environ.get("LOGIN_FAILED_RATE_LIMIT", "10/m/ip,5/300s/key"),
}

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
