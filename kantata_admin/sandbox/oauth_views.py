"""The OAuth 2.0 authorization server: /oauth/authorize, /oauth/token (RFC 6749, with
PKCE from RFC 7636 when the client sends a challenge, and the refresh_token grant when
KANTATA_SANDBOX_TOKEN_TTL is set) and /oauth/revoke (RFC 7009)."""

import base64
import hashlib
import secrets
from datetime import timedelta
from urllib.parse import unquote_plus, urlencode, urlsplit, urlunsplit

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from kantata_admin.sandbox import clock
from kantata_admin.sandbox.browser_session import signed_in_user
from kantata_admin.sandbox.credentials import (
    IssuedToken,
    digest,
    issue_pair,
    new_secret,
    refresh_pair,
    revoke_token,
    secrets_match,
)
from kantata_admin.sandbox.limits import BodyRefused, checked_body
from kantata_admin.sandbox.models import AccessToken, AuthorizationCode, OAuthApplication
from kantata_admin.sandbox.responses import KantataJsonResponse

CODE_LIFETIME = timedelta(minutes=5)
DENIED = "The resource owner or authorization server denied the request."
FLOW_PARAMS = (
    "client_id",
    "redirect_uri",
    "response_type",
    "state",
    "code_challenge",
    "code_challenge_method",
)


def _with_query(uri: str, values: dict[str, str]) -> str:
    parts = urlsplit(uri)
    query = "&".join(q for q in (parts.query, urlencode(values)) if q)
    return urlunsplit(parts._replace(query=query))


def _error_page(request: HttpRequest, message: str) -> HttpResponse:
    # Never redirect to an unverified client or URI: that would be an open redirector.
    return render(request, "sandbox/error.html", {"message": message}, status=400)


def _redirect_error(uri: str, state: str | None, error: str, description: str):
    values = {"error": error, "error_description": description}
    if state is not None:
        values["state"] = state
    return HttpResponseRedirect(_with_query(uri, values))


@login_not_required
@never_cache
def authorize(request: HttpRequest) -> HttpResponse:
    """GET shows sign-in or approve/deny; POST carries the user's decision."""
    flow = request.POST if request.method == "POST" else request.GET
    application = OAuthApplication.objects.filter(client_id=flow.get("client_id", "")).first()
    if application is None:
        return _error_page(request, "Unknown client_id: this application is not registered.")
    redirect_uri = flow.get("redirect_uri", "")
    if redirect_uri not in application.redirect_uris:
        return _error_page(request, "The redirect_uri is not registered for this application.")
    state = flow.get("state")
    response_type = flow.get("response_type")
    if not response_type:  # a required parameter is missing (RFC 6749 4.1.2.1)
        return _redirect_error(redirect_uri, state, "invalid_request", "response_type is required.")
    if response_type != "code":
        return _redirect_error(
            redirect_uri, state, "unsupported_response_type", "response_type must be code."
        )
    method = flow.get("code_challenge_method") or ("plain" if flow.get("code_challenge") else "")
    if method not in ("", "plain", "S256"):
        return _redirect_error(
            redirect_uri, state, "invalid_request", "code_challenge_method must be S256 or plain."
        )
    user = signed_in_user(request)
    if user is None:
        signin = reverse("sandbox:signin") + "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(signin)
    if request.method != "POST":
        hidden = {name: flow[name] for name in FLOW_PARAMS if name in flow}
        return render(
            request,
            "sandbox/approve.html",
            {"application": application, "user": user, "hidden": hidden},
        )
    if request.POST.get("decision") != "approve":
        return _redirect_error(redirect_uri, state, "access_denied", DENIED)
    code = new_secret()
    AuthorizationCode.objects.create(
        application=application,
        user=user,
        code_hash=digest(code),
        redirect_uri=redirect_uri,
        code_challenge=flow.get("code_challenge", ""),
        code_challenge_method=method,
        expires_at=clock.now() + CODE_LIFETIME,
    )
    values = {"code": code}
    if state is not None:
        values["state"] = state
    return HttpResponseRedirect(_with_query(redirect_uri, values))


def _token_error(error: str, description: str, status: int = 400, headers=None) -> JsonResponse:
    response = KantataJsonResponse(
        {"error": error, "error_description": description}, status=status, headers=headers
    )
    response["Cache-Control"] = "no-store"
    return response


def _client_credentials(request: HttpRequest, form: QueryDict) -> tuple[str, str, bool]:
    """(client_id, secret, came by HTTP Basic)."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            client_id, _, secret = base64.b64decode(value).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return "", "", True
        # Both halves are form-urlencoded before Basic encoding (RFC 6749 2.3.1).
        return unquote_plus(client_id), unquote_plus(secret), True
    return form.get("client_id", ""), form.get("client_secret", ""), False


def _client_request(request: HttpRequest) -> tuple[OAuthApplication, QueryDict] | JsonResponse:
    """The authenticated client and its form, or the error to answer: the token and the
    revocation endpoints authenticate clients the same way (RFC 7009 2.1)."""
    if request.method != "POST":
        return _token_error("invalid_request", "Use POST.", 405, {"Allow": "POST"})
    try:
        raw = checked_body(request)
    except BodyRefused as refused:
        return _token_error("invalid_request", refused.message, refused.status)
    if raw and request.content_type != "application/x-www-form-urlencoded":
        # RFC 6749 4.1.3: the parameters come form-encoded. A JSON body would otherwise
        # read as no credentials at all and be misreported as invalid_client.
        return _token_error(
            "invalid_request", "The request body must be application/x-www-form-urlencoded."
        )
    try:
        form = QueryDict(raw, encoding=request.encoding or "utf-8")
    except (ValueError, UnicodeDecodeError, SuspiciousOperation):
        # SuspiciousOperation: more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS.
        return _token_error("invalid_request", "The request body is not valid form data.")
    client_id, secret, basic = _client_credentials(request, form)
    application = OAuthApplication.objects.filter(client_id=client_id).first()
    if application is None or not secrets_match(secret, application.client_secret_hash):
        headers = {"WWW-Authenticate": 'Basic realm="Kantata OX sandbox"'} if basic else None
        return _token_error("invalid_client", "Client authentication failed.", 401, headers)
    return application, form


def _pkce_ok(code: AuthorizationCode, verifier: str) -> bool:
    if not code.code_challenge:
        # A verifier for a code issued without a challenge is a PKCE downgrade attempt
        # (RFC 9700 2.1.1): refused, not ignored.
        return not verifier
    if not verifier:
        return False
    if code.code_challenge_method == "S256":
        hashed = hashlib.sha256(verifier.encode()).digest()
        verifier = base64.urlsafe_b64encode(hashed).rstrip(b"=").decode()
    return secrets.compare_digest(verifier, code.code_challenge)


def _code_grant(application: OAuthApplication, form: QueryDict) -> IssuedToken | JsonResponse:
    raw_code, redirect_uri = form.get("code", ""), form.get("redirect_uri", "")
    if not raw_code or not redirect_uri:
        return _token_error("invalid_request", "code and redirect_uri are required.")
    invalid = _token_error(
        "invalid_grant",
        "The authorization code is invalid, expired, "
        "already used, or was issued to another client or redirect URI.",
    )
    with transaction.atomic():
        code = (
            AuthorizationCode.objects.select_for_update().filter(code_hash=digest(raw_code)).first()
        )
        if code is None or code.application_id != application.pk:
            return invalid
        if code.used_at is not None:
            # A replayed code may be stolen: revoke what it gave (RFC 6749 4.1.2).
            AccessToken.objects.filter(authorization_code=code).update(revoked_at=clock.now())
            return invalid
        if code.expires_at <= clock.now() or code.redirect_uri != redirect_uri:
            return invalid
        if not _pkce_ok(code, form.get("code_verifier", "")):
            return invalid
        code.used_at = clock.now()
        code.save(update_fields=["used_at"])
        return issue_pair(code.user, application, code)


def _refresh_grant(application: OAuthApplication, form: QueryDict) -> IssuedToken | JsonResponse:
    raw = form.get("refresh_token", "")
    if not raw:
        return _token_error("invalid_request", "refresh_token is required.")
    issued = refresh_pair(application, raw)
    if issued is None:
        return _token_error(
            "invalid_grant",
            "The refresh token is invalid, already used, revoked, or was issued to another client.",
        )
    return issued


_GRANTS = {"authorization_code": _code_grant, "refresh_token": _refresh_grant}


@csrf_exempt
@login_not_required
@never_cache
def token(request: HttpRequest) -> JsonResponse:
    client = _client_request(request)
    if isinstance(client, JsonResponse):
        return client
    application, form = client
    grant_type = form.get("grant_type", "")
    if not grant_type:
        return _token_error("invalid_request", "grant_type is required.")
    if grant_type not in _GRANTS:
        return _token_error("unsupported_grant_type", f"{grant_type} is not supported.")
    issued = _GRANTS[grant_type](application, form)
    if isinstance(issued, JsonResponse):
        return issued
    response = KantataJsonResponse(issued.answer())
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


@csrf_exempt
@login_not_required
@never_cache
def revoke(request: HttpRequest) -> JsonResponse:
    """RFC 7009: `token` (access or refresh) and an optional `token_type_hint`."""
    client = _client_request(request)
    if isinstance(client, JsonResponse):
        return client
    application, form = client
    if "token" not in form:
        return _token_error("invalid_request", "token is required.")
    if not revoke_token(application, form["token"], form.get("token_type_hint", "")):
        # RFC 7009 2.1: a client may revoke only its own tokens (Doorkeeper's answer).
        return _token_error(
            "unauthorized_client", "You are not authorized to revoke this token.", 403
        )
    # 200, also for unknown or already revoked tokens (RFC 7009 2.2); `{}` as Doorkeeper.
    return KantataJsonResponse({})
