"""One batch of a job's items against Kantata: read the groups in one call, decide each
item from what Kantata holds now, then write. Kantata has no bulk update of groups (one PUT
each); new custom values go VALUE_CREATE_CAP to a request, changed values one PUT each and
cleared values one DELETE each.

An item whose write may already have gone through (its worker died, or the answer was a
transient failure) is never written blind: the group is read again and compared with the
item's target first (`decide`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import batched

from django.utils import timezone

from kantata_admin.bulk.changes import (
    Patch,
    group_payload,
    project,
    same,
    snapshot,
    target,
    typed_for,
)
from kantata_admin.bulk.models import BulkItem, ItemState
from kantata_admin.bulk.outcomes import ItemResult
from kantata_admin.groups.custom_value_reads import with_custom_values
from kantata_admin.kantata import (
    VALUE_CREATE_CAP,
    AuthenticationError,
    CustomFieldValueInput,
    KantataClient,
    KantataError,
    NotFound,
    RateLimited,
    ServiceUnavailable,
    TransportError,
    ValidationFailed,
    WorkspaceGroup,
    WorkspaceGroupFilters,
)

READ_INCLUDES = ("workspaces", "custom_field_values")
TRANSIENT = (RateLimited, ServiceUnavailable, TransportError)


class Interrupted(Exception):
    """A transient failure (429, 503, a lost connection) stopped the batch; the items not
    finished are taken up again by the next step."""


def is_transient(error: KantataError) -> bool:
    return isinstance(error, TRANSIENT)


def failure(error: KantataError) -> ItemResult:
    return ItemResult(
        ItemState.FAILED,
        error="; ".join(getattr(error, "messages", ()) or ()) or str(error),
        request_id=error.request_id or "",
    )


def read_groups(
    client: KantataClient, ids: list[str], *, field_ids: list[str] | None
) -> dict[str, WorkspaceGroup]:
    """The groups, with their values of `field_ids` (all, when None) read the documented
    way where the groups' answer does not hold them (custom_value_reads)."""
    page = client.workspace_groups.list(
        WorkspaceGroupFilters(only=ids), include=READ_INCLUDES, per_page=200
    )
    groups = with_custom_values(client, page.records, field_ids=field_ids)
    return {group.id: group for group in groups}


def fields_to_read(items: list[BulkItem]) -> list[str] | None:
    """The custom fields a batch compares: those its patches and guards name (all for a
    delete, whose item keeps every value for a revert)."""
    if any(item.patch.get("delete") for item in items):
        return None
    return list(
        dict.fromkeys(
            fid
            for item in items
            for keys in (item.patch, item.guard or {})
            for fid in keys.get("custom", {})
        )
    )


@dataclass
class Decision:
    item: BulkItem
    group: WorkspaceGroup | None
    result: ItemResult | None = None  # decided without writing
    before: Patch | None = None


def _touched_since(group: WorkspaceGroup, stamp: str | None) -> bool:
    """Whether Kantata changed the group after `stamp` (its `updated_at` when an import's
    dry run read it); a group without one, or a guard without one, is judged by values."""
    if not stamp or group.updated_at is None:
        return False
    try:
        return group.updated_at != datetime.fromisoformat(stamp)
    except ValueError:
        return False


def _guard_holds(now: Patch, guard: Patch, goal: Patch | None) -> bool:
    """Whether the group still holds the guard's values. On a retry (`goal` given) a key
    may also hold the item's own target: an earlier try wrote part of the item (its PUT,
    then a transient failure before its custom values), which is no change upstream."""
    if goal is None:
        return same(now, guard)
    return all(
        now.get(section, {}).get(key) in (value, goal.get(section, {}).get(key, value))
        for section in ("fields", "workspaces", "custom")
        for key, value in guard.get(section, {}).items()
    )


def decide(item: BulkItem, group: WorkspaceGroup | None) -> Decision:
    """Whether `item` still needs its write, from what Kantata holds now."""
    patch, tried = item.patch, item.attempts > 0
    if patch.get("recreate"):
        return Decision(item, group, before=item.before)
    if group is None:
        if patch.get("delete") and tried:
            return Decision(item, None, ItemResult(ItemState.DONE, note="Deleted."))
        return Decision(item, None, ItemResult(ItemState.SKIPPED, note="Deleted meanwhile."))
    if patch.get("delete"):
        return Decision(item, group, before=item.before or snapshot(group))
    now, goal = project(group, patch), target(patch)
    if same(now, goal):
        if tried:
            return Decision(item, group, ItemResult(ItemState.DONE, after=goal))
        return Decision(item, group, ItemResult(ItemState.SKIPPED, note="Already so."))
    # A guard names what must still be there: the patch's keys (a revert) or more (an
    # import guards every value of its row, changed by the row or not).
    if item.guard is not None and (
        not _guard_holds(project(group, item.guard), item.guard, goal if tried else None)
        or (not tried and _touched_since(group, item.guard.get("updated_at")))
    ):
        note = "Changed since: left as it is, not overwritten."
        return Decision(item, group, ItemResult(ItemState.SKIPPED, after=now, note=note))
    return Decision(item, group, before=item.before or now)


# The sandbox's (or Kantata's) clock may run a little behind ours.
CLOCK_SKEW = timedelta(seconds=5)
CREATE_SENT = "create_sent_at"


def _mark_create_sent(item: BulkItem) -> None:
    """Record, before a create goes out, that it is sent and when: on a retry only a
    group made after that is this item's (a group of that name found otherwise was not)."""
    item.patch = {**item.patch, CREATE_SENT: timezone.now().isoformat()}
    BulkItem.objects.filter(pk=item.pk).update(patch=item.patch)


def _made_by(item: BulkItem, group: WorkspaceGroup) -> bool:
    """Whether `group` is the one an earlier try of `item`'s create made."""
    sent = item.patch.get(CREATE_SENT)
    if not sent or group.created_at is None:
        return False
    try:
        return group.created_at >= datetime.fromisoformat(sent) - CLOCK_SKEW
    except (TypeError, ValueError):
        return False


@dataclass
class Batch:
    """The writes of one batch, and what became of each item."""

    client: KantataClient
    # Asked before each group's write: True stops the batch (the job is being cancelled).
    stop: Callable[[], bool] = lambda: False
    results: dict[int, ItemResult] = field(default_factory=dict)

    def _guarded(self, item: BulkItem, call: Callable[[], object]) -> bool:
        """Run one write; a refusal fails the item, a transient failure stops the batch."""
        try:
            call()
        except AuthenticationError:
            raise
        except KantataError as error:
            if is_transient(error):
                raise Interrupted(str(error)) from error
            self.results[item.pk] = failure(error)
            return False
        return True

    def write(self, decisions: list[Decision]) -> None:
        pending = [d for d in decisions if d.item.pk not in self.results]
        for d in pending:
            if self.stop():
                raise Interrupted("the job is being cancelled")
            self._write_group(d)
        self._create_values([d for d in pending if d.item.pk not in self.results])
        self._update_values([d for d in pending if d.item.pk not in self.results])
        self._clear_values([d for d in pending if d.item.pk not in self.results])
        for d in pending:
            self.results.setdefault(d.item.pk, self._success(d))

    def _success(self, d: Decision) -> ItemResult:
        patch = d.item.patch
        if patch.get("delete"):
            return ItemResult(ItemState.DONE, note="Deleted.")
        return ItemResult(ItemState.DONE, after=target(patch))

    def _write_group(self, d: Decision) -> None:
        item, patch = d.item, d.item.patch
        if patch.get("delete"):
            self._guarded(item, lambda: self._delete(item.group_id))
        elif recreate := patch.get("recreate"):
            self._recreate(d, recreate)
        elif (payload := group_payload(d.group.name, patch)) is not None:
            self._guarded(item, lambda: self.client.workspace_groups.update(item.group_id, payload))

    def _delete(self, group_id: str) -> None:
        with contextlib.suppress(NotFound):  # gone already: what the item asked for
            self.client.workspace_groups.delete(group_id)

    def _recreate(self, d: Decision, snap: Patch) -> None:
        payload = group_payload(snap["name"], snap) or {"name": snap["name"]}
        payload.pop("remove_workspace_ids", None)
        made: list[WorkspaceGroup] = []
        if d.item.attempts > 0:
            # An earlier try may have made it before its worker died, or before its answer
            # was lost: that one is it, if it was made after this item's create was sent.
            found: list[WorkspaceGroup] = []
            self._guarded(
                d.item,
                lambda: found.extend(
                    g for g in [self.client.workspace_groups.find_by_name(snap["name"])] if g
                ),
            )
            if d.item.pk in self.results:
                return
            if found and not _made_by(d.item, found[0]):
                self.results[d.item.pk] = ItemResult(
                    ItemState.FAILED,
                    error=f"A group named “{snap['name']}” already exists in Kantata OX.",
                )
                return
            made.extend(found)
        if not made:
            _mark_create_sent(d.item)
            if not self._guarded(
                d.item, lambda: made.append(self.client.workspace_groups.create(payload))
            ):
                return
        group = made[0]
        inputs = [
            CustomFieldValueInput(group.id, fid, typed_for(snap, fid))
            for fid, value in snap.get("custom", {}).items()
            if value is not None
        ]
        if inputs and not self._guarded(
            d.item, lambda: self.client.custom_field_values.create(inputs)
        ):
            return
        note = (
            f"Created as group #{group.id}."
            if d.item.patch.get("new")
            else f"Re-created as a new group, #{group.id} (Kantata gave it a new id)."
        )
        self.results[d.item.pk] = ItemResult(
            ItemState.DONE, after=snap, new_group_id=group.id, note=note
        )

    def _held(self, d: Decision) -> dict[str, str]:
        """Custom field id -> the id of the value the group holds."""
        return {v.custom_field_id: v.id for v in (d.group.custom_field_values if d.group else ())}

    def _create_values(self, decisions: list[Decision]) -> None:
        wanted = [
            (d, fid)
            for d in decisions
            if d.group is not None and not d.item.patch.get("recreate")
            for fid, value in d.item.patch.get("custom", {}).items()
            if value is not None and fid not in self._held(d)
        ]
        for chunk in batched(wanted, VALUE_CREATE_CAP, strict=False):
            self._create_chunk(list(chunk), again=True)

    def _create_chunk(self, chunk: list[tuple[Decision, str]], *, again: bool) -> None:
        inputs = [
            CustomFieldValueInput(d.item.group_id, fid, typed_for(d.item.patch, fid))
            for d, fid in chunk
        ]
        try:
            self.client.custom_field_values.create(inputs)
        except AuthenticationError:
            raise
        except KantataError as error:
            rest = self._refused([d for d, _ in chunk], error)
            if again and rest:
                self._create_chunk([chunk[i] for i in rest], again=False)

    def _refused(self, decisions: list[Decision], error: KantataError) -> list[int]:
        """Record a many-value request's refusal; the positions worth sending once more.

        Kantata refuses such a request whole, naming the wrong values by index: those items
        fail and the others may go again on their own. A refusal naming none fails them
        all; a transient failure stops the batch."""
        if is_transient(error):
            raise Interrupted(str(error)) from error
        wrong = set()
        if isinstance(error, ValidationFailed):
            wrong = {x.index for x in error.details if x.index is not None}
            wrong &= set(range(len(decisions)))
        for index in wrong:
            message = "; ".join(x.message for x in error.details if x.index == index)
            self.results[decisions[index].item.pk] = ItemResult(
                ItemState.FAILED, error=message, request_id=error.request_id or ""
            )
        if not wrong:
            for d in decisions:
                self.results[d.item.pk] = failure(error)
            return []
        return [i for i in range(len(decisions)) if i not in wrong]

    def _held_changes(
        self, decisions: list[Decision], *, clearing: bool
    ) -> list[tuple[Decision, str, str]]:
        """(decision, field id, id of the value held) for every held value the batch
        gives a new value (or, `clearing`, removes)."""
        return [
            (d, fid, held[fid])
            for d in decisions
            if d.group is not None and not d.item.patch.get("recreate")
            for held in [self._held(d)]
            for fid, value in d.item.patch.get("custom", {}).items()
            if fid in held and (value is None) == clearing
        ]

    def _update_values(self, decisions: list[Decision]) -> None:
        """Held values get their new ones in Kantata's bulk update, 100 a request."""
        changes = self._held_changes(decisions, clearing=False)
        for chunk in batched(changes, VALUE_CREATE_CAP, strict=False):
            self._update_chunk(list(chunk), again=True)

    def _update_chunk(self, chunk: list[tuple[Decision, str, str]], *, again: bool) -> None:
        try:
            self.client.custom_field_values.update_many(
                (value_id, typed_for(d.item.patch, fid)) for d, fid, value_id in chunk
            )
        except AuthenticationError:
            raise
        except KantataError as error:
            rest = self._refused([d for d, _, _ in chunk], error)
            if again and rest:
                self._update_chunk([chunk[i] for i in rest], again=False)

    def _clear_values(self, decisions: list[Decision]) -> None:
        """Held values are removed with Kantata's bulk delete, 100 ids a request."""
        clears = self._held_changes(decisions, clearing=True)
        for chunk in batched(clears, VALUE_CREATE_CAP, strict=False):
            try:
                self.client.custom_field_values.delete_many([v for _, _, v in chunk])
            except AuthenticationError:
                raise
            except KantataError as error:
                if is_transient(error):
                    raise Interrupted(str(error)) from error
                # All or nothing: a value cleared elsewhere meanwhile (or one refused)
                # fails the request whole, so each goes on its own.
                for d, _, value_id in chunk:
                    if d.item.pk not in self.results:
                        self._guarded(d.item, lambda v=value_id: self._clear(v))

    def _clear(self, value_id: str) -> None:
        with contextlib.suppress(NotFound):  # cleared elsewhere already
            self.client.custom_field_values.delete(value_id)
