"""`{% load audit %}{% group_history group.id %}`: a group's history on its detail page."""

from typing import Any

from django import template

from kantata_admin.audit.selectors import group_history as group_history_entries

register = template.Library()


@register.inclusion_tag("groups/_history.html", takes_context=True)
def group_history(context: template.Context, group_id: str | int) -> dict[str, Any]:
    # The member and the request: an editor gets a revert button on each change.
    return {
        "history": group_history_entries(str(group_id)),
        "user": context.get("user"),
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }
