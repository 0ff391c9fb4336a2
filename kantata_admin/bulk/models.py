"""A bulk job: one member's change to many groups, frozen at start, run in the background
one checkpointed item at a time (runner.py), each item an audit entry."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class JobState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused"
    CANCELLING = "cancelling", "Cancelling"
    CANCELLED = "cancelled", "Cancelled"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING, JobState.CANCELLING)
FINISHED_STATES = (JobState.CANCELLED, JobState.DONE, JobState.FAILED)


class ItemState(models.TextChoices):
    PENDING = "pending", "Waiting"
    # Claimed by a worker: its write may be in flight. A worker that finds an item in this
    # state (its worker died) reads the group again before deciding anything.
    SENDING = "sending", "Being written"
    DONE = "done", "Changed"
    SKIPPED = "skipped", "Skipped"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Not done (cancelled)"


class BulkJob(models.Model):
    starter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    starter_email = models.CharField(max_length=254, blank=True)
    account_id = models.CharField("Kantata account", max_length=64, blank=True)
    # The action's name (actions.ACTIONS) and its values, as the form gave them.
    action = models.CharField(max_length=32)
    values = models.JSONField(default=dict, blank=True)
    summary = models.CharField("change", max_length=500, blank=True)
    # How the groups were chosen: {"ids": [...]} or {"filter": querystring, "count": N}.
    selection = models.JSONField(default=dict, blank=True)
    # A revert job: the job (or the single audit entry) it undoes.
    reverts_job = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reverts"
    )
    reverts_entry_id = models.BigIntegerField(null=True, blank=True)
    state = models.CharField(max_length=12, choices=JobState.choices, default=JobState.QUEUED)
    reason = models.CharField("why paused or failed", max_length=500, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The worker holding the job, and when it last said so; a stale one is taken over.
    worker_id = models.CharField(max_length=64, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"bulk job #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_STATES

    @property
    def processed(self) -> int:
        return self.done + self.failed + self.skipped

    @property
    def percent(self) -> int:
        return int(100 * self.processed / self.total) if self.total else 100


class BulkItem(models.Model):
    job = models.ForeignKey(BulkJob, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    group_id = models.CharField(max_length=64)
    group_name = models.CharField(max_length=255, blank=True)
    state = models.CharField(max_length=10, choices=ItemState.choices, default=ItemState.PENDING)
    # What to write ({"fields", "add_workspaces", "remove_workspaces", "custom", "delete",
    # "recreate"}, changes.py), and for a revert what must still be there ("guard").
    patch = models.JSONField(default=dict, blank=True)
    guard = models.JSONField(null=True, blank=True)
    # The group's values on those keys before and after; for a delete, all its values.
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    request_id = models.CharField(max_length=128, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Set when a revert re-created a deleted group.
    new_group_id = models.CharField(max_length=64, blank=True)
    audit_entry = models.OneToOneField(
        "audit.AuditEntry",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bulk_item",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["job", "position"]
        constraints = [
            models.UniqueConstraint(fields=["job", "group_id"], name="bulk_item_once_per_group")
        ]
        indexes = [models.Index(fields=["job", "state", "position"])]

    def __str__(self) -> str:
        return f"{self.job} item {self.position}: group {self.group_id}"
