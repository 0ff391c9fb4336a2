"""`/custom_field_values`: a subject's values read, and written, creates batched by
VALUE_CREATE_CAP and never duplicated.

Values are asked for (and answer) with the subject type in snake_case, as recorded from
the real service (`workspace_group`); the spec's "WorkspaceGroup" is converted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from .encoding import PAGE_CAP, IdLike, encode_text
from .errors import InvalidRequest, ValidationFailed
from .field_values import TypedValue
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


def value_subject_params(subject_type: str, subject_ids: Iterable[IdLike] | None) -> dict[str, str]:
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", encode_text(subject_type, name="subject_type"))
    return subject_params(snake.lower(), subject_ids)


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
        page: int = 1,
        per_page: int = PAGE_CAP,
    ) -> Page[CustomFieldValue]:
        params = value_subject_params(subject_type, subject_ids)
        return self._page(params, page=page, per_page=per_page)

    def iter_all(
        self,
        *,
        subject_type: str = GROUP_VALUE_SUBJECT,
        subject_ids: Iterable[IdLike] | None = None,
    ) -> Iterator[CustomFieldValue]:
        return self._walk(value_subject_params(subject_type, subject_ids))

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
                refused.details = tuple(
                    replace(d, index=d.index + start) if d.index is not None else d
                    for d in refused.details
                )
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
            json=body,
            sent=items,
            key=_value_key,
            find_existing=find_existing,
        )

    def update(self, value_id: IdLike, value: TypedValue | int | float) -> CustomFieldValue:
        return self._one("PUT", self._member(value_id), json=custom_field_value_body(value))

    def delete(self, value_id: IdLike) -> None:
        """Clear a value (there is no empty value to write)."""
        self._requestor.delete(self._member(value_id))
