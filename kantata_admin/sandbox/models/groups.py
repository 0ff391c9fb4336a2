from django.db import models
from django.utils import timezone

from kantata_admin.sandbox.models.directory import Account, Workspace

GROUP_SUBJECT = "WorkspaceGroup"
# Subjects are stored by class name; the recorded answers spell them snake_case
# (`"subject_type":"workspace_group"`) and queries may use either spelling.
_SUBJECT_SPELLINGS = {
    "WorkspaceGroup": GROUP_SUBJECT,
    "workspace_group": GROUP_SUBJECT,
    "Workspace": "Workspace",
    "workspace": "Workspace",
}


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
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class CustomFieldChoice(models.Model):
    custom_field = models.ForeignKey(CustomField, on_delete=models.CASCADE, related_name="choices")
    label = models.CharField(max_length=200)
    position = models.IntegerField(default=0)

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
