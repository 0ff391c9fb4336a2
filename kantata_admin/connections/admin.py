"""The back office: every member's Kantata OX connection, for team admins, with a
disconnect action. No token is shown, not even masked: the encrypted columns are not
fields of this admin at all."""

from allauth.socialaccount.models import SocialToken
from django.contrib import admin, messages
from django.http import HttpRequest

from kantata_admin.connections.models import KantataConnection
from kantata_admin.connections.services import connection_delete

# allauth's token admin shows the first 40 characters of each token. Tokens are never
# stored there (SOCIALACCOUNT_STORE_TOKENS = False); the page goes too.
if admin.site.is_registered(SocialToken):
    admin.site.unregister(SocialToken)

SHOWN = [
    "user",
    "name",
    "email",
    "kantata_user_id",
    "account_id",
    "status",
    "kind",
    "connected_at",
    "last_used_at",
]


@admin.register(KantataConnection)
class KantataConnectionAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "name",
        "kantata_user_id",
        "account_id",
        "status",
        "kind",
        "connected_at",
        "last_used_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["user__email", "name", "email", "kantata_user_id", "account_id"]
    fields = SHOWN
    readonly_fields = SHOWN
    actions = ["disconnect"]

    # Team admins run the back office (superusers are team admins too).
    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_team_admin

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_team_admin

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_team_admin

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # members connect themselves, on the Kantata OX page

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.action(description="Disconnect the selected connections", permissions=["delete"])
    def disconnect(self, request: HttpRequest, queryset) -> None:
        count = 0
        for connection in queryset.select_related("user"):
            connection_delete(connection, by=request.user)
            count += 1
        self.message_user(
            request,
            f"Disconnected {count} Kantata OX connection{'s' if count != 1 else ''}; "
            "the tokens are deleted and revoked where Kantata OX allows.",
            messages.SUCCESS,
        )

    def delete_model(self, request: HttpRequest, obj: KantataConnection) -> None:
        connection_delete(obj, by=request.user)

    # Django's own "Delete selected" lands here too: it also revokes.
    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for connection in queryset:
            connection_delete(connection, by=request.user)
