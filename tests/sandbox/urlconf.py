"""The sandbox mounted as in production, whatever KANTATA_SANDBOX is in this process."""

from django.urls import include, path

urlpatterns = [path("sandbox/", include("kantata_admin.sandbox.urls"))]
