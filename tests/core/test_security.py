import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 20 + "-production-secret-that-is-long-enough-for-django",
    "ALLOWED_HOSTS": "admin.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://admin.example.com",
    "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "KANTATA_CLIENT_ID": "client-id",
    "KANTATA_CLIENT_SECRET": "client-secret",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_pages_carry_a_strict_content_security_policy(client, viewer):
    client.force_login(viewer)
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert re.search(r"script-src 'self' 'nonce-[^']+'", policy)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    # The htmx script carries the same nonce.
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f'nonce="{nonce}"'.encode() in response.content


def test_pages_carry_the_security_headers(client, viewer):
    client.force_login(viewer)
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_htmx_sends_the_csrf_token(client, viewer):
    client.force_login(viewer)
    page = client.get("/").content.decode()
    assert re.search(r"hx-headers='\{\"x-csrftoken\": \"[\w-]+\"\}'", page)
    assert re.search(r'<script src="/static/django_htmx/htmx-2[^"]*\.js" defer nonce="[^"]+"', page)


def test_production_settings_pass_check_deploy_with_zero_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize("secret", [None, "short", "django-insecure-" + "x" * 60])
def test_production_refuses_to_start_without_a_real_secret_key(secret):
    env = {**PRODUCTION_ENV}
    env.pop("SECRET_KEY")
    if secret is not None:
        env["SECRET_KEY"] = secret
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_turns_on_https_only_protections():
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.KANTATA_SANDBOX)",
        env=PRODUCTION_ENV,
    )
    assert result.stdout.split() == ["True", "31536000", "True", "True", "False"], result.stderr


def test_production_without_redis_shares_its_cache_through_the_database(tmp_path):
    env = {
        **PRODUCTION_ENV,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "REDIS_URL": "",
    }
    assert _manage("migrate", "--noinput", env=env).returncode == 0
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.core.cache import caches; c = caches['default']; c.set('k', 'v');"
        " print(c.get('k'), type(c).__name__)",
        env=env,
    )
    assert result.stdout.split() == ["v", "DatabaseCache"], result.stderr


# A request through the proxy: the proxy's own address, the client's in X-Forwarded-For.
_SEEN_BY_THE_APP = (
    "from django.test import RequestFactory; from allauth.account.adapter import get_adapter;"
    " r = RequestFactory().get('/', REMOTE_ADDR='10.0.0.2', HTTP_X_FORWARDED_FOR='203.0.113.7',"
    " HTTP_X_FORWARDED_PROTO='https');"
    " print(get_adapter(r).get_client_ip(r), r.is_secure())"
)


@pytest.mark.parametrize(
    ("trust", "client_address", "secure"),
    [("true", "203.0.113.7", "True"), ("false", "10.0.0.2", "False")],
)
def test_behind_a_proxy_the_client_address_comes_from_the_forwarded_header(
    trust, client_address, secure
):
    """Trusted, the proxy's headers name the client (whose address the login rate limit
    counts) and HTTPS; untrusted, a client could forge them, so they are ignored."""
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        _SEEN_BY_THE_APP,
        env={**PRODUCTION_ENV, "TRUST_X_FORWARDED_PROTO": trust},
    )
    assert result.stdout.split() == [client_address, secure], result.stderr


def test_the_sandbox_refuses_to_start_in_production():
    """Issue 7 item 5: with DEBUG=false, KANTATA_SANDBOX on stops the start, saying why
    (it was a check --deploy warning before)."""
    env = {**PRODUCTION_ENV, "KANTATA_SANDBOX": "true"}
    result = _manage("check", "--deploy", env=env)
    assert result.returncode != 0
    assert "must not run in production. Set KANTATA_SANDBOX=false" in result.stderr
    assert _manage("check", "--deploy", env=PRODUCTION_ENV).returncode == 0


def test_the_demo_admin_is_never_created_in_production():
    result = _manage("demo_setup", env=PRODUCTION_ENV)
    assert result.returncode != 0
    assert "demo_setup is for development (DEBUG=true) only." in result.stderr
