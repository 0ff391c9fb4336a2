"""`{% saved_views_panel %}`: the member's and the team's views beside the filter panel."""

from typing import Any

from django import template
from django.core.exceptions import ValidationError
from django.http import QueryDict

from kantata_admin.savedviews.forms import SaveViewForm
from kantata_admin.savedviews.models import SavedView
from kantata_admin.savedviews.services import default_view_for, may_remove, stored_query

register = template.Library()


@register.inclusion_tag("savedviews/_panel.html", takes_context=True)
def saved_views_panel(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    member = request.user
    params = context.get("params") or QueryDict()
    default = default_view_for(member)
    views = [
        {
            "view": view,
            "is_default": default is not None and view.pk == default.pk,
            "may_remove": may_remove(member, view),
        }
        for view in SavedView.objects.visible_to(member).select_related("owner")
    ]
    try:
        query = stored_query(params)
    except ValidationError:  # too long to save: the form says so when posted
        query = ""
    return {
        "request": request,
        "user": member,
        "views": views,
        "has_default": default is not None,
        "form": SaveViewForm(initial={"query": query}),
        "back": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
