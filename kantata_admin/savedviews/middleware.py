"""A member's default view: /groups/ without a query opens it."""

from django.http import HttpResponseRedirect
from django.urls import reverse

from kantata_admin.savedviews.services import default_view_for

LIST_VIEW = "groups:list"


class DefaultViewMiddleware:
    """Sends a plain /groups/ (no query at all, not an htmx request) to the member's
    default view. Links inside the list always carry a query (Clear filters keeps the
    order), so the default never takes over a list the member is working in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            match is None
            or match.view_name != LIST_VIEW
            or request.method != "GET"
            or request.GET
            or getattr(request, "htmx", False)
            or not request.user.is_authenticated
        ):
            return None
        default = default_view_for(request.user)
        if default is None:
            return None
        return HttpResponseRedirect(reverse("savedviews:open", args=[default.pk]))
