from django.db import models
from django.utils import timezone

from kantata_admin.sandbox.models.directory import Account, SandboxUser, Workspace

GROUP_SUBJECT = "WorkspaceGroup"
# Subjects are stored by class name; the recorded answers spell them snake_case
# (`"subject_type":"workspace_group"`) and queries may use either spelling.
_SUBJECT_SPELLINGS = {
    "WorkspaceGroup": GROUP_SUBJECT,
    "workspace_group": GROUP_SUBJECT,
    "Workspace": "Workspace",
    "workspace": "Workspace",
}


# The other subject types Kantata documents for custom fields and values; the sandbox has
# none of them, so a query naming one finds nothing (rather than a 400).
for _stored in ("Estimate", "Story", "User", "Resource"):
    _SUBJECT_SPELLINGS[_stored] = _stored
    _SUBJECT_SPELLINGS[_stored.lower()] = _stored

# Account-level permissions that gate an account-wide custom field (WorkspaceGroup,
# Estimate, User), weakest first; a field's read_access and write_access name one.
ACCOUNT_ACCESS = (
    "account_collaboration",
    "project_creator",
    "project_lead",
    "reports_viewer",
    "reports_viewer_with_cost",
    "account_admin",
)
# A sandbox user's account_permission -> the access level it holds.
_HELD_ACCESS = {
    "owner": "account_admin",
    "administrator": "account_admin",
    "project_lead": "project_lead",
    "collaborator": "account_collaboration",
}


def access_levels_held(account_permission: str) -> tuple[str, ...]:
    """The field access levels a user with `account_permission` meets."""
    held = _HELD_ACCESS.get(account_permission, "account_collaboration")
    return ACCOUNT_ACCESS[: ACCOUNT_ACCESS.index(held) + 1]


def holds_access(account_permission: str, required: str) -> bool:
    """Whether a user with `account_permission` meets a field's `required` access."""
    return required in access_levels_held(account_permission)


def stored_subject_type(spelling: str) -> str | None:
    """The stored subject type a query's `subject_type` names, or None when unknown."""
    return _SUBJECT_SPELLINGS.get(spelling.strip())


def recorded_subject_type(stored: str) -> str:
    """`WorkspaceGroup` -> `workspace_group`, as the real service answers."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in stored).lstrip("_")


class RateCardSet(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="rate_card_sets")
    title = models.CharField(max_length=200)
    account_default = models.BooleanField(default=False)
    active_currencies = models.JSONField(default=list)
    default_currencies = models.JSONField(default=list)
    destroyable = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.title


class WorkspaceGroupQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        # bulk_create skips save(): the seed and test factories would leave name_key
        # empty and collide on the unique constraint.
        objs = list(objs)
        for obj in objs:
            obj.name_key = WorkspaceGroup.key_for(obj.name)
        return super().bulk_create(objs, *args, **kwargs)


class WorkspaceGroup(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=255)
    # name.casefold(), set on save: uniqueness and matching compare it, because SQLite's
    # LOWER and LIKE fold ASCII letters only ("Äpfel" vs "äpfel"). Casefolding can
    # lengthen a name ("ß" -> "ss"), at most threefold.
    name_key = models.CharField(max_length=255 * 3, editable=False)
    # Recorded: text never set is null, text cleared is "": both are kept as written.
    notes = models.TextField(null=True, blank=True)  # noqa: DJ001
    company = models.BooleanField(default=False)
    contact_name = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    email = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    phone_number = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    address = models.CharField(max_length=500, null=True, blank=True)  # noqa: DJ001
    website = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    workspaces = models.ManyToManyField(Workspace, related_name="groups", blank=True)
    rate_card_sets = models.ManyToManyField(RateCardSet, related_name="groups", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = WorkspaceGroupQuerySet.as_manager()

    class Meta:
        constraints = [
            # "Kantata" and "kantata" cannot both exist in one account.
            models.UniqueConstraint(
                fields=["account", "name_key"], name="sandbox_group_name_unique_per_account"
            )
        ]
        indexes = [
            models.Index(fields=["account", "created_at"]),
            models.Index(fields=["account", "updated_at"]),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name_key = self.key_for(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    @staticmethod
    def key_for(name: str) -> str:
        return name.casefold()


class CustomField(models.Model):
    class ValueType(models.TextChoices):
        STRING = "string"
        NUMBER = "number"
        CURRENCY = "currency"
        DATE = "date"
        SINGLE = "single"
        MULTI = "multi"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="custom_fields")
    subject_type = models.CharField(max_length=40, default=GROUP_SUBJECT)
    name = models.CharField(max_length=200)
    value_type = models.CharField(max_length=10, choices=ValueType.choices)
    # Documented record fields. Access levels default to Kantata's default for account-wide
    # fields (account_admin); `custom_field_set_id` names a set the sandbox does not model.
    default_text = models.TextField(null=True, blank=True)  # noqa: DJ001
    read_access = models.CharField(max_length=40, default="account_admin")
    write_access = models.CharField(max_length=40, default="account_admin")
    unique_constraint = models.BooleanField(default=False)
    creator = models.ForeignKey(
        SandboxUser, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    custom_field_set_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name

    def readable_by(self, user) -> bool:
        return holds_access(user.account_permission, self.read_access)

    def writable_by(self, user) -> bool:
        return user.can_write_groups and holds_access(user.account_permission, self.write_access)


class CustomFieldChoice(models.Model):
    custom_field = models.ForeignKey(CustomField, on_delete=models.CASCADE, related_name="choices")
    label = models.CharField(max_length=200)
    position = models.IntegerField(default=0)
    # False for an obsolete choice (kept for the values that hold it); `active=true` hides it.
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.label


class ExternalReference(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        SUCCESSFUL = "successful"
        FAILED = "failed"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    subject_type = models.CharField(max_length=40, default=GROUP_SUBJECT)
    subject_id = models.BigIntegerField()
    service_name = models.CharField(max_length=100)
    service_model = models.CharField(max_length=100)
    service_model_ref = models.CharField(max_length=255)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    external_link = models.CharField(max_length=500, null=True, blank=True)  # noqa: DJ001
    external_message = models.TextField(null=True, blank=True)  # noqa: DJ001
    external_status = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    locked = models.BooleanField(default=False)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.service_name}:{self.service_model}:{self.service_model_ref}"
