"""`python -m kantata_admin.sandbox <command>`: manage.py under the sandbox's settings
(its own database), e.g. `python -m kantata_admin.sandbox sandbox_token admin@sandbox.test`."""

import os
import sys

from django.core.management import execute_from_command_line

if __name__ == "__main__":
    os.environ["DJANGO_SETTINGS_MODULE"] = "kantata_admin.sandbox.settings"
    execute_from_command_line([f"{sys.executable} -m kantata_admin.sandbox", *sys.argv[1:]])
