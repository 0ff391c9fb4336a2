"""Writing the audit log. Every change made through the dashboard calls `audit_record`."""

import logging
from typing import Any

from kantata_admin.audit.models import Action, AuditEntry, Outcome

logger = logging.getLogger(__name__)


def audit_record(
    *,
    actor: Any,
    action: Action | str,
    account_id: str | int | None = "",
    group_id: str | int | None = "",
    group_name: str | None = "",
    changes: dict[str, Any] | None = None,
    outcome: Outcome | str = Outcome.SUCCESS,
    error: str = "",
    request_id: str | None = "",
) -> AuditEntry:
    """Append one entry. `actor` is the member who acted, or None for the system (a
    management command). `changes` must be JSON: for a group, `{"fields": {name: {"before",
    "after"}}, "workspaces_added": [titles], "workspaces_removed": [titles]}`."""
    entry = AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) is not None else None,
        actor_email=getattr(actor, "email", "") or "",
        action=Action(action),
        account_id=str(account_id or ""),
        group_id=str(group_id or ""),
        group_name=(group_name or "")[:255],
        changes=changes or {},
        outcome=Outcome(outcome),
        error=error,
        request_id=(request_id or "")[:128],
    )
    logger.info(
        "audit: %s by %s (%s)",
        entry.action,
        entry.actor_email or "system",
        entry.outcome,
        extra={"audit_entry": entry.pk, "audit_group": entry.group_id},
    )
    return entry


def audit_error_fields(error: BaseException) -> dict[str, str]:
    """`outcome`, `error` and `request_id` for an entry recording a failed upstream call.

    Callers skip `kantata.AuthenticationError`: Kantata did nothing with the call (the
    client renews the token and resends that request itself where it can), and the
    member is asked to reconnect."""
    return {
        "outcome": Outcome.ERROR,
        "error": str(error) or error.__class__.__name__,
        # The upstream request id is what Kantata's support asks for.
        "request_id": getattr(error, "request_id", None) or "",
    }
