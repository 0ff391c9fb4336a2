"""The workspace picker of the group form: its search, for editors and admins. With htmx
it answers as you type; without JavaScript the form's Search button posts the whole form
and the form comes back as typed, with the matches to tick (edit_views)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from kantata_admin.connections.services import client_for
from kantata_admin.groups.problems import problem_for
from kantata_admin.kantata import (
    AuthenticationError,
    KantataClient,
    KantataError,
    Workspace,
    WorkspaceFilters,
)
from kantata_admin.permissions import editor_required

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
    results = workspace_matches(client_for(request.user), text, request.GET.getlist("workspaces"))
    return render(request, "groups/_workspace_results.html", results.context())


@dataclass(frozen=True)
class WorkspaceMatches:
    """One search of the picker: what was searched for, what matched, or why nothing."""

    text: str
    workspaces: list[Workspace]
    problem: str = ""

    def context(self) -> dict[str, Any]:
        """For `_workspace_results.html`; each match carries its htmx "Add" address."""
        search_url = reverse("groups:workspace_search")
        rows = [
            {
                "workspace": w,
                "pick_url": f"{search_url}?{urlencode({'pick': w.id, 'title': w.title})}",
            }
            for w in self.workspaces
        ]
        return {"rows": rows, "text": self.text, "problem": self.problem}


def workspace_matches(client: KantataClient, text: str, picked: Iterable[str]) -> WorkspaceMatches:
    """The first SEARCH_RESULTS workspaces whose title matches `text` (any, when empty)
    that are not picked yet: one call. Used by the htmx search and by the form's own
    Search button, which works without JavaScript."""
    text = text.strip()[:200]
    picked = set(picked)
    try:
        if text:
            page = client.workspaces.list(WorkspaceFilters(matching=text), per_page=SEARCH_RESULTS)
        else:
            page = client.workspaces.list(per_page=SEARCH_RESULTS)
    except AuthenticationError:
        raise
    except KantataError as error:
        return WorkspaceMatches(text, [], str(problem_for(error, writing=False, doing="search")))
    return WorkspaceMatches(text, [w for w in page.records if w.id not in picked])
