"""`{% load audit %}{% group_history group.id %}`: a group's history on its detail page."""

from typing import Any

from django import template

from kantata_admin.audit.selectors import group_history as group_history_entries
from kantata_admin.audit.selectors import viewer_account_id

register = template.Library()


@register.inclusion_tag("groups/_history.html", takes_context=True)
def group_history(context: template.Context, group_id: str | int) -> dict[str, Any]:
    """Only the viewer's own Kantata account's entries about this id; with the member and
    the request, so that an editor gets a revert button on each change."""
    request = context.get("request")
    account_id = viewer_account_id(getattr(request, "user", None))
    return {
        "history": group_history_entries(str(group_id), account_id=account_id),
        "user": context.get("user"),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
