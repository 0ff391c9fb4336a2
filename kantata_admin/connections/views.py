"""The Kantata OX page: the member's connection, connect, reconnect, disconnect, and the
personal-token alternative for admins."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from kantata_admin.connections.forms import PersonalTokenForm
from kantata_admin.connections.policy import ConnectionRefused
from kantata_admin.connections.services import (
    connection_delete,
    connection_for,
    connection_save_personal_token,
)
from kantata_admin.permissions import admin_required


def _page(request: HttpRequest, form: PersonalTokenForm | None = None, status: int = 200):
    context = {
        "connection": connection_for(request.user),
        "token_form": form or PersonalTokenForm(),
    }
    return render(request, "connections/page.html", context, status=status)


@never_cache
@require_safe
def connection_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


@never_cache
@require_POST
def disconnect(request: HttpRequest) -> HttpResponse:
    connection = connection_for(request.user)
    if connection is None:
        messages.info(request, "Kantata OX was not connected.")
    else:
        personal = connection.kind == connection.Kind.PERSONAL
        revoked = connection_delete(connection, by=request.user)
        if personal:
            message = (
                "Kantata OX is disconnected and the personal token deleted here. It still "
                "works in Kantata OX until you revoke it on your application's page."
            )
        elif revoked:
            message = "Kantata OX is disconnected: the tokens are deleted and revoked."
        else:
            message = (
                "Kantata OX is disconnected and the tokens deleted here. Kantata OX could "
                "not confirm it revoked them: you can remove Kantata Admin from your "
                "authorized applications in Kantata OX."
            )
        messages.success(request, message)
    return HttpResponseRedirect(reverse("connections:page"))


@never_cache
@require_POST
@admin_required
def personal_token(request: HttpRequest) -> HttpResponse:
    form = PersonalTokenForm(request.POST)
    if form.is_valid():
        try:
            connection = connection_save_personal_token(request.user, form.cleaned_data["token"])
        except ConnectionRefused as exc:
            form.add_error("token", str(exc))
        else:
            messages.success(
                request, f"Kantata OX is connected as {connection.name or connection.email}."
            )
            return HttpResponseRedirect(reverse("connections:page"))
    return _page(request, form, status=400)
