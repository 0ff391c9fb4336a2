from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kantata_admin.core"
    label = "core"
