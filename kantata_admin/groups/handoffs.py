"""What a group form keeps for the member's next request: the form as typed, across a
reconnect (in the session), and a save's answer, for the group page it redirects to (in
the cache, per session, once)."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest, QueryDict

from kantata_admin.groups.forms import draft_from
from kantata_admin.kantata import WorkspaceGroup

DRAFT_KEY = "groups:draft:"
# How long a save's answer waits for the detail page the member is sent to next.
HAND_OVER_SECONDS = 60


def _hand_over_key(request: HttpRequest, group_id: str) -> str | None:
    session_key = request.session.session_key
    return f"groups:saved:v1:{session_key}:{group_id}" if session_key else None


def hand_over_to_detail(request: HttpRequest, group: WorkspaceGroup) -> None:
    """Keep `group` as a save answered it (every include the detail page shows) for the
    page the member is redirected to: it is drawn from the write's own answer, once."""
    if key := _hand_over_key(request, group.id):
        cache.set(key, group, HAND_OVER_SECONDS)


def handed_over(request: HttpRequest, group_id: str) -> WorkspaceGroup | None:
    """The group a save just handed over to its page, once; None when there is none."""
    key = _hand_over_key(request, group_id)
    group = cache.get(key) if key else None
    if group is not None:
        cache.delete(key)
    return group


# --- drafts kept across a reconnect ---------------------------------------------------


def keep_draft(request: HttpRequest) -> None:
    """What the member typed, kept while they reconnect."""
    request.session[DRAFT_KEY + request.path] = draft_from(request.POST)


def forget_draft(request: HttpRequest) -> None:
    """The kept form, no longer needed once saved."""
    request.session.pop(DRAFT_KEY + request.path, None)


def take_draft(request: HttpRequest) -> QueryDict | None:
    """What the member typed before they had to reconnect, once."""
    saved = request.session.pop(DRAFT_KEY + request.path, None)
    if not saved:
        return None
    data = QueryDict(mutable=True)
    for key, values in saved:
        data.setlist(key, values)
    return data
