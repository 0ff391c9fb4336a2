from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


def group_list(request: HttpRequest) -> HttpResponse:
    """The workspace-group list (filters, table and export follow in the next commits)."""
    return TemplateResponse(request, "groups/list.html", {})
