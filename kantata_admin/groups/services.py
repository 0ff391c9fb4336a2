"""Writes to workspace groups and their custom field values. Each takes the member's client
and leaves exactly one audit entry whatever Kantata answers (except a 401 before anything
was written).

Upstream calls: a create is one call, plus one per VALUE_CREATE_CAP custom values set; an
update is the check (values included), the group's write when its own fields changed, one
create for every new value, and one call per changed or cleared value; a create of values
that Kantata refuses in part costs one more (the valid ones, resent alone). A delete is two
(the last values, then the delete)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from kantata_admin.audit.models import Action, Outcome
from kantata_admin.audit.services import audit_error_fields, audit_record
from kantata_admin.groups.changes import (
    EDIT_INCLUDES,
    GROUP_FIELDS,
    GroupValues,
    changed_custom_fields,
    changed_fields,
    group_diff,
    reference_matching,
)
from kantata_admin.groups.read_back import delete_or_read_back, update_or_read_back
from kantata_admin.groups.value_writes import ValueWrites, custom_values_write
from kantata_admin.kantata import (
    AuthenticationError,
    KantataClient,
    KantataError,
    NotFound,
    WorkspaceGroup,
)


class StaleEdit(Exception):
    """The group changed in Kantata since the form was opened; nothing was written."""

    def __init__(self, current: WorkspaceGroup, opened: GroupValues) -> None:
        super().__init__("The group changed in Kantata OX since the form was opened.")
        self.current = current
        self.current_values = GroupValues.from_group(current)
        self.opened = opened
        # What someone else changed meanwhile, field by field.
        self.changed_meanwhile = changed_fields(opened, self.current_values)
        if opened.workspace_ids != self.current_values.workspace_ids:
            self.changed_meanwhile.append("workspaces")
        # Custom field ids, among those on the form (`opened.custom_field_ids`).
        self.custom_changed_meanwhile = changed_custom_fields(opened, self.current_values)

    @property
    def any_change(self) -> bool:
        return bool(self.changed_meanwhile or self.custom_changed_meanwhile)


class ValuesNotSaved(Exception):
    """The group was written (or needed no write) but some custom values were not."""

    def __init__(
        self, group: WorkspaceGroup, now: GroupValues, writes: ValueWrites, *, group_written: bool
    ) -> None:
        super().__init__(f"Custom field values not saved: {', '.join(writes.not_saved)}")
        self.group = group
        # What Kantata holds now: the form opens again on this version.
        self.now = now
        self.writes = writes
        # False when the group's own fields needed no write (only values were to change).
        self.group_written = group_written


class AlreadyDeleted(Exception):
    """Kantata answered 404: the group is not in the member's account (deleted already, or
    another account's id: Kantata does not say which)."""


def _values_outcome(writes: ValueWrites) -> dict[str, Any]:
    """The audit fields of a save whose values were not all written."""
    if writes.ok:
        return {}
    if writes.failure is not None:
        return audit_error_fields(writes.failure)
    refused = "; ".join(m for found in writes.refused.values() for m in found)
    return {"outcome": Outcome.ERROR, "error": f"Kantata OX refused: {refused}"}


def _raise_unsaved(
    group: WorkspaceGroup, now: GroupValues, writes: ValueWrites, *, group_written: bool
) -> None:
    if isinstance(writes.failure, AuthenticationError):
        raise writes.failure  # the member reconnects; the form is kept
    if not writes.ok:
        raise ValuesNotSaved(group, now, writes, group_written=group_written)


@dataclass(frozen=True)
class UpdateResult:
    group: WorkspaceGroup
    # False when the form matched Kantata already: nothing was sent, nothing audited.
    written: bool


def _account_of(actor: Any, account_id: str | None) -> str:
    """The Kantata account every group entry records: given, or the actor's connection's
    (a group's history shows only its own account's entries)."""
    if account_id:
        return account_id
    connection = getattr(actor, "kantata_connection", None)
    return str(getattr(connection, "account_id", "") or "")


def _lost_note(answer_was_lost: bool) -> dict[str, str]:
    # The entry says how its success is known when Kantata's answer never arrived whole.
    return {"answer_lost": "read back: saved"} if answer_was_lost else {}


def _record_failure(error: KantataError, **entry: Any) -> None:
    # A 401 is not recorded: Kantata did nothing with the call (the client has already
    # renewed the token and resent it where it could), and the member reconnects.
    if not isinstance(error, AuthenticationError):
        audit_record(**entry, **audit_error_fields(error))


def _create_payload(values: GroupValues) -> dict[str, Any]:
    # Empty fields are left out: the create then stores what Kantata defaults to, and the
    # create-once recovery compares only what was sent.
    payload: dict[str, Any] = {
        name: value for name, value in values.field_values().items() if value not in ("", None)
    }
    payload["company"] = values.company
    if values.workspace_ids:
        payload["add_workspace_ids"] = sorted(values.workspace_ids, key=int)
    if values.external_reference:
        payload["external_reference"] = values.external_reference.as_input()
    return payload


def _update_payload(current: GroupValues, values: GroupValues) -> dict[str, Any]:
    """Only what differs, plus `name`, which Kantata requires on every update."""
    payload: dict[str, Any] = {"name": values.name}
    for name in GROUP_FIELDS:
        if getattr(values, name) != getattr(current, name):
            payload[name] = getattr(values, name)
    if added := values.workspace_ids - current.workspace_ids:
        payload["add_workspace_ids"] = sorted(added, key=int)
    if removed := current.workspace_ids - values.workspace_ids:
        payload["remove_workspace_ids"] = sorted(removed, key=int)
    if values.external_reference and values.external_reference != current.external_reference:
        payload["external_reference"] = values.external_reference.as_input()
    return payload


def _as_written(group: WorkspaceGroup, values: GroupValues) -> GroupValues:
    """The group's values, with the external reference the form writes (a group may hold
    several; the one with the typed service, model and ref is the one compared)."""
    written = GroupValues.from_group(group)
    if values.external_reference:
        key = values.external_reference.key
        written = replace(written, external_reference=reference_matching(group, key))
    return written


def workspace_group_create(
    *, client: KantataClient, actor: Any, values: GroupValues, account_id: str | None = None
) -> WorkspaceGroup:
    """Create a group: one POST. If its answer is lost, the client looks the group up by
    name and returns it only if this call made it, so a retry never makes a second one."""
    account_id = _account_of(actor, account_id)
    try:
        group = client.workspace_groups.create(_create_payload(values), include=EDIT_INCLUDES)
    except KantataError as error:
        _record_failure(
            error,
            actor=actor,
            action=Action.GROUP_CREATE,
            account_id=account_id,
            group_name=values.name,
            changes=group_diff(None, values),
        )
        raise
    created = GroupValues.from_group(group)
    writes = custom_values_write(client, group, created, values)
    now = writes.applied_to(created)
    changes = group_diff(None, now, titles=[values.workspace_titles])
    audit_record(
        actor=actor,
        action=Action.GROUP_CREATE,
        account_id=account_id,
        group_id=group.id,
        group_name=group.name,
        changes=changes | ({"values_not_saved": writes.not_saved} if writes.not_saved else {}),
        **_values_outcome(writes),
    )
    _raise_unsaved(group, now, writes, group_written=True)
    return group


def workspace_group_update(
    *,
    client: KantataClient,
    actor: Any,
    group_id: str,
    values: GroupValues,
    opened_updated_at: datetime | None,
    opened: GroupValues,
    account_id: str | None = None,
) -> UpdateResult:
    """Check the group, then write the difference: at most two calls.

    Raises `StaleEdit` (nothing written, nothing audited) when the group's `updated_at` or
    values are not the ones the form was opened with. To overwrite, the caller opens the
    form again on the current version (`StaleEdit.current`) and the member saves again.
    """
    account_id = _account_of(actor, account_id)
    current: WorkspaceGroup | None = None
    # Only the custom fields on the form count, in the check as in the write.
    opened = replace(opened, custom_field_ids=values.custom_field_ids)
    try:
        current = client.workspace_groups.get(group_id, include=EDIT_INCLUDES)
        # Kantata's timestamps have whole seconds: a change in the same second as the
        # version shown keeps `updated_at`, so the values the form opened with count too.
        stale = StaleEdit(current, opened)
        if current.updated_at != opened_updated_at or stale.any_change:
            raise stale
        held = GroupValues.from_group(current)
        payload = _update_payload(held, values)
        group_unchanged = set(payload) == {"name"} and values.name == current.name
        if group_unchanged and not changed_custom_fields(held, values):
            return UpdateResult(group=current, written=False)
        updated, answer_was_lost = (
            (current, False)
            if group_unchanged
            else update_or_read_back(client, group_id, payload, current)
        )
    except KantataError as error:
        _record_failure(
            error,
            actor=actor,
            action=Action.GROUP_UPDATE,
            account_id=account_id,
            group_id=group_id,
            group_name=current.name if current is not None else values.name,
            changes=group_diff(
                _as_written(current, values) if current is not None else opened,
                values,
                titles=[values.workspace_titles],
            ),
        )
        raise
    # The group's answer carries the values as they were: the value writes come after.
    writes = custom_values_write(client, current, held, values)
    before = _as_written(current, values)
    now = writes.applied_to(_as_written(updated, values))
    changes = group_diff(before, now) | _lost_note(answer_was_lost)
    audit_record(
        actor=actor,
        action=Action.GROUP_UPDATE,
        account_id=account_id,
        group_id=updated.id,
        group_name=updated.name,
        changes=changes | ({"values_not_saved": writes.not_saved} if writes.not_saved else {}),
        **_values_outcome(writes),
    )
    _raise_unsaved(updated, now, writes, group_written=not group_unchanged)
    return UpdateResult(group=updated, written=True)


def workspace_group_delete(
    *, client: KantataClient, actor: Any, group_id: str, account_id: str | None = None
) -> WorkspaceGroup:
    """Read the group's last values, then delete it: two calls. Raises `AlreadyDeleted`
    when either call finds it gone; the audit entry keeps the values it had."""
    account_id = _account_of(actor, account_id)
    current: WorkspaceGroup | None = None
    try:
        current = client.workspace_groups.get(group_id, include=EDIT_INCLUDES)
        answer_was_lost = delete_or_read_back(client, group_id)
    except KantataError as error:
        last = GroupValues.from_group(current) if current is not None else None
        _record_failure(
            error,
            actor=actor,
            action=Action.GROUP_DELETE,
            account_id=account_id,
            group_id=group_id,
            group_name=current.name if current is not None else "",
            changes=group_diff(last, None) if last else {},
        )
        if isinstance(error, NotFound):
            raise AlreadyDeleted(group_id) from error
        raise
    audit_record(
        actor=actor,
        action=Action.GROUP_DELETE,
        account_id=account_id,
        group_id=group_id,
        group_name=current.name,
        changes=group_diff(GroupValues.from_group(current), None) | _lost_note(answer_was_lost),
    )
    return current
