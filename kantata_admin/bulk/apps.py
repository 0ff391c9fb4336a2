from django.apps import AppConfig


class BulkConfig(AppConfig):
    name = "kantata_admin.bulk"
    label = "bulk"
    verbose_name = "Bulk changes"
    default_auto_field = "django.db.models.BigAutoField"
