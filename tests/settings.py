"""Settings of the test run: the dashboard's, plus the sandbox app in the test database.

The sandbox is a service of its own (kantata_admin/sandbox/settings.py), and tests
reach it over HTTP as the dashboard does, through the harness's server process. A few
tests check its internals in-process instead (tests/sandbox/test_in_process*.py and the
others that build data with tests/sandbox/factories.py): query counts, what is stored,
parsers. They need its models in the database pytest-django makes, so the test run
installs the app here, and those tests serve its root urlconf (ROOT_URLCONF =
"kantata_admin.sandbox.root_urls") as the service does. One settings module keeps one
pytest process and one JUnit report per CI leg; the dashboard's own settings never
install or mount the sandbox (tests/core/test_no_sandbox.py).
"""

from kantata_admin.sandbox import settings as sandbox_settings
from kantata_admin.settings import *  # noqa: F403
from kantata_admin.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "kantata_admin.sandbox"]
# The sandbox's own knobs, which its code reads from settings: every KANTATA_SANDBOX_*
# setting of its settings module (a list copied by hand missed one a new test then read).
globals().update(
    (name, value)
    for name, value in vars(sandbox_settings).items()
    if name.startswith("KANTATA_SANDBOX_")
)
