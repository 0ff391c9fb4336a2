from django.core.management.base import BaseCommand, CommandParser

from kantata_admin.sandbox.seed import seed_sandbox


class Command(BaseCommand):
    help = "Replace the sandbox's data with deterministic demo data (and register the dashboard)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--groups", type=int, default=250, help="workspace groups in all")
        parser.add_argument("--seed", type=int, default=1, help="random seed")
        parser.add_argument(
            "--redirect-uri",
            action="append",
            default=[],
            help="an extra redirect URI for the dashboard application (repeatable)",
        )

    def handle(self, *args, groups: int, seed: int, redirect_uri: list[str], **options) -> None:
        report = seed_sandbox(groups=groups, seed=seed, extra_redirect_uris=tuple(redirect_uri))
        self.stdout.write(
            f"Seeded {report.accounts} accounts, {report.users} users, "
            f"{report.workspaces} workspaces, {report.groups} groups, "
            f"{report.custom_field_values} custom field values, "
            f"{report.external_references} external references in {report.seconds:.1f} s."
        )
