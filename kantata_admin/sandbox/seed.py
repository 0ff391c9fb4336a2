"""Deterministic demo data for the sandbox: `sandbox_seed` calls seed_sandbox().

Everything comes from random.Random(seed) and a fixed anchor date, so the same seed
gives the same content. Rows are written with bulk_create so that 10,000 groups take
seconds, not minutes.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from kantata_admin.sandbox import seed_words as words
from kantata_admin.sandbox.credentials import digest
from kantata_admin.sandbox.models import (
    AccessToken,
    Account,
    AuthorizationCode,
    CustomField,
    CustomFieldChoice,
    CustomFieldValue,
    ExternalReference,
    Fault,
    OAuthApplication,
    RateCardSet,
    RateWindow,
    SandboxUser,
    Workspace,
    WorkspaceGroup,
)
from kantata_admin.sandbox.seed_rows import ANCHOR, RowMaker


@dataclass
class SeedReport:
    accounts: int
    users: int
    workspaces: int
    groups: int
    custom_field_values: int
    external_references: int
    seconds: float


def dashboard_redirect_uris(extra: tuple[str, ...] = ()) -> list[str]:
    port = settings.PORT
    base = [
        f"http://127.0.0.1:{port}/accounts/kantata/login/callback/",
        f"http://localhost:{port}/accounts/kantata/login/callback/",
    ]
    return base + [uri for uri in extra if uri not in base]


def register_dashboard_application(extra_redirect_uris: tuple[str, ...] = ()) -> OAuthApplication:
    application, _ = OAuthApplication.objects.update_or_create(
        client_id=settings.KANTATA_CLIENT_ID,
        defaults={
            "name": "Kantata Admin (dashboard)",
            "client_secret_hash": digest(settings.KANTATA_CLIENT_SECRET),
            "redirect_uris": dashboard_redirect_uris(extra_redirect_uris),
        },
    )
    return application


def _clear() -> None:
    # Through tables and leaves first: each delete is then one fast SQL statement.
    for model in (
        RateWindow,
        Fault,
        AccessToken,
        AuthorizationCode,
        OAuthApplication,
        CustomFieldValue.choices.through,
        CustomFieldValue,
        ExternalReference,
        WorkspaceGroup.workspaces.through,
        WorkspaceGroup.rate_card_sets.through,
        WorkspaceGroup,
        Workspace.participants.through,
        Workspace,
        CustomFieldChoice,
        CustomField,
        RateCardSet,
        SandboxUser,
        Account,
    ):
        model.objects.all().delete()


ACME_FIELDS = [
    ("Industry", "single", words.INDUSTRIES),
    ("Services", "multi", words.SERVICES),
    ("Account tier", "string", ()),
    ("Annual revenue", "currency", ()),
    ("Employees", "number", ()),
    ("Contract start", "date", ()),
]
GLOBEX_FIELDS = [("Region", "single", ("North", "South", "East", "West")), ("Code", "string", ())]


def seed_sandbox(
    groups: int = 250, seed: int = 1, extra_redirect_uris: tuple[str, ...] = ()
) -> SeedReport:
    """Replace all sandbox data with a fresh, deterministic data set."""
    started = time.perf_counter()
    s = RowMaker(seed)
    other_groups = max(1, groups // 10) if groups > 1 else 0
    with transaction.atomic():
        _clear()
        acme, globex, users = s.accounts_and_users()
        admin, editor, viewer, other = users
        acme_spaces = s.workspaces(acme, 130)
        globex_spaces = s.workspaces(globex, 20)
        s.participation([admin, editor, viewer], [1.0, 0.6, 0.3], acme_spaces)
        s.participation([other], [1.0], globex_spaces)
        acme_cards = s.rate_card_sets(
            acme, ["Standard rates", "Enterprise", "Public sector", "Nonprofit"]
        )
        globex_cards = s.rate_card_sets(globex, ["Default", "Partners"])
        acme_fields, acme_choices = s.custom_fields(acme, ACME_FIELDS)
        globex_fields, globex_choices = s.custom_fields(globex, GLOBEX_FIELDS)
        CustomField.objects.create(
            account=acme,
            subject_type="Workspace",
            name="Billing code",
            value_type="string",
            created_at=ANCHOR,
            updated_at=ANCHOR,
        )
        acme_groups = s.groups(acme, groups - other_groups)
        globex_groups = s.groups(globex, other_groups)
        s.group_links(acme_groups, acme_spaces, acme_cards)
        s.group_links(globex_groups, globex_spaces, globex_cards)
        values = s.values(acme, acme_groups, acme_fields, acme_choices)
        values += s.values(globex, globex_groups, globex_fields, globex_choices)
        refs = s.external_references(acme, acme_groups)
        refs += s.external_references(globex, globex_groups)
        register_dashboard_application(extra_redirect_uris)
    return SeedReport(
        accounts=2,
        users=len(users),
        workspaces=len(acme_spaces) + len(globex_spaces),
        groups=groups,
        custom_field_values=values,
        external_references=refs,
        seconds=time.perf_counter() - started,
    )
