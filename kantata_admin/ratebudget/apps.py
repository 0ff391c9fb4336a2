from django.apps import AppConfig


class RateBudgetConfig(AppConfig):
    name = "kantata_admin.ratebudget"
    label = "ratebudget"
    verbose_name = "Kantata OX rate budget"
    default_auto_field = "django.db.models.BigAutoField"
