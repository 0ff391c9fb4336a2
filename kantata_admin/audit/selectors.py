"""Reading the audit log: the admins' filtered log and a group's history."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from kantata_admin.audit.models import AuditEntry

GROUP_HISTORY_LENGTH = 20


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    actor: str = ""
    group: str = ""
    outcome: str = ""
    since: date | None = None
    until: date | None = None


def audit_entry_list(filters: AuditFilters) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.select_related("actor")
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.actor:
        entries = entries.filter(actor_email__icontains=filters.actor)
    if filters.group:
        group = filters.group.strip()
        entries = entries.filter(Q(group_id=group) | Q(group_name__icontains=group))
    if filters.outcome:
        entries = entries.filter(outcome=filters.outcome)
    if filters.since:
        entries = entries.filter(created_at__date__gte=filters.since)
    if filters.until:
        entries = entries.filter(created_at__date__lte=filters.until)
    return entries


def group_history(group_id: str, *, limit: int = GROUP_HISTORY_LENGTH) -> list[AuditEntry]:
    """The latest entries about one workspace group, newest first."""
    # With the bulk item, if any: the history says "by bulk job #N".
    entries = AuditEntry.objects.filter(group_id=str(group_id)).select_related("bulk_item")
    return list(entries[:limit])
