"""WSGI entry of the Kantata OX sandbox service: `gunicorn kantata_admin.sandbox.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

# Always the sandbox's settings: this entry serves nothing else.
os.environ["DJANGO_SETTINGS_MODULE"] = "kantata_admin.sandbox.settings"

application = get_wsgi_application()
