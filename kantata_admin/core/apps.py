from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate


def _create_cache_table(sender, **kwargs) -> None:
    # Production without Redis keeps its cache in the database (settings.py): `migrate`
    # alone then prepares everything. A no-op for other cache backends.
    from django.core.management import call_command

    call_command("createcachetable", verbosity=0)


def _sandbox_in_production(app_configs, **kwargs) -> list[checks.CheckMessage]:
    from django.conf import settings

    if settings.KANTATA_SANDBOX and not settings.DEBUG:
        return [
            checks.Warning(
                "The Kantata OX sandbox is mounted at /sandbox/ with DEBUG=false.",
                hint="Its sign-in page shows the demo users' password. Set KANTATA_SANDBOX=false "
                "and real KANTATA_CLIENT_ID/KANTATA_CLIENT_SECRET for production.",
                id="kantata_admin.W001",
            )
        ]
    return []


class CoreConfig(AppConfig):
    name = "kantata_admin.core"
    label = "core"

    def ready(self) -> None:
        post_migrate.connect(_create_cache_table, sender=self)
        checks.register(_sandbox_in_production, checks.Tags.security, deploy=True)
