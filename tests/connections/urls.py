"""The project's URLs plus one page that needs Kantata OX, as any group page does."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from kantata_admin.connections.services import client_for
from kantata_admin.urls import urlpatterns as project_urlpatterns


def whoami(request: HttpRequest) -> HttpResponse:
    me = client_for(request.user).users.me()
    return HttpResponse(f"<p>Kantata user: {me.full_name} ({me.email_address})</p>")


urlpatterns = [path("test/whoami/", whoami, name="whoami"), *project_urlpatterns]
