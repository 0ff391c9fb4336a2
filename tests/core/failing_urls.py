"""The project's URLs plus one view that fails, to reach the project's handler500."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from kantata_admin.urls import handler500, urlpatterns

# A detail that must never reach the browser.
SECRET_DETAIL = "planted failure: the database password is hunter2"


@login_not_required
def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET_DETAIL)


urlpatterns = [path("fail/", fail), *urlpatterns]
__all__ = ["handler500", "urlpatterns"]
