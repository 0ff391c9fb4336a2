"""An import: one uploaded file's dry run, then (once applied) its bulk job.

The file itself is never stored: only what the dry run made of each row (its class, the
changes shown, and for creates and updates the patch the job writes). Those rows are
deleted when the job starts (its items then hold what it writes, for the revert and the
audit log) or, never applied, after IMPORT_KEEP_HOURS. A run is its uploader's: only
they and the team's admins may open it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportRun(models.Model):
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    account_id = models.CharField("Kantata account", max_length=64, blank=True)
    filename = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    # Rows per class: {"create": n, "update": n, "unchanged": n, "error": n}.
    counts = models.JSONField(default=dict)
    # Set with `counts`, once every row is stored: until then the run is neither listed,
    # nor shown, nor appliable (its rows are still being written).
    checked = models.BooleanField(default=False)
    # Custom field id -> name, for the job's audit entries.
    field_names = models.JSONField(default=dict, blank=True)
    job = models.OneToOneField(
        "bulk.BulkJob",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_run",
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"import #{self.pk} ({self.filename})"

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def to_write(self) -> int:
        return self.counts.get("create", 0) + self.counts.get("update", 0)


class ImportRow(models.Model):
    class Kind(models.TextChoices):
        CREATE = "create", "Create"
        UPDATE = "update", "Update"
        UNCHANGED = "unchanged", "Unchanged"
        ERROR = "error", "Error"

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rows")
    # The row's number as a spreadsheet shows it (the header is row 1), not the file's line.
    line = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    group_id = models.CharField(max_length=64, blank=True)
    name = models.CharField(max_length=255, blank=True)
    # [[what, before, after], ...] as shown.
    changes = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    patch = models.JSONField(null=True, blank=True)
    guard = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["run", "line"]
        indexes = [models.Index(fields=["run", "kind", "line"])]

    def __str__(self) -> str:
        return f"{self.run} line {self.line}: {self.kind}"
