"""The demo data's rows, made from one random.Random and bulk-inserted (seed.py is the recipe)."""

import random
from datetime import UTC, date, datetime, timedelta

from django.contrib.auth.hashers import make_password

from kantata_admin.sandbox import seed_words as words
from kantata_admin.sandbox.demo import (
    ADMIN_EMAIL,
    EDITOR_EMAIL,
    OTHER_ACCOUNT_EMAIL,
    READONLY_EMAIL,
    SANDBOX_PASSWORD,
)
from kantata_admin.sandbox.models import (
    Account,
    CustomField,
    CustomFieldChoice,
    CustomFieldValue,
    ExternalReference,
    RateCardSet,
    SandboxUser,
    Workspace,
    WorkspaceGroup,
)

ANCHOR = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
# Group custom fields whose write_access is account_admin: project leads see them read-only.
ADMIN_ONLY_FIELDS = frozenset({"Contract start"})
SERVICES = {  # service name -> (service model, external statuses)
    "salesforce": ("Account", ("Active", "Prospect", "Churned")),
    "hubspot": ("Company", ("customer", "lead", "opportunity")),
    "netsuite": ("Customer", ("CUSTOMER-Closed Won", "CUSTOMER-Renewal", "LEAD-Unqualified")),
}
BATCH = 2000


# Text fields of a group that the recordings show as null when never set, "" when cleared.
BLANKABLE = ("notes", "contact_name", "email", "phone_number", "address", "website")


def _recorded_blanks(group: WorkspaceGroup, i: int) -> None:
    """The recorded mix of empties: mostly null, every fifth group's empties "" (as if
    cleared). Decided by position, not the RNG, so the rest of the data is unchanged."""
    for name in BLANKABLE:
        if not getattr(group, name):
            setattr(group, name, "" if i % 5 == 4 else None)


class RowMaker:
    """Builds and bulk-inserts one kind of demo row per method, all from one RNG."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
        self.taken_names: set[str] = set()

    def moment(self, max_days_ago: int = 2000) -> datetime:
        return ANCHOR - timedelta(seconds=self.rng.randrange(max_days_ago * 86400))

    def later(self, start: datetime) -> datetime:
        return min(ANCHOR, start + timedelta(seconds=self.rng.randrange(400 * 86400)))

    def person(self) -> str:
        return f"{self.rng.choice(words.FIRST_NAMES)} {self.rng.choice(words.LAST_NAMES)}"

    def unique(self, name: str) -> str:
        candidate, n = name, 2
        # Compared as the database's unique constraint does (WorkspaceGroup.name_key).
        while WorkspaceGroup.key_for(candidate) in self.taken_names:
            candidate, n = f"{name} {n}", n + 1
        self.taken_names.add(WorkspaceGroup.key_for(candidate))
        return candidate

    def company_name(self) -> str:
        rng = self.rng
        base = f"{rng.choice(words.ADJECTIVES)} {rng.choice(words.NOUNS)}"
        suffix = rng.choice(words.COMPANY_SUFFIXES)
        return self.unique(f"{base} {suffix}".strip())

    def internal_name(self) -> str:
        rng = self.rng
        return self.unique(
            f"{rng.choice(words.DEPARTMENTS)} {rng.choice(words.REGIONS)} "
            f"{rng.choice(words.PROGRAMMES)}"
        )

    # --- directory -------------------------------------------------------------------

    def accounts_and_users(self) -> tuple[Account, Account, list[SandboxUser]]:
        acme = Account.objects.create(name="Acme Consulting", time_zone="America/Los_Angeles")
        globex = Account.objects.create(name="Globex Services", time_zone="Europe/London")
        password = make_password(SANDBOX_PASSWORD)  # one slow hash, shared by all
        users = SandboxUser.objects.bulk_create(
            [
                SandboxUser(
                    account=acme,
                    email=ADMIN_EMAIL,
                    full_name="Avery Admin",
                    headline="Operations director",
                    password=password,
                    account_permission="administrator",
                ),
                SandboxUser(
                    account=acme,
                    email=EDITOR_EMAIL,
                    full_name="Eden Editor",
                    headline="Project lead",
                    password=password,
                    account_permission="project_lead",
                ),
                SandboxUser(
                    account=acme,
                    email=READONLY_EMAIL,
                    full_name="Vic Viewer",
                    headline="Consultant",
                    password=password,
                    account_permission="collaborator",
                    plan_type="collaborator",
                ),
                SandboxUser(
                    account=globex,
                    email=OTHER_ACCOUNT_EMAIL,
                    full_name="Gil Globex",
                    headline="Managing partner",
                    password=password,
                    account_permission="administrator",
                ),
            ]
        )
        return acme, globex, users

    def workspaces(self, account: Account, count: int) -> list[Workspace]:
        rng, rows = self.rng, []
        for i in range(count):
            created = self.moment(1500)
            start = created.date() + timedelta(days=rng.randrange(0, 60))
            archived = rng.random() < 0.15
            rows.append(
                Workspace(
                    account=account,
                    title=f"{rng.choice(words.PROJECT_KINDS)} #{i + 1:03d}",
                    description=rng.choice(["", "Fixed-fee engagement.", "Time and materials."]),
                    archived=archived,
                    access_level=rng.choice(["open", "invitation"]),
                    start_date=start,
                    due_date=start + timedelta(days=rng.randrange(30, 400)),
                    status_color="grey" if archived else rng.choice(["green", "yellow", "red"]),
                    status_key=400 if archived else 310,
                    status_message="Archived" if archived else "Active",
                    created_at=created,
                    updated_at=self.later(created),
                )
            )
        # Recorded: some projects have no dates (answered ""). Chosen by position, not by
        # the RNG, so that the rest of the data stays what it was.
        for i, row in enumerate(rows):
            if i % 10 == 7:
                row.start_date = row.due_date = None
        return Workspace.objects.bulk_create(rows)

    def participation(self, users: list[SandboxUser], shares: list[float], spaces: list[Workspace]):
        through = Workspace.participants.through
        rows = [
            through(workspace_id=space.pk, sandboxuser_id=user.pk)
            for user, share in zip(users, shares, strict=True)
            for space in spaces
            if share >= 1 or self.rng.random() < share
        ]
        through.objects.bulk_create(rows, batch_size=BATCH)

    def rate_card_sets(self, account: Account, titles: list[str]) -> list[RateCardSet]:
        rows = []
        for i, title in enumerate(titles):
            created = self.moment(1800)
            rows.append(
                RateCardSet(
                    account=account,
                    title=title,
                    account_default=i == 0,
                    active_currencies=["USD", "EUR"] if i % 2 else ["USD"],
                    default_currencies=["USD"],
                    destroyable=i != 0,
                    created_at=created,
                    updated_at=self.later(created),
                )
            )
        return RateCardSet.objects.bulk_create(rows)

    def custom_fields(self, account: Account, spec: list[tuple[str, str, tuple]]):
        creator = SandboxUser.objects.filter(account=account).order_by("id").first()
        fields = CustomField.objects.bulk_create(
            [
                CustomField(
                    account=account,
                    name=name,
                    value_type=kind,
                    created_at=ANCHOR,
                    updated_at=ANCHOR,
                    creator=creator,
                    custom_field_set_id=None,
                    unique_constraint=False,
                    default_text=None,
                    # Everyone reads them; project leads and up write them, except one
                    # field only administrators may change (a read-only input for editors).
                    read_access="account_collaboration",
                    write_access="account_admin" if name in ADMIN_ONLY_FIELDS else "project_lead",
                )
                for name, kind, _ in spec
            ]
        )
        choices = CustomFieldChoice.objects.bulk_create(
            [
                CustomFieldChoice(
                    custom_field=field,
                    label=label,
                    position=pos,
                    created_at=ANCHOR,
                    updated_at=ANCHOR,
                )
                for field, (_, _, labels) in zip(fields, spec, strict=True)
                for pos, label in enumerate(labels)
            ]
        )
        by_field: dict[int, list[CustomFieldChoice]] = {}
        for choice in choices:
            by_field.setdefault(choice.custom_field_id, []).append(choice)
        return fields, by_field

    # --- groups and what hangs off them -----------------------------------------------

    def groups(self, account: Account, count: int) -> list[WorkspaceGroup]:
        rng, rows = self.rng, []
        for i in range(count):
            created = self.moment()
            company = rng.random() < 0.5
            group = WorkspaceGroup(
                account=account,
                company=company,
                name=self.company_name() if company else self.internal_name(),
                notes=rng.choice([None, None, "Key account.", "Invoice quarterly.\nNet 30."]),
                created_at=created,
                updated_at=self.later(created),
            )
            if company:
                contact = self.person()
                domain = group.name.split()[0].lower()
                group.contact_name = contact
                group.email = f"{contact.split()[0].lower()}@{domain}.example"
                group.phone_number = rng.choice(["", f"+1 555 {rng.randrange(1000000):07d}"])
                group.address = (
                    f"{rng.randrange(1, 999)} {rng.choice(words.STREETS)}, "
                    f"{rng.choice(words.CITIES)}"
                )
                group.website = rng.choice(["", f"https://www.{domain}.example"])
            _recorded_blanks(group, i)
            rows.append(group)
        # The manager's bulk_create sets each name_key (save() is not called here).
        return WorkspaceGroup.objects.bulk_create(rows, batch_size=BATCH)

    def group_links(self, groups, spaces: list[Workspace], cards: list[RateCardSet]) -> None:
        rng = self.rng
        space_rows, card_rows = [], []
        space_through = WorkspaceGroup.workspaces.through
        card_through = WorkspaceGroup.rate_card_sets.through
        for group in groups:
            for space in rng.sample(spaces, k=min(len(spaces), rng.choice([0, 1, 2, 3, 5, 8]))):
                space_rows.append(space_through(workspacegroup_id=group.pk, workspace_id=space.pk))
            for card in rng.sample(cards, k=rng.choice([0, 0, 1, 1, 2])):
                card_rows.append(card_through(workspacegroup_id=group.pk, ratecardset_id=card.pk))
        space_through.objects.bulk_create(space_rows, batch_size=BATCH)
        card_through.objects.bulk_create(card_rows, batch_size=BATCH)

    def values(self, account: Account, groups, fields, choices_by_field) -> int:
        # Every demo value was set by the account's first user, its administrator.
        setter = SandboxUser.objects.filter(account=account).order_by("id").first()
        rng = self.rng
        rows: list[CustomFieldValue] = []
        picks: list[list[int]] = []
        for group in groups:
            for field in fields:
                if rng.random() < 0.4:
                    continue
                value = CustomFieldValue(
                    account=account,
                    custom_field=field,
                    subject_id=group.pk,
                    setter=setter,
                    created_at=group.created_at,
                    updated_at=group.updated_at,
                )
                choices = choices_by_field.get(field.pk, [])
                # Written in the value's JSON form, through the model's one rule for types.
                match field.value_type:
                    case "string":
                        raw = rng.choice(words.TIERS)
                    case "number":
                        raw = rng.choice([5, 12, 40, 101, 200, 850])
                    case "currency":
                        dollars = rng.randrange(10, 5000) * 100
                        raw = [dollars * 100, rng.choice(["USD", "USD", "EUR", "GBP"])]
                    case "date":
                        raw = (date(2024, 1, 1) + timedelta(days=rng.randrange(730))).isoformat()
                    case "single":
                        raw = [rng.choice(choices).pk]
                    case _:
                        raw = [c.pk for c in rng.sample(choices, k=rng.randrange(1, 4))]
                value.set_value(raw, choices)
                rows.append(value)
                picks.append(value.chosen_ids)
        CustomFieldValue.objects.bulk_create(rows, batch_size=BATCH)
        through = CustomFieldValue.choices.through
        through.objects.bulk_create(
            [
                through(customfieldvalue_id=value.pk, customfieldchoice_id=choice_id)
                for value, chosen in zip(rows, picks, strict=True)
                for choice_id in chosen
            ],
            batch_size=BATCH,
        )
        return len(rows)

    def external_references(self, account: Account, groups) -> int:
        rng, rows = self.rng, []
        statuses = [s.value for s in ExternalReference.Status]
        for group in groups:
            if rng.random() < 0.55:
                continue
            for service in rng.sample(sorted(SERVICES), k=rng.choice([1, 1, 2])):
                model, external_statuses = SERVICES[service]
                ref = str(rng.randrange(100000, 999999))
                status = rng.choice(statuses)
                rows.append(
                    ExternalReference(
                        account=account,
                        subject_id=group.pk,
                        service_name=service,
                        service_model=model,
                        service_model_ref=ref,
                        status=status,
                        external_link=f"https://{service}.example/{model.lower()}/{ref}",
                        external_message="Sync failed: rate limited"
                        if status == "failed"
                        else None,
                        external_status=rng.choice(external_statuses),
                        locked=rng.random() < 0.1,
                        last_synced_at=None if status == "pending" else group.updated_at,
                        created_at=group.created_at,
                        updated_at=group.updated_at,
                    )
                )
        ExternalReference.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)
