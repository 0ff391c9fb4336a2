from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _create_cache_table(sender, **kwargs) -> None:
    # Production without Redis keeps its cache in the database (settings.py): `migrate`
    # alone then prepares everything. A no-op for other cache backends.
    from django.core.management import call_command

    call_command("createcachetable", verbosity=0)


class CoreConfig(AppConfig):
    name = "kantata_admin.core"
    label = "core"

    def ready(self) -> None:
        post_migrate.connect(_create_cache_table, sender=self)
