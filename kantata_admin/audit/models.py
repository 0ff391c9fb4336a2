"""The audit log: one append-only row for every change made through the dashboard."""

from typing import Any

from django.conf import settings
from django.db import models


class Action(models.TextChoices):
    GROUP_CREATE = "group_create", "Group created"
    GROUP_UPDATE = "group_update", "Group changed"
    GROUP_DELETE = "group_delete", "Group deleted"
    CONNECT = "connect", "Kantata OX connected"
    DISCONNECT = "disconnect", "Kantata OX disconnected"
    KEY_ROTATION = "key_rotation", "Token keys rotated"
    ROLE_CHANGE = "role_change", "Role changed"
    MEMBER_ACTIVE = "member_active", "Member activated or deactivated"
    MEMBER_CHANGE = "member_change", "Member changed"
    INVITATION_CREATE = "invitation_create", "Invitation sent"
    INVITATION_REVOKE = "invitation_revoke", "Invitation revoked"
    INVITATION_ACCEPT = "invitation_accept", "Invitation accepted"
    INVITATION_CHANGE = "invitation_change", "Invitation changed"
    SAVED_VIEW_REMOVE = "saved_view_remove", "Shared view removed"


class Outcome(models.TextChoices):
    SUCCESS = "success", "Success"
    ERROR = "error", "Error"


def _shown(value: Any) -> Any:
    # Booleans (a group's "company") read better as words; None means "no such side".
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


class AppendOnlyError(Exception):
    """An audit entry was about to be changed or removed; the log only grows."""


class AuditEntryQuerySet(models.QuerySet):
    # Bulk paths bypass Model.save()/delete(), so they are closed here too.
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit entries cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    """Who did what, when, to which Kantata account and group, and what Kantata answered."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # The member may be deleted later; their e-mail stays so the entry still says who.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_email = models.CharField("who", max_length=254, blank=True)
    action = models.CharField(max_length=32, choices=Action.choices, db_index=True)
    account_id = models.CharField("Kantata account", max_length=64, blank=True)
    group_id = models.CharField("group id", max_length=64, blank=True, db_index=True)
    group_name = models.CharField("group", max_length=255, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    error = models.TextField(blank=True)
    request_id = models.CharField("upstream request id", max_length=128, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.actor_email or 'the system'}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit entries cannot be deleted.")

    @property
    def succeeded(self) -> bool:
        return self.outcome == Outcome.SUCCESS

    @property
    def group_still_linkable(self) -> bool:
        """Whether the group's page can be linked: a Kantata id, and not deleted here."""
        return self.group_id.isdigit() and self.action != Action.GROUP_DELETE

    @property
    def field_changes(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) from `changes["fields"]`, for display."""
        fields = self.changes.get("fields") if isinstance(self.changes, dict) else None
        if not isinstance(fields, dict):
            return []
        return [
            (name.replace("_", " "), _shown(values.get("before")), _shown(values.get("after")))
            for name, values in fields.items()
            if isinstance(values, dict)
        ]

    @property
    def change_notes(self) -> list[tuple[str, Any]]:
        """Everything else in `changes` (workspaces added, the member concerned, ...)."""
        if not isinstance(self.changes, dict):
            return []
        return [
            (
                key.replace("_", " "),
                ", ".join(map(str, value)) if isinstance(value, list) else value,
            )
            for key, value in self.changes.items()
            if key != "fields" and value not in (None, "", [])
        ]
