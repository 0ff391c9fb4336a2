"""`{% load group_pages %}`: what a group's page (drawn by the list's `group_detail` view)
needs beyond the group: the way back to the list as the member left it, Kantata's
remembered refusal of the member's writes, and the group's page in Kantata OX itself."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.urls import reverse

from kantata_admin.connections.services import connection_for
from kantata_admin.groups import list_state
from kantata_admin.groups.write_refusals import WriteRefusal, refusal_for

register = template.Library()


@register.simple_tag(takes_context=True)
def list_back_url(context: template.Context) -> str:
    """`{% list_back_url as list_url %}`: the list with the filters, sort and page the
    member opened this page from (`_list`)."""
    request = context.get("request")
    return list_state.list_url(request) if request is not None else reverse("groups:list")


@register.simple_tag(takes_context=True)
def list_query_string(context: template.Context) -> str:
    """`{% list_query_string as list_query %}`: the list's query string, to carry on."""
    request = context.get("request")
    return list_state.list_query(request) if request is not None else ""


@register.simple_tag
def carry_list(url: str, query: str) -> str:
    """`{% carry_list url list_query %}`: a link to another page opened from the list,
    keeping the list's state."""
    return list_state.carry(url, query)


@register.simple_tag(takes_context=True)
def write_refusal(context: template.Context) -> WriteRefusal | None:
    """`{% write_refusal as refusal %}`: Kantata's 403 to this member's last writes, while
    it is remembered (write_refusals), else None."""
    request = context.get("request")
    return refusal_for(connection_for(getattr(request, "user", None)))


@register.simple_tag
def kantata_group_url(group_id: Any) -> str:
    """The group's own page in Kantata OX, on the account's web host (KANTATA_OAUTH_URL:
    app.mavenlink.com, or the sandbox, which serves the same path)."""
    return f"{settings.KANTATA_OAUTH_URL}/workspace_groups/{int(group_id)}"
