"""The sandbox's own pages for its users: sign in, sign out, authorized applications."""

from allauth.core.internal import ratelimit
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kantata_admin.sandbox import browser_session
from kantata_admin.sandbox.credentials import revoke_application
from kantata_admin.sandbox.demo import SANDBOX_PASSWORD
from kantata_admin.sandbox.models import OAuthApplication, SandboxUser

TOO_MANY_FAILURES = "Too many failed sign-in attempts. Wait a few minutes, then try again."


def _failed_sign_in(request: HttpRequest, email: str, *, dry_run: bool) -> bool:
    """Count a failed sign-in (or, dry_run, ask whether another may be tried) with the
    dashboard's rule, LOGIN_FAILED_RATE_LIMIT, through allauth's counters; the sandbox
    keeps counters of its own (app "sandbox"), as it is another site with other users."""
    usage = ratelimit.consume(
        request,
        app="sandbox",
        action="login_failed",
        config={"login_failed": settings.ACCOUNT_RATE_LIMITS["login_failed"]},
        key=email.casefold(),
        dry_run=dry_run,
    )
    return usage is not None


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return fallback


@login_not_required
@never_cache
def signin(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, reverse("sandbox:applications"))
    error = email = ""
    status = 200
    if request.method == "POST":
        email = request.POST.get("email", "").strip()
        if not _failed_sign_in(request, email, dry_run=True):
            error, status = TOO_MANY_FAILURES, 429
        else:
            user = SandboxUser.objects.filter(email__iexact=email).first()
            if user is not None and user.check_password(request.POST.get("password", "")):
                response = HttpResponseRedirect(next_url)
                browser_session.sign_in(response, user)
                return response
            _failed_sign_in(request, email, dry_run=False)
            error, status = "That e-mail address and password do not match a sandbox user.", 400
    return render(
        request,
        "sandbox/signin.html",
        {
            "next": next_url,
            "error": error,
            "email": email,
            # A sandbox, not a secret: whoever tries the product needs these at hand.
            "demo_users": SandboxUser.objects.select_related("account").order_by("id"),
            "demo_password": SANDBOX_PASSWORD,
        },
        status=status,
    )


@login_not_required
@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    response = HttpResponseRedirect(reverse("sandbox:signin"))
    browser_session.sign_out(response)
    return response


@login_not_required
@never_cache
def applications(request: HttpRequest) -> HttpResponse:
    user = browser_session.signed_in_user(request)
    if user is None:
        return HttpResponseRedirect(f"{reverse('sandbox:signin')}?next={request.path}")
    live = Q(tokens__user=user, tokens__revoked_at__isnull=True)
    authorized = (
        OAuthApplication.objects.annotate(live_tokens=Count("tokens", filter=live))
        .filter(live_tokens__gt=0)
        .order_by("name")
    )
    return render(request, "sandbox/applications.html", {"user": user, "applications": authorized})


@login_not_required
@require_POST
def revoke(request: HttpRequest, client_id: str) -> HttpResponse:
    user = browser_session.signed_in_user(request)
    if user is None:
        return HttpResponseRedirect(reverse("sandbox:signin"))
    revoke_application(user, get_object_or_404(OAuthApplication, client_id=client_id))
    return HttpResponseRedirect(reverse("sandbox:applications"))
