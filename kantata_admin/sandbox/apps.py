from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "kantata_admin.sandbox"
    label = "sandbox"
    verbose_name = "Kantata OX sandbox"
