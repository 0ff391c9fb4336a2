"""The back office of team admins: members (with their roles) and invitations, nothing more.

Team admins are staff without Django permissions of their own, so each admin here grants
them what the README promises; every other model's admin decides for itself. Superusers
keep Django's full rights. What a team admin can never do here: make anyone a superuser,
touch a superuser's record, set someone's password, or break the team rules that the Team
page enforces (services.member_change_refusal).
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from kantata_admin.accounts import services
from kantata_admin.accounts.models import Invitation, User


def _team_admin(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_team_admin", False))


class MemberChangeForm(UserChangeForm):
    """The change form, refusing what the Team page refuses, with the same message."""

    request_user: User | None = None

    def clean(self) -> dict:
        cleaned = super().clean()
        member = self.instance  # still the stored values: the form copies them in later
        role = cleaned.get("role", member.role)
        active = cleaned.get("is_active", member.is_active)
        if not member.pk or self.request_user is None or role is None:
            return cleaned
        if refusal := services.member_change_refusal(
            member, role=role, active=active, by=self.request_user
        ):
            raise forms.ValidationError(refusal)
        return cleaned


# Every field the change form can set, so each change leaves an audit entry.
AUDITED_MEMBER_FIELDS = ["role", "is_active", "first_name", "last_name", "is_superuser"]
AUDITED_INVITATION_FIELDS = ["role", "expires_at", "revoked_at"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = MemberChangeForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_superuser"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Name", {"fields": ["first_name", "last_name"]}),
        ("Access", {"fields": ["role", "is_active", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "role", "password1", "password2"]}),
    ]

    def get_form(self, request: HttpRequest, obj: User | None = None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        # A subclass per request, so the acting member never leaks between requests.
        return type(form.__name__, (form,), {"request_user": request.user})

    def save_model(self, request: HttpRequest, obj: User, form: forms.Form, change: bool) -> None:
        # The stored values, read before the save: the form has already set the new ones.
        stored = User.objects.filter(pk=obj.pk).values(*AUDITED_MEMBER_FIELDS).first()
        super().save_model(request, obj, form, change)
        if change and stored is not None:
            services.member_changes_audit(
                obj,
                role_before=stored.pop("role"),
                active_before=stored.pop("is_active"),
                by=request.user,
                others_before=stored,
            )

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # A member's address changes only through allauth's verified e-mail flow, by
            # that member: here it would let an admin reset the password by mail and sign
            # in as them.
            fields.append("email")
        if not request.user.is_superuser:
            fields.append("is_superuser")
        return fields

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _team_admin(request) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return _team_admin(request) or super().has_view_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if request.user.is_superuser:
            return True
        return _team_admin(request) and not (obj is not None and obj.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Members join by invitation (the Team page); only a superuser adds one by hand.
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        # Deactivate instead: a member's history (invitations, audit) keeps pointing at them.
        return request.user.is_superuser

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        if not request.user.is_superuser:
            raise PermissionDenied("Members set their own passwords (password reset).")
        return super().user_change_password(request, id, form_url)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "invited_by", "created_at", "expires_at", "status"]
    list_filter = ["role"]
    search_fields = ["email"]
    readonly_fields = ["token_hash", "created_at", "accepted_at", "accepted_by", "invited_by"]
    fields = ["email", "role", "expires_at", "revoked_at", *readonly_fields]

    def get_readonly_fields(self, request: HttpRequest, obj: Invitation | None = None) -> list[str]:
        # The link went to this address, and accepting it counts the address as verified.
        return [*super().get_readonly_fields(request, obj), "email"]

    def save_model(
        self, request: HttpRequest, obj: Invitation, form: forms.Form, change: bool
    ) -> None:
        stored = Invitation.objects.filter(pk=obj.pk).values(*AUDITED_INVITATION_FIELDS).first()
        super().save_model(request, obj, form, change)
        if change and stored is not None:
            services.invitation_changes_audit(obj, before=stored, by=request.user)

    def delete_model(self, request: HttpRequest, obj: Invitation) -> None:
        services.invitation_delete_audit(obj, by=request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for invitation in queryset:
            services.invitation_delete_audit(invitation, by=request.user)
        super().delete_queryset(request, queryset)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _team_admin(request) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Invitation | None = None) -> bool:
        return _team_admin(request) or super().has_view_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Invitation | None = None) -> bool:
        return _team_admin(request) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Invitation | None = None) -> bool:
        return _team_admin(request) or super().has_delete_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Invitations carry a one-time link sent by e-mail: create them on the team page.
        return False
