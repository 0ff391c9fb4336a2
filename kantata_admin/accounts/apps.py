from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kantata_admin.accounts"
    label = "accounts"
    verbose_name = "Team"

    def ready(self) -> None:
        from kantata_admin.accounts import signals  # noqa: F401
