"""Settings, read from the environment in this one place (README.md has the table).

Development needs no environment at all; production (DEBUG=false) refuses to start
without a real SECRET_KEY.
"""

import base64
import hashlib
import os
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from kantata_admin.core.email_url import parse_email_url
from kantata_admin.env import database_from_url, env_bool, env_float, env_int, env_list
from kantata_admin.sandbox.demo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Core -----------------------------------------------------------------------------

DEBUG = env_bool("DEBUG", True)
_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG=false."
    )

PORT = env_int("PORT", 8000)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "kantata_admin.accounts",
    "kantata_admin.audit",
    "kantata_admin.connections",
    "kantata_admin.core",
    "kantata_admin.groups",
    "kantata_admin.kantata_provider",
    "kantata_admin.savedviews",
    "kantata_admin.bulk",
    "kantata_admin.imports",
    "django_tasks_db",
]
# The Kantata OX sandbox is a separate service (kantata_admin/sandbox/settings.py, its own
# process and database): the dashboard only talks to it over HTTP, as to Kantata itself.

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "kantata_admin.accounts.time_zones.MemberTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "kantata_admin.accounts.middleware.RequireMFAMiddleware",
    "kantata_admin.core.middleware.NeverCacheAuthenticatedMiddleware",
    # A plain /groups/ opens the member's default saved view.
    "kantata_admin.savedviews.middleware.DefaultViewMiddleware",
    # Turns "no usable Kantata OX connection" raised by any view into the connect prompt.
    "kantata_admin.connections.middleware.ConnectionPromptMiddleware",
]

ROOT_URLCONF = "kantata_admin.urls"
WSGI_APPLICATION = "kantata_admin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kantata_admin.core.context_processors.product",
            ],
        },
    },
]

# --- Data: SQLite and local memory by default, PostgreSQL and Redis by URL ------------

DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "kantata-admin"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
elif DEBUG:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
else:
    # Production without Redis still runs several processes: login rate limits and used
    # TOTP codes must be shared by all of them, so they go in the database.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "kantata_admin_cache",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Auth: allauth, email login, MFA --------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"

ACCOUNT_ADAPTER = "kantata_admin.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "kantata_admin.accounts.forms.SignupForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Kantata Admin] "
# allauth's counters live in the default cache: Redis when REDIS_URL is set.
ACCOUNT_RATE_LIMITS = {
    "login_failed": os.environ.get("LOGIN_FAILED_RATE_LIMIT", "10/m/ip,5/300s/key"),
}
# Behind a proxy the client's address is in X-Forwarded-For; without this count every
# request would seem to come from the proxy, and one client could lock everyone out.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int(
    "TRUSTED_PROXY_COUNT", 1 if env_bool("TRUST_X_FORWARDED_PROTO", False) else 0
)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Kantata Admin"
# Accept the code of the previous or next 30-second window too (RFC 6238's recommended
# one step): a code typed as its window ends, or a phone clock a little off, still
# works. allauth still refuses a code that was already used.
MFA_TOTP_TOLERANCE = env_int("MFA_TOTP_TOLERANCE", 1)
# When true, members without an authenticator are sent to set one up.
MFA_REQUIRED = env_bool("MFA_REQUIRED", False)

SOCIALACCOUNT_ONLY = False
# Kantata OX tokens go only to connections.KantataConnection, encrypted; never to allauth's
# plain-text SocialToken.
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_ADAPTER = "kantata_admin.connections.adapter.SocialAccountAdapter"

# Sign-up is closed unless invited, or opened to these e-mail domains.
ALLOWED_SIGNUP_DOMAINS = [d.lower().lstrip("@") for d in env_list("ALLOWED_SIGNUP_DOMAINS")]
INVITATION_TTL_HOURS = env_int("INVITATION_TTL_HOURS", 72)

# --- E-mail ---------------------------------------------------------------------------

# EMAIL_URL: smtp://, smtp+tls:// or smtps://user:password@host:port; console by default.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Kantata Admin <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
MAILERS = {"default": parse_email_url(os.environ.get("EMAIL_URL", "console://"))}

# --- Security -------------------------------------------------------------------------

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Encrypts each member's Kantata OX tokens at rest. Comma-separated Fernet keys, newest
# first; older keys still decrypt, so a key can be rotated without disconnecting anyone.
TOKEN_ENCRYPTION_KEYS = env_list("TOKEN_ENCRYPTION_KEYS")
if not TOKEN_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("TOKEN_ENCRYPTION_KEYS must be set when DEBUG=false.")
    # Development only: a key derived from the development SECRET_KEY.
    TOKEN_ENCRYPTION_KEYS = [
        base64.urlsafe_b64encode(hashlib.sha256(SECRET_KEY.encode()).digest()).decode()
    ]

# --- Kantata OX -----------------------------------------------------------------------

KANTATA_CLIENT_ID = os.environ.get("KANTATA_CLIENT_ID", "")
KANTATA_CLIENT_SECRET = os.environ.get("KANTATA_CLIENT_SECRET", "")
# The sandbox is on by default in development without real credentials, off unless
# asked in production. "On" only points the dashboard at the sandbox service (started
# beside it by `make run`) with the sandbox's demo application; nothing of the sandbox
# is installed or mounted here.
KANTATA_SANDBOX = env_bool("KANTATA_SANDBOX", DEBUG and not KANTATA_CLIENT_ID)
if KANTATA_SANDBOX and not DEBUG:
    # The sandbox is a test tool: its sign-in page shows the demo users' password.
    raise ImproperlyConfigured(
        "KANTATA_SANDBOX=true needs DEBUG=true: the Kantata OX sandbox is a test tool and "
        "must not run in production. Set KANTATA_SANDBOX=false and real "
        "KANTATA_CLIENT_ID/KANTATA_CLIENT_SECRET."
    )
SANDBOX_PORT = env_int("SANDBOX_PORT", 8001)
KANTATA_SANDBOX_URL = os.environ.get(
    "KANTATA_SANDBOX_URL", f"http://127.0.0.1:{SANDBOX_PORT}"
).rstrip("/")
if KANTATA_SANDBOX:
    _oauth_default, _api_default = KANTATA_SANDBOX_URL, f"{KANTATA_SANDBOX_URL}/api/v1"
    KANTATA_CLIENT_ID = KANTATA_CLIENT_ID or DEMO_CLIENT_ID
    KANTATA_CLIENT_SECRET = KANTATA_CLIENT_SECRET or DEMO_CLIENT_SECRET
else:
    _oauth_default, _api_default = "https://app.mavenlink.com", "https://api.mavenlink.com/api/v1"
KANTATA_OAUTH_URL = os.environ.get("KANTATA_OAUTH_URL", _oauth_default).rstrip("/")
KANTATA_API_URL = os.environ.get("KANTATA_API_URL", _api_default).rstrip("/")
KANTATA_CONNECT_TIMEOUT = env_float("KANTATA_CONNECT_TIMEOUT", 5.0)
KANTATA_READ_TIMEOUT = env_float("KANTATA_READ_TIMEOUT", 30.0)

# --- Bulk jobs and the rate budget (kantata_admin.bulk, kantata_admin.ratebudget) --------

# Requests a minute per Kantata account, shared by every process (0: no budget); pages may
# use all of it, jobs all but the pages' reserve.
KANTATA_RATE_BUDGET_PER_MINUTE = env_int("KANTATA_RATE_BUDGET_PER_MINUTE", 300)
KANTATA_RATE_BUDGET_PAGE_RESERVE = float(os.environ.get("KANTATA_RATE_BUDGET_PAGE_RESERVE", "0.25"))
# Without Redis, the budget's counts live in this SQLite file (every process of the machine).
KANTATA_RATE_BUDGET_SQLITE = os.environ.get(
    "KANTATA_RATE_BUDGET_SQLITE", str(BASE_DIR / "rate_budget.sqlite3")
)
# A running job whose worker has not written a heartbeat for this long is resumed.
BULK_STALE_SECONDS = env_int("BULK_STALE_SECONDS", 60)
# Background work: django-tasks-db (no extra service) unless TASKS_BACKEND names another,
# e.g. django_tasks_rq.RQBackend with REDIS_URL.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
if TASKS["default"]["BACKEND"].startswith("django_tasks_rq."):
    # RQ on Redis: `manage.py bulk_worker` runs `rqworker` (any number of machines).
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}
# PKCE (S256) in the connect flow; false only for a server that refuses it.
KANTATA_OAUTH_PKCE = env_bool("KANTATA_OAUTH_PKCE", True)
# Kantata OX account ids allowed to connect; when given, "Sign in with Kantata OX" is
# offered to their users (new members start as viewers) and other accounts are refused.
KANTATA_ALLOWED_ACCOUNT_IDS = env_list("KANTATA_ALLOWED_ACCOUNT_IDS")
SOCIALACCOUNT_PROVIDERS = {
    "kantata": {
        "APP": {"client_id": KANTATA_CLIENT_ID, "secret": KANTATA_CLIENT_SECRET},
        "OAUTH_PKCE_ENABLED": KANTATA_OAUTH_PKCE,
    }
}

# --- Content Security Policy: 'self' and nonces, nothing inline without one ------------

# Chromium applies form-action to the redirect that starts the OAuth flow, so the
# authorization server's origin is allowed too.
_oauth_origin = "{0.scheme}://{0.netloc}".format(urlsplit(KANTATA_OAUTH_URL))
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF, _oauth_origin],
}

# --- Static files, i18n, logging ------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
    },
}
