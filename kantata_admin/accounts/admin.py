from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from kantata_admin.accounts.models import Invitation, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "invited_by", "created_at", "expires_at", "status"]
    list_filter = ["role"]
    search_fields = ["email"]
    readonly_fields = ["token_hash", "created_at", "accepted_at", "accepted_by", "invited_by"]
    fields = ["email", "role", "expires_at", "revoked_at", *readonly_fields]

    def has_add_permission(self, request):
        # Invitations carry a one-time link sent by e-mail: create them on the team page.
        return False
