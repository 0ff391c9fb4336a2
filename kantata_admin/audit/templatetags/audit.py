"""`{% load audit %}{% group_history group.id %}`: a group's history on its detail page."""

from typing import Any

from django import template

from kantata_admin.audit.selectors import group_history as group_history_entries

register = template.Library()


@register.inclusion_tag("groups/_history.html")
def group_history(group_id: str | int) -> dict[str, Any]:
    return {"history": group_history_entries(str(group_id))}
