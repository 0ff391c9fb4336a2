"""Issue 15, done when: the dashboard neither installs nor mounts the Kantata OX sandbox,
whatever KANTATA_SANDBOX says (with it on, the dashboard only talks to the sandbox
service over HTTP): no sandbox app, model or URL. (Production settings, KANTATA_SANDBOX
unset, pass check --deploy with zero warnings: test_security.py's
test_production_settings_pass_check_deploy_with_zero_warnings.) Each check runs
manage.py in a process of its own, under the dashboard's own settings (the test run's
tests/settings.py installs the sandbox for in-process tests)."""

import pytest

from tests.core.test_security import PRODUCTION_ENV, _manage

# Prints: the app installed?, sandbox models in the back office, sandbox models known at
# all, and which of the sandbox's paths (at the root or under /sandbox/) resolve.
_WHAT_IS_INSTALLED = (
    "from django.apps import apps; from django.contrib import admin;"
    " from django.urls import Resolver404, resolve;\n"
    "def resolves(path):\n"
    "    try:\n"
    "        resolve(path)\n"
    "    except Resolver404:\n"
    "        return False\n"
    "    return True\n"
    "paths = ['/oauth/authorize', '/oauth/token', '/api/v1/users/me.json', '/signin',"
    " '/applications', '/faults', '/controls/tokens', '/sandbox/oauth/authorize',"
    " '/sandbox/api/v1/users/me.json', '/sandbox/signin'];"
    " print(apps.is_installed('kantata_admin.sandbox'),"
    " sorted(m._meta.label for m in admin.site._registry if m._meta.app_label == 'sandbox'),"
    " sorted(m._meta.label for m in apps.get_models() if m._meta.app_label == 'sandbox'),"
    " [p for p in paths if resolves(p)])"
)
NOTHING = "False [] [] []"


@pytest.mark.parametrize(
    "env",
    [
        pytest.param(PRODUCTION_ENV, id="production"),
        pytest.param({"DEBUG": "true", "KANTATA_SANDBOX": "true"}, id="development-sandbox-on"),
    ],
)
def test_no_sandbox_app_model_or_url_is_installed(env):
    result = _manage("shell", "--no-imports", "-c", _WHAT_IS_INSTALLED, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == NOTHING


def test_with_the_sandbox_on_the_dashboard_talks_to_the_sandbox_service_over_http():
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s;"
        " print(s.KANTATA_OAUTH_URL, s.KANTATA_API_URL, s.KANTATA_CLIENT_ID)",
        env={"DEBUG": "true", "KANTATA_SANDBOX": "true", "SANDBOX_PORT": "8765"},
    )
    assert result.stdout.split() == [
        "http://127.0.0.1:8765",
        "http://127.0.0.1:8765/api/v1",
        "kantata-admin-sandbox",
    ], result.stderr
