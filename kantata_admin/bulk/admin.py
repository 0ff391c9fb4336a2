"""Bulk jobs in the back office: read-only, for admins (jobs are steered from their page)."""

from django.contrib import admin
from django.http import HttpRequest

from kantata_admin.bulk.models import BulkJob


@admin.register(BulkJob)
class BulkJobAdmin(admin.ModelAdmin):
    list_display = ["pk", "summary", "starter_email", "state", "total", "done", "failed"]
    list_filter = ["state", "action"]
    search_fields = ["starter_email", "summary"]
    readonly_fields = [f.name for f in BulkJob._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: BulkJob | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: BulkJob | None = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: BulkJob | None = None) -> bool:
        return request.user.is_active and request.user.is_team_admin

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_team_admin
