from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kantata_admin.accounts import services
from kantata_admin.accounts.forms import InvitationForm, MemberRoleForm, TimeZoneForm
from kantata_admin.accounts.models import Invitation, User
from kantata_admin.accounts.permissions import admin_required


@never_cache
@admin_required
def team(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.invitation_create(
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            invited_by=request.user,
            request=request,
        )
        messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
        return redirect("team")
    context = {
        "form": form,
        "members": User.objects.order_by("email"),
        "invitations": Invitation.objects.select_related("invited_by")[:50],
        "role_form": MemberRoleForm(),
        "invitation_hours": settings.INVITATION_TTL_HOURS,
    }
    return render(request, "accounts/team.html", context, status=400 if form.errors else 200)


@require_POST
@admin_required
def member_role(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(User, pk=pk)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a valid role.")
        return redirect("team")
    try:
        services.member_set_role(member, form.cleaned_data["role"], by=request.user)
    except services.TeamError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{member.email} is now {member.get_role_display().lower()}.")
    return redirect("team")


@require_POST
@admin_required
def member_active(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "true"
    try:
        services.member_set_active(member, active, by=request.user)
    except services.TeamError as error:
        messages.error(request, str(error))
    else:
        state = "reactivated" if active else "deactivated"
        messages.success(request, f"{member.email} has been {state}.")
    return redirect("team")


@require_POST
@admin_required
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        services.invitation_revoke(invitation, by=request.user)
    except services.TeamError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"The invitation for {invitation.email} is revoked.")
    return redirect("team")


@login_not_required
@never_cache
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = Invitation.objects.by_token(token)
    if invitation is None or not invitation.is_usable:
        status = invitation.status if invitation else "unknown"
        return render(request, "accounts/invitation_invalid.html", {"status": status}, status=410)
    if request.user.is_authenticated:
        messages.info(request, "Sign out first to accept an invitation for another address.")
        return redirect("dashboard")
    services.invitation_start(request, invitation)
    return redirect("account_signup")


@never_cache
def time_zone(request: HttpRequest) -> HttpResponse:
    """The member picks the zone every time is shown in. The page's script posts the
    browser's zone once, on first sign-in (`from_browser`): it never replaces a choice."""
    member = request.user
    form = TimeZoneForm(request.POST or None, initial={"time_zone": member.time_zone or "UTC"})
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["from_browser"]:
            if not member.time_zone:
                member.time_zone = form.cleaned_data["time_zone"]
                member.save(update_fields=["time_zone"])
            return HttpResponse(status=204)
        member.time_zone = form.cleaned_data["time_zone"]
        member.save(update_fields=["time_zone"])
        messages.success(request, f"Times are now shown in {member.time_zone}.")
        return redirect("time_zone")
    status = 400 if form.errors else 200
    return render(request, "accounts/time_zone.html", {"form": form}, status=status)
