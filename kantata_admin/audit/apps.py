from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kantata_admin.audit"
    label = "audit"
    verbose_name = "Audit log"
