from django.apps import AppConfig


class SavedViewsConfig(AppConfig):
    name = "kantata_admin.savedviews"
    verbose_name = "Saved views"
