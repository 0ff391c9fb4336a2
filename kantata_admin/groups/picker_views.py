"""The workspace picker of the group form: its search (htmx), for editors and admins."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from kantata_admin.accounts.permissions import editor_required
from kantata_admin.connections.services import client_for
from kantata_admin.groups.write_problems import upstream_problem
from kantata_admin.kantata import AuthenticationError, KantataError, WorkspaceFilters

SEARCH_RESULTS = 10


@never_cache
@require_safe
@editor_required
def workspace_search(request: HttpRequest) -> HttpResponse:
    """htmx: the workspaces matching what the member typed, less those already picked; or,
    with `pick`, the picked one as a ticked chip for the form."""
    pick = request.GET.get("pick", "")
    if pick:
        if not pick.isdigit():
            return HttpResponse("", status=400)
        title = request.GET.get("title", "")[:255] or f"Workspace #{pick}"
        return render(
            request,
            "groups/_workspace_chip.html",
            {"id": pick, "title": title, "picked": True, "oob": True},
        )
    text = request.GET.get("q", "").strip()[:200]
    picked = set(request.GET.getlist("workspaces"))
    client = client_for(request.user)
    problem = ""
    results = []
    try:
        if text:
            page = client.workspaces.list(WorkspaceFilters(matching=text), per_page=SEARCH_RESULTS)
        else:
            page = client.workspaces.list(per_page=SEARCH_RESULTS)
        results = [w for w in page.records if w.id not in picked]
    except AuthenticationError:
        raise
    except KantataError as error:
        problem = upstream_problem(error, doing="search")
    search_url = reverse("groups:workspace_search")
    rows = [
        {"workspace": w, "pick_url": f"{search_url}?{urlencode({'pick': w.id, 'title': w.title})}"}
        for w in results
    ]
    return render(
        request,
        "groups/_workspace_results.html",
        {"rows": rows, "text": text, "problem": problem},
    )
