"""Team membership: invitations and roles. Views call these; so do tests."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from kantata_admin.accounts.models import Invitation, Role, User
from kantata_admin.audit.models import Action
from kantata_admin.audit.services import audit_record

_SESSION_KEY = "invitation_id"


class TeamError(Exception):
    """A team change that is refused; the message says why, in the admin's words."""


def default_role() -> Role:
    return Role.VIEWER


def invitation_create(*, email: str, role: str, invited_by: User, request: HttpRequest) -> str:
    """Invite an address, replacing its pending invitations; returns the accept URL."""
    from allauth.account.adapter import get_adapter

    email = email.strip().lower()
    with transaction.atomic():
        Invitation.objects.pending().filter(email=email).update(revoked_at=timezone.now())
        invitation, token = Invitation.issue(email=email, role=role, invited_by=invited_by)
        audit_record(
            actor=invited_by,
            action=Action.INVITATION_CREATE,
            changes={"invited": email, "role": Role(role).label},
        )
    url = request.build_absolute_uri(reverse("invitation_accept", args=[token]))
    get_adapter(request).send_mail(
        "accounts/email/invitation",
        email,
        {"invitation": invitation, "accept_url": url, "inviter": invited_by},
    )
    return url


def invitation_revoke(invitation: Invitation, *, by: User | None = None) -> None:
    """Revoke a pending invitation, or raise TeamError saying why it cannot be revoked.

    The update is conditional, so an invitation accepted a moment ago (after the team page
    was drawn) is not reported as revoked while its member keeps their access."""
    now = timezone.now()
    if Invitation.objects.pending().filter(pk=invitation.pk).update(revoked_at=now):
        invitation.revoked_at = now
        audit_record(
            actor=by, action=Action.INVITATION_REVOKE, changes={"invited": invitation.email}
        )
        return
    invitation.refresh_from_db()
    raise TeamError(_why_not_revocable(invitation))


def _why_not_revocable(invitation: Invitation) -> str:
    email = invitation.email
    if invitation.accepted_at:
        who = invitation.accepted_by.email if invitation.accepted_by else "its member"
        return (
            f"The invitation for {email} cannot be revoked: {who} already accepted it and "
            "joined the team. To end their access, deactivate the member instead."
        )
    if invitation.revoked_at:
        return f"The invitation for {email} was already revoked."
    return f"The invitation for {email} has expired: its link no longer works."


def invitation_start(request: HttpRequest, invitation: Invitation) -> None:
    """Remember the invitation for the sign-up that follows; its address counts as verified."""
    from allauth.account.adapter import get_adapter

    request.session[_SESSION_KEY] = invitation.pk
    get_adapter(request).stash_verified_email(request, invitation.email)


def invitation_from_session(request: HttpRequest) -> Invitation | None:
    """The pending invitation this visitor opened, if any; looked up once per request."""
    pk = request.session.get(_SESSION_KEY) if hasattr(request, "session") else None
    if pk is None:
        return None
    cached = getattr(request, "_pending_invitation", None)
    if cached is not None and cached.pk == pk:
        return cached
    invitation = Invitation.objects.pending().filter(pk=pk).first()
    if invitation is None:
        request.session.pop(_SESSION_KEY, None)
    request._pending_invitation = invitation
    return invitation


def invitation_accept(invitation: Invitation, *, user: User, request: HttpRequest) -> None:
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        actor=user,
        action=Action.INVITATION_ACCEPT,
        changes={"invited": invitation.email, "role": invitation.get_role_display()},
    )
    request.session.pop(_SESSION_KEY, None)
    request._pending_invitation = None


def _other_active_admins(user: User):
    return User.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=user.pk)


def member_change_refusal(member: User, *, role: str, active: bool, by: User) -> str | None:
    """Why giving `member` this role and active state would be refused, or None.

    The one rule for the team page and the back office: the team keeps an active admin,
    and nobody deactivates themselves."""
    if not active and member.pk == by.pk:
        return "You cannot deactivate yourself."
    was_admin = member.role == Role.ADMIN and member.is_active
    stays_admin = role == Role.ADMIN and active
    if was_admin and not stays_admin and not _other_active_admins(member).exists():
        return "The team needs at least one active admin."
    return None


def member_set_role(member: User, role: str, *, by: User) -> None:
    if member.is_superuser and role != Role.ADMIN:
        raise TeamError("A superuser is always an admin; change it in the Django admin.")
    if refusal := member_change_refusal(member, role=role, active=member.is_active, by=by):
        raise TeamError(refusal)
    before = member.role
    member.role = role
    member.save(update_fields=["role", "is_staff"])
    member_changes_audit(member, role_before=before, active_before=member.is_active, by=by)


def member_set_active(member: User, active: bool, *, by: User) -> None:
    if refusal := member_change_refusal(member, role=member.role, active=active, by=by):
        raise TeamError(refusal)
    before = member.is_active
    member.is_active = active
    member.save(update_fields=["is_active"])
    member_changes_audit(member, role_before=member.role, active_before=before, by=by)


def member_changes_audit(
    member: User,
    *,
    role_before: str,
    active_before: bool,
    by: User,
    others_before: dict[str, Any] | None = None,
) -> None:
    """The audit entries of a saved change to `member`'s role or active state, one per
    change (none when nothing changed): the Team page's and the back office's alike.
    `others_before` (the back office) holds the stored values of any other field the
    change may have touched: those that differ make one "member changed" entry."""
    if role_before != member.role:
        audit_record(
            actor=by,
            action=Action.ROLE_CHANGE,
            changes={
                "member": member.email,
                "fields": {
                    "role": {
                        "before": Role(role_before).label,
                        "after": member.get_role_display(),
                    }
                },
            },
        )
    if active_before != member.is_active:
        audit_record(
            actor=by,
            action=Action.MEMBER_ACTIVE,
            changes={
                "member": member.email,
                "fields": {"active": {"before": active_before, "after": member.is_active}},
            },
        )
    changed = {
        name: {"before": before, "after": getattr(member, name)}
        for name, before in (others_before or {}).items()
        if before != getattr(member, name)
    }
    if changed:
        audit_record(
            actor=by,
            action=Action.MEMBER_CHANGE,
            changes={"member": member.email, "fields": changed},
        )


def invitation_changes_audit(
    invitation: Invitation, *, before: dict[str, Any], by: User | None
) -> None:
    """The audit entries of a back-office change to `invitation`: a revocation as the Team
    page records it, any other change (its role, its expiry) field by field."""
    if before.get("revoked_at") is None and invitation.revoked_at is not None:
        audit_record(
            actor=by, action=Action.INVITATION_REVOKE, changes={"invited": invitation.email}
        )
    changed = {}
    for name, value in before.items():
        # Compared as shown (times to the second, as the form edits them).
        shown = _readable(name, value), _readable(name, getattr(invitation, name))
        # A revocation is the entry above; only one undone is a plain change.
        if shown[0] != shown[1] and not (name == "revoked_at" and value is None):
            changed[name] = {"before": shown[0], "after": shown[1]}
    if changed:
        audit_record(
            actor=by,
            action=Action.INVITATION_CHANGE,
            changes={"invited": invitation.email, "fields": changed},
        )


def _readable(name: str, value: Any) -> Any:
    if name == "role" and value:
        return Role(value).label
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value


def invitation_delete_audit(invitation: Invitation, *, by: User | None) -> None:
    """A back-office delete of an invitation: its link stops working, as a revocation's."""
    audit_record(
        actor=by,
        action=Action.INVITATION_REVOKE,
        changes={"invited": invitation.email, "deleted": "yes"},
    )
