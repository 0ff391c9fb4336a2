"""Reading the audit log: the admins' filtered log and a group's history."""

from dataclasses import dataclass
from datetime import date
from typing import Any

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


def viewer_account_id(user: Any) -> str:
    """The Kantata OX account of the member looking, or "" without a connection."""
    # RelatedObjectDoesNotExist is an AttributeError: no connection, no account.
    connection = getattr(user, "kantata_connection", None)
    return str(getattr(connection, "account_id", "") or "")


def _own_account(entries: QuerySet[AuditEntry], account_id: str) -> QuerySet[AuditEntry]:
    # Group entries belong to the Kantata account the member acted in: another account's
    # attempt on an id (which may be one of ours) is none of this team's history. Team
    # entries (roles, invitations, connections) are kept.
    if not account_id:
        return entries.exclude(action__startswith="group_")
    return entries.filter(~Q(action__startswith="group_") | Q(account_id=account_id))


def audit_entry_list(filters: AuditFilters, *, account_id: str) -> QuerySet[AuditEntry]:
    """The log as `account_id`'s members see it (see `_own_account`), filtered."""
    entries = _own_account(AuditEntry.objects.select_related("actor"), account_id)
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


def group_history(
    group_id: str, *, account_id: str, limit: int = GROUP_HISTORY_LENGTH
) -> list[AuditEntry]:
    """The latest entries about one workspace group of `account_id`, newest first."""
    if not account_id:
        return []
    entries = AuditEntry.objects.filter(group_id=str(group_id), account_id=account_id)
    # With the bulk item, if any: the history says "by bulk job #N".
    entries = entries.select_related("bulk_item")
    return list(entries[:limit])


RECENT_CHANGES_LENGTH = 8


def recent_group_changes(
    account_id: str, *, limit: int = RECENT_CHANGES_LENGTH
) -> list[AuditEntry]:
    """The latest group changes made through the dashboard in one Kantata account, newest
    first: a member sees their own account's, never another's."""
    if not account_id:
        return []
    entries = AuditEntry.objects.filter(account_id=str(account_id), group_id__gt="")
    return list(entries.select_related("actor")[:limit])
