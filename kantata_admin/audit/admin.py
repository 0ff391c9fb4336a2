"""The audit log in the back office: read-only, for admins."""

from django.contrib import admin
from django.http import HttpRequest

from kantata_admin.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_email", "action", "group_name", "outcome", "request_id"]
    list_filter = ["action", "outcome"]
    search_fields = ["actor_email", "group_name", "group_id", "request_id"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return request.user.is_active and request.user.is_team_admin

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_team_admin
