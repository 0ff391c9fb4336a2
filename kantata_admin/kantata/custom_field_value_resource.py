"""`/custom_field_values`: values read (some subjects', some fields'), and written: creates
batched by VALUE_CREATE_CAP and never duplicated, updates and deletes up to
VALUE_CREATE_CAP a request (Kantata's bulk forms).

Values are asked for (and answer) with the subject type in snake_case, as recorded from
the real service (`workspace_group`); the spec's "WorkspaceGroup" is converted. Kantata
documents a value's `custom_field_id` as present only with `include=custom_field`, and this
client keys values by it, so every call that answers values asks for that include.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from .encoding import PAGE_CAP, IdLike, encode_id, encode_id_list, encode_text
from .errors import InvalidRequest, ValidationFailed
from .listing import Resource, subject_params
from .pagination import Page
from .payloads import (
    GROUP_VALUE_SUBJECT,
    VALUE_CREATE_CAP,
    CustomFieldValueInput,
    custom_field_value_body,
    custom_field_values_body,
)
from .records import CustomFieldValue
from .recovery import create_many_once
from .typed_values import TypedValue, json_value

# What every answer of values is asked to carry: the field each value is of.
VALUE_INCLUDES = {"include": "custom_field"}


def value_subject_params(
    subject_type: str,
    subject_ids: Iterable[IdLike] | None,
    custom_field_ids: Iterable[IdLike] | None = None,
) -> dict[str, str]:
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", encode_text(subject_type, name="subject_type"))
    params = subject_params(snake.lower(), subject_ids) | VALUE_INCLUDES
    if custom_field_ids is not None:
        params["with_custom_field_id"] = encode_id_list(custom_field_ids, name="custom_field_ids")
    return params


def _value_key(item: Mapping[str, Any] | CustomFieldValue) -> tuple[str, ...]:
    """A value's identity: one value per field and subject."""
    if isinstance(item, Mapping):
        return (str(item["subject_id"]), str(item["custom_field_id"]))
    return (item.subject_id, item.custom_field_id)


class CustomFieldValues(Resource):
    """`/custom_field_values` of a subject type, optionally of some subjects only.

    `subject_type` is sent snake_case (`workspace_group`), as the real service was recorded
    answering it; `WorkspaceGroup` is accepted too."""

    path = "/custom_field_values.json"
    record = CustomFieldValue

    def list(
        self,
        *,
        subject_type: str = GROUP_VALUE_SUBJECT,
        subject_ids: Iterable[IdLike] | None = None,
        custom_field_ids: Iterable[IdLike] | None = None,
        page: int = 1,
        per_page: int = PAGE_CAP,
    ) -> Page[CustomFieldValue]:
        params = value_subject_params(subject_type, subject_ids, custom_field_ids)
        return self._page(params, page=page, per_page=per_page)

    def iter_all(
        self,
        *,
        subject_type: str = GROUP_VALUE_SUBJECT,
        subject_ids: Iterable[IdLike] | None = None,
        custom_field_ids: Iterable[IdLike] | None = None,
    ) -> Iterator[CustomFieldValue]:
        """Every matching value, PAGE_CAP a request."""
        return self._walk(value_subject_params(subject_type, subject_ids, custom_field_ids))

    def for_group(self, group_id: IdLike) -> tuple[CustomFieldValue, ...]:
        """Every value set on one workspace group."""
        return tuple(self.iter_all(subject_ids=[group_id]))

    def create(self, values: Iterable[CustomFieldValueInput]) -> list[CustomFieldValue]:
        """Create values, VALUE_CREATE_CAP to a request; the created values in order.

        A refused request raises ValidationFailed whose details' `index` counts from the
        start of `values` (not of its request); the requests before it stay created. A
        request whose answer was lost is never sent twice over values it made: see
        `recovery.create_many_once`.
        """
        values = list(values)
        if not values:
            raise InvalidRequest("custom_field_values: give at least one value")
        created: list[CustomFieldValue] = []
        for start in range(0, len(values), VALUE_CREATE_CAP):
            body = custom_field_values_body(values[start : start + VALUE_CREATE_CAP])
            try:
                created += self._create_batch(body["custom_field_values"], body)
            except ValidationFailed as refused:
                _shift(refused, start)
                raise
        return created

    def _create_batch(
        self, items: list[dict[str, Any]], body: dict[str, Any]
    ) -> list[CustomFieldValue]:
        # A lost answer is checked against the values of these subjects before any resend.
        def find_existing(deadline: float) -> Iterator[CustomFieldValue]:
            for subject_type in {item["subject_type"] for item in items}:
                subjects = [i["subject_id"] for i in items if i["subject_type"] == subject_type]
                params = value_subject_params(subject_type, subjects)
                yield from self._walk(params, deadline=deadline)

        return create_many_once(
            self._requestor,
            self.path,
            CustomFieldValue,
            params=VALUE_INCLUDES,
            json=body,
            sent=items,
            key=_value_key,
            find_existing=find_existing,
        )

    def update(self, value_id: IdLike, value: TypedValue | int | float) -> CustomFieldValue:
        return self._one(
            "PUT",
            self._member(value_id),
            params=VALUE_INCLUDES,
            json=custom_field_value_body(value),
        )

    def update_many(
        self, changes: Iterable[tuple[IdLike, TypedValue | int | float]]
    ) -> list[CustomFieldValue]:
        """Give existing values new ones, `(value id, new value)`, VALUE_CREATE_CAP to a
        request (Kantata's bulk update, all or nothing each); the values, in order. A
        refused request raises ValidationFailed whose `index` counts from the start of
        `changes`; the requests before it stay written."""
        changes = [(encode_id(pk, name="id"), json_value(value)) for pk, value in changes]
        updated: list[CustomFieldValue] = []
        for start in range(0, len(changes), VALUE_CREATE_CAP):
            batch = changes[start : start + VALUE_CREATE_CAP]
            body = {"custom_field_values": [{"id": int(pk), "value": v} for pk, v in batch]}
            try:
                updated += self._requestor.fetch_many(
                    "PUT",
                    self.path,
                    CustomFieldValue,
                    params=VALUE_INCLUDES,
                    json=body,
                    expected=len(batch),
                )
            except ValidationFailed as refused:
                _shift(refused, start)
                raise
        return updated

    def delete(self, value_id: IdLike) -> None:
        """Clear a value (there is no empty value to write)."""
        self._requestor.delete(self._member(value_id))

    def delete_many(self, value_ids: Iterable[IdLike]) -> None:
        """Clear values, VALUE_CREATE_CAP to a request (Kantata's bulk delete: a request
        deletes all its values or none, and says which it could not)."""
        ids = [encode_id(pk, name="value_ids") for pk in value_ids]
        for start in range(0, len(ids), VALUE_CREATE_CAP):
            batch = ",".join(ids[start : start + VALUE_CREATE_CAP])
            self._requestor.request("DELETE", self.path, params={"ids": batch})


def _shift(refused: ValidationFailed, start: int) -> None:
    """Make a batch's error `index`es count from the start of the whole call."""
    refused.details = tuple(
        replace(d, index=d.index + start) if d.index is not None else d for d in refused.details
    )
