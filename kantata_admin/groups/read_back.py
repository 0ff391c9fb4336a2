"""A write whose answer was lost says what is true.

When the answer to a group's update or delete is cut short, unreadable
(`MalformedResponse`) or never came (a timeout after sending), Kantata may well have done
the work. The group is read back and the write is reported as it stands: saved (the
caller goes on as after a good answer), not saved, or may have been saved, with what
Kantata holds now. Creates are the client's (`kantata.recovery.create_once` looks the
group up by name).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from kantata_admin.groups.changes import EDIT_INCLUDES, GROUP_FIELDS
from kantata_admin.kantata import (
    KantataClient,
    KantataError,
    MalformedResponse,
    NotFound,
    TransportError,
    WorkspaceGroup,
)

NOT_SAVED = "not saved"
MAYBE_SAVED = "may have been saved"


class WriteAnswerLost(KantataError):
    """The answer to a write was lost and the group, read back, does not hold all of it:
    `outcome` is NOT_SAVED (none of it) or MAYBE_SAVED (part of it); `now` is what Kantata
    holds (None when the group is gone)."""

    def __init__(
        self,
        lost: KantataError,
        *,
        outcome: str,
        now: WorkspaceGroup | None,
        doing: str,
        fields: tuple[str, ...] = (),
    ) -> None:
        super().__init__(
            f"the answer to the {doing} was lost; read back: {outcome}",
            path=lost.path,
            method=lost.method,
            request_id=lost.request_id,
        )
        self.outcome = outcome
        self.now = now
        self.doing = doing
        self.lost = lost
        # The group's fields the write was to change, to show as Kantata holds them now.
        self.fields = fields

    def holds_now(self) -> str:
        """What Kantata holds now of the fields the write was to change."""
        if self.now is None:
            return ""
        shown = [
            f"{name.replace('_', ' ')} “{_text(getattr(self.now, name))}”"
            for name in self.fields
            if name in GROUP_FIELDS
        ]
        if {"add_workspace_ids", "remove_workspace_ids"} & set(self.fields):
            shown.append(f"{len(self.now.workspace_ids or ())} workspaces")
        return ", ".join(shown)


def answer_lost(error: KantataError) -> bool:
    """True when `error` leaves a write's outcome unknown: an unreadable answer, or a
    transport failure after the request may have been processed."""
    if isinstance(error, MalformedResponse):
        return True
    return isinstance(error, TransportError) and error.maybe_processed


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _holds(group: WorkspaceGroup, payload: dict[str, Any]) -> tuple[bool, bool]:
    """(holds every part of `payload`, holds some part of it beyond the name)."""
    parts: list[bool] = []
    for name in GROUP_FIELDS:
        if name in payload:
            if isinstance(payload[name], bool):
                parts.append(getattr(group, name) is payload[name])
            else:
                parts.append(_text(getattr(group, name)) == _text(payload[name]))
    held = {str(i) for i in group.workspace_ids or ()}
    parts += [str(i) in held for i in payload.get("add_workspace_ids", ())]
    parts += [str(i) not in held for i in payload.get("remove_workspace_ids", ())]
    return all(parts), any(parts)


def _attempt[T](write: Callable[[], T]) -> tuple[T | None, KantataError | None]:
    """(the write's result, None), or (None, the error) when its answer was lost."""
    try:
        return write(), None
    except KantataError as error:
        if not answer_lost(error):
            raise
        return None, error


def _read_back(client: KantataClient, group_id: str, lost: KantataError) -> WorkspaceGroup | None:
    """The group as Kantata holds it now, None when it is gone; if even that cannot be
    read, the lost answer's own error stands."""
    try:
        return client.workspace_groups.get(group_id, include=EDIT_INCLUDES)
    except NotFound:
        return None
    except KantataError:
        raise lost from None


def update_or_read_back(
    client: KantataClient, group_id: str, payload: dict[str, Any], before: WorkspaceGroup
) -> tuple[WorkspaceGroup, bool]:
    """PUT `payload`; after a lost answer, the group as read back when it holds all of it.
    Returns (group, answer_was_lost); raises WriteAnswerLost when it holds less."""
    updated, lost = _attempt(
        lambda: client.workspace_groups.update(group_id, payload, include=EDIT_INCLUDES)
    )
    if lost is None:
        return cast(WorkspaceGroup, updated), False
    now = _read_back(client, group_id, lost)
    if now is None:
        raise lost  # deleted meanwhile: the update's own error says what happened
    changes = {k: v for k, v in payload.items() if k != "name" or v != before.name}
    holds_all, holds_some = _holds(now, changes)
    if holds_all:
        return now, True
    untouched = now.updated_at == before.updated_at and not holds_some
    outcome = NOT_SAVED if untouched else MAYBE_SAVED
    raise WriteAnswerLost(lost, outcome=outcome, now=now, doing="save", fields=tuple(changes))


def delete_or_read_back(client: KantataClient, group_id: str) -> bool:
    """DELETE the group; after a lost answer, look: True when the answer was lost and the
    group is gone. Raises WriteAnswerLost (not deleted) when it is still there."""
    _, lost = _attempt(lambda: client.workspace_groups.delete(group_id))
    if lost is None:
        return False
    now = _read_back(client, group_id, lost)
    if now is None:
        return True
    raise WriteAnswerLost(lost, outcome=NOT_SAVED, now=now, doing="delete")
