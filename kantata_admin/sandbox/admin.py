"""The sandbox's data in the Django admin; secret digests are never shown."""

from django.contrib import admin

from kantata_admin.sandbox import models


@admin.register(models.Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("name", "time_zone")


@admin.register(models.SandboxUser)
class SandboxUserAdmin(admin.ModelAdmin):
    list_display = ("email", "full_name", "account", "account_permission")
    list_filter = ("account", "account_permission")
    search_fields = ("email", "full_name")
    exclude = ("password",)


@admin.register(models.Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ("title", "account", "archived", "updated_at")
    list_filter = ("account", "archived")
    search_fields = ("title",)
    filter_horizontal = ("participants",)


@admin.register(models.WorkspaceGroup)
class WorkspaceGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "account", "company", "updated_at")
    list_filter = ("account", "company")
    search_fields = ("name", "contact_name", "email")
    raw_id_fields = ("workspaces", "rate_card_sets")


class ChoiceInline(admin.TabularInline):
    model = models.CustomFieldChoice
    extra = 0


@admin.register(models.CustomField)
class CustomFieldAdmin(admin.ModelAdmin):
    list_display = ("name", "account", "subject_type", "value_type")
    inlines = [ChoiceInline]


@admin.register(models.CustomFieldValue)
class CustomFieldValueAdmin(admin.ModelAdmin):
    list_display = (
        "custom_field",
        "subject_type",
        "subject_id",
        "text_value",
        "number_value",
        "currency_code",
        "date_value",
        "setter",
    )
    list_filter = ("custom_field",)
    raw_id_fields = ("choices", "setter")


@admin.register(models.RateCardSet)
class RateCardSetAdmin(admin.ModelAdmin):
    list_display = ("title", "account", "account_default")


@admin.register(models.ExternalReference)
class ExternalReferenceAdmin(admin.ModelAdmin):
    list_display = ("service_name", "service_model", "service_model_ref", "subject_id", "status")
    list_filter = ("service_name", "status")


@admin.register(models.OAuthApplication)
class OAuthApplicationAdmin(admin.ModelAdmin):
    list_display = ("name", "client_id", "created_at")
    # Secrets are set with `manage.py sandbox_application --secret`; the digest is useless here.
    exclude = ("client_secret_hash",)


@admin.register(models.AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "user",
        "application",
        "created_at",
        "expires_at",
        "revoked_at",
        "rate_limit",
    )
    list_filter = ("application", "revoked_at")
    # Neither digest is shown: like the secrets, they are useless here.
    fields = ("user", "application", "created_at", "expires_at", "revoked_at", "rate_limit")
    readonly_fields = ("user", "application", "created_at", "expires_at")

    def has_add_permission(self, request) -> bool:
        return False  # tokens come from the OAuth flow or `sandbox_token`


@admin.register(models.AuthorizationCode)
class AuthorizationCodeAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "application", "expires_at", "used_at")
    fields = (
        "user",
        "application",
        "redirect_uri",
        "code_challenge_method",
        "expires_at",
        "used_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(models.Fault)
class FaultAdmin(admin.ModelAdmin):
    list_display = ("token", "kind", "remaining", "retry_after", "delay_ms")
