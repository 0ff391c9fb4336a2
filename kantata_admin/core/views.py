import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from kantata_admin.accounts.models import Invitation, User
from kantata_admin.audit.selectors import recent_group_changes
from kantata_admin.connections.services import client_for, connection_for
from kantata_admin.kantata import AuthenticationError, KantataError
from kantata_admin.savedviews.models import SavedView

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    """Where a member starts: their Kantata OX connection, the groups (counted once the
    page is drawn), their saved views and their account's recent changes."""
    connection = connection_for(request.user)
    context = {
        "connection": connection,
        "saved_views": SavedView.objects.visible_to(request.user)[:10],
        "recent_changes": recent_group_changes(connection.account_id if connection else ""),
    }
    if request.user.is_team_admin:
        context["team"] = {
            "members": User.objects.filter(is_active=True).count(),
            "pending_invitations": Invitation.objects.pending().count(),
        }
    return render(request, "core/dashboard.html", context)


@never_cache
@require_safe
def dashboard_group_count(request: HttpRequest) -> HttpResponse:
    """How many workspace groups the member's Kantata OX account holds: one small call,
    asked for by the dashboard after it is drawn."""
    try:
        count = client_for(request.user).workspace_groups.list(per_page=1).count
    except AuthenticationError:
        raise
    except KantataError as error:
        logger.info("dashboard: groups not counted: %s", error)
        count = None
    return render(
        request, "core/dashboard.html#group_count", {"group_count": count, "counted": True}
    )


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("health check: database unreachable")
        return False


def _cache_ok() -> bool:
    if not settings.REDIS_URL:
        return True
    try:
        cache.set("healthz", "ok", 5)
        return cache.get("healthz") == "ok"
    except Exception:
        logger.exception("health check: cache unreachable")
        return False


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database (and Redis, when configured) answer; 503 otherwise."""
    healthy = _database_ok() and _cache_ok()
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable"}, status=200 if healthy else 503
    )


def _error_page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(
        request, "error.html", {"status": status, "title": title, "message": message}, status=status
    )


@login_not_required
def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return _error_page(
        request,
        403,
        "Not allowed",
        "Your role does not allow this. Ask a team admin if you need it.",
    )


@login_not_required
def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _error_page(request, 404, "Page not found", "There is nothing at this address.")


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request context: whatever failed may fail again.
    from django.template import loader

    body = loader.get_template("500.html").render()
    return HttpResponse(body, status=500)
