"""The sandbox service's root urlconf (kantata_admin/sandbox/settings.py): everything at
the root of its own origin, plus /healthz."""

from django.urls import include, path

from kantata_admin.sandbox import controls

urlpatterns = [
    path("healthz", controls.healthz, name="healthz"),
    path("", include("kantata_admin.sandbox.urls")),
]
