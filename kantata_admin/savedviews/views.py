"""Saved views: save the list as it is, open one (checked against today's filters),
remove one, make one the member's default. Plain POST forms, answered with a redirect."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from kantata_admin.connections.services import client_and_connection
from kantata_admin.groups import column_layout, list_state, selectors
from kantata_admin.kantata import AuthenticationError, KantataError
from kantata_admin.savedviews import services
from kantata_admin.savedviews.forms import SaveViewForm
from kantata_admin.savedviews.models import SavedView

logger = logging.getLogger(__name__)


def _back(request: HttpRequest) -> str:
    """The list the member came from (the panel's `back`), rebuilt as the list with that
    query: untrusted input, so never another host, scheme or page."""
    back = request.POST.get("back", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return reverse("groups:list")
    return list_state.list_address(urlsplit(back).query)


def _with_columns(query: QueryDict, member) -> QueryDict:
    """A view keeps its own columns: a list showing the member's chosen columns (its query
    names none) is saved with them, so everyone who opens the view sees those."""
    requested = [key for v in query.getlist("columns") if (key := column_layout.normalise(v))]
    remembered = services.remembered_columns(member)
    if remembered is None or column_layout.names_full_layout(requested):
        return query
    kept = query.copy()
    layout = column_layout.resolve(
        requested, includes=query.getlist("include"), remembered=remembered
    )
    kept.setlist("columns", layout)
    kept.pop("include", None)
    return kept


@require_POST
def saved_view_save(request: HttpRequest) -> HttpResponse:
    form = SaveViewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            view = services.saved_view_create(
                request.user,
                name=data["name"],
                query=_with_columns(QueryDict(data["query"]), request.user),
                shared=data["shared"],
                make_default=data["make_default"],
            )
        except ValidationError as error:
            form.add_error("name", error)
        else:
            shared = " and shared it with the team" if view.shared else ""
            messages.success(request, f"You saved the view “{view.name}”{shared}.")
            return HttpResponseRedirect(list_state.list_address(view.query))
    # Everything typed comes back, with what was wrong, and the list it was about.
    return render(
        request,
        "savedviews/save.html",
        {"form": form, "back": list_state.list_address(form.data.get("query", ""))},
        status=400,
    )


@require_safe
def saved_view_open(request: HttpRequest, view_id: int) -> HttpResponse:
    view = get_object_or_404(SavedView.objects.visible_to(request.user), pk=view_id)
    client, connection = client_and_connection(request.user)
    try:
        fields = selectors.group_custom_fields(client, selectors.account_key(connection))
    except AuthenticationError:
        raise
    except KantataError as error:
        # The list checks the filters again and shows this problem itself.
        logger.info("saved view %s opened unchecked: %s", view.pk, error)
        return HttpResponseRedirect(list_state.list_address(view.query))
    opened = services.saved_view_open(view, fields)
    for warning in opened.warnings:
        messages.warning(request, warning)
    return HttpResponseRedirect(list_state.list_address(opened.query))


@require_POST
def saved_view_remove(request: HttpRequest, view_id: int) -> HttpResponse:
    view = get_object_or_404(SavedView.objects.visible_to(request.user), pk=view_id)
    services.saved_view_remove(request.user, view)
    messages.success(request, f"You removed the view “{view.name}”.")
    return HttpResponseRedirect(_back(request))


@require_POST
def saved_view_default(request: HttpRequest, view_id: int) -> HttpResponse:
    view = get_object_or_404(SavedView.objects.visible_to(request.user), pk=view_id)
    services.saved_view_make_default(request.user, view)
    messages.success(request, f"Groups now opens with the view “{view.name}”.")
    return HttpResponseRedirect(reverse("savedviews:open", args=[view.pk]))


@require_POST
def saved_view_default_clear(request: HttpRequest) -> HttpResponse:
    services.saved_view_make_default(request.user, None)
    messages.success(request, "Groups now opens with every group.")
    return HttpResponseRedirect(_back(request))


# The chooser's list: the list page reopens the chooser at it.
COLUMNS_ANCHOR = "columns"


def _moved(order: list[str], move: str) -> list[str]:
    """`order` with one column moved a place: `move` is "up:<key>" or "down:<key>"."""
    direction, _, key = move.partition(":")
    if key not in order or direction not in ("up", "down"):
        return order
    at = order.index(key)
    to = at - 1 if direction == "up" else at + 1
    if 0 <= to < len(order):
        order[at], order[to] = order[to], order[at]
    return order


@require_POST
def column_choice_save(request: HttpRequest) -> HttpResponse:
    """The column chooser: show, hide and order the list's columns. The choice is the
    member's from now on, and the list they came from shows it (its address names the
    columns, so a view saved from it keeps them)."""
    post = request.POST
    order = list(dict.fromkeys(filter(None, map(column_layout.normalise, post.getlist("order")))))
    shown = set(filter(None, map(column_layout.normalise, post.getlist("shown"))))
    query = QueryDict(list_state.list_query(request), mutable=True)
    for name in ("columns", "include"):
        query.pop(name, None)
    if post.get("reset"):
        services.column_choice_save(request.user, None)
        messages.success(request, "The list shows the default columns again.")
    else:
        order = _moved(order, post.get("move", ""))
        layout = [key for key in order if key in shown or key == column_layout.ALWAYS_SHOWN]
        layout = layout[: column_layout.MAX_COLUMNS]
        services.column_choice_save(request.user, layout)
        query.setlist("columns", layout)
    # Back to the chooser, open, to go on choosing.
    return HttpResponseRedirect(f"{list_state.list_address(query.urlencode())}#{COLUMNS_ANCHOR}")
