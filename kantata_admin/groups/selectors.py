"""Reads behind the group pages: the account's custom fields (cached), a page, one group.

Each page render makes one upstream call (the list page or the group, includes folded
in). The custom-field definitions that build the filter panel change rarely, so they are
kept per Kantata account in the shared cache: used as they are for a few minutes, then
revalidated with `If-None-Match`, which costs Kantata no body when nothing changed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.cache import cache

from kantata_admin.kantata import KantataClient, NotModified, Page, WorkspaceGroup

if TYPE_CHECKING:
    from kantata_admin.groups.filtering import ListQuery

# Used without asking Kantata for this long; then revalidated (a 304 renews it).
CUSTOM_FIELDS_FRESH_SECONDS = 300
# Kept this long so that a revalidation has an ETag to send.
CUSTOM_FIELDS_KEPT_SECONDS = 24 * 3600
# Everything the detail page shows, in its one call.
DETAIL_INCLUDES = ("workspaces", "rate_card_sets", "external_references", "custom_field_values")


@dataclass(frozen=True)
class CustomFieldSpec:
    """A WorkspaceGroup custom field as the filter panel and the columns need it."""

    id: str
    name: str
    # string, date, number, currency, single or multi
    value_type: str
    # (choice id, label) in the account's order, for single and multi fields.
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class _CachedFields:
    fields: tuple[CustomFieldSpec, ...]
    etag: str | None
    checked_at: float


def _cache_key(account_id: str) -> str:
    return f"groups:custom-fields:v1:{account_id}"


def _specs(page: Page) -> tuple[CustomFieldSpec, ...]:
    specs = []
    for field in page.records:
        choices = sorted(field.choices or (), key=lambda c: (c.position is None, c.position))
        specs.append(
            CustomFieldSpec(
                id=field.id,
                name=field.name,
                value_type=field.value_type,
                choices=tuple((choice.id, choice.label) for choice in choices),
            )
        )
    return tuple(sorted(specs, key=lambda spec: spec.name.casefold()))


def group_custom_fields(client: KantataClient, account_id: str) -> tuple[CustomFieldSpec, ...]:
    """The account's WorkspaceGroup custom fields with their choices, by name.

    From the shared cache while fresh; otherwise one conditional request. Upstream errors
    propagate (the page shows them); a stale copy is never silently served past them.
    """
    key = _cache_key(account_id)
    cached: _CachedFields | None = cache.get(key)
    now = time.time()
    if cached is not None and now - cached.checked_at < CUSTOM_FIELDS_FRESH_SECONDS:
        return cached.fields
    try:
        # One page of 200: an account with more group custom fields than that is not one
        # whose filter panel anybody could use; the first 200 by id are offered.
        page = client.custom_fields.list(if_none_match=cached.etag if cached else None)
    except NotModified as unchanged:
        if cached is None:  # only a conditional request can be answered 304
            raise
        fields, etag = cached.fields, unchanged.etag or cached.etag
    else:
        fields, etag = _specs(page), page.etag
    cache.set(key, _CachedFields(fields, etag, now), CUSTOM_FIELDS_KEPT_SECONDS)
    return fields


def forget_group_custom_fields(account_id: str) -> None:
    """Drop the cached definitions (e.g. after the account's fields were edited here)."""
    cache.delete(_cache_key(account_id))


def group_page(client: KantataClient, query: ListQuery) -> Page[WorkspaceGroup]:
    """One page of the list, with the includes its columns need, in one call."""
    return client.workspace_groups.list(
        query.filters,
        include=query.api_includes,
        order=query.order,
        page=query.page,
        per_page=query.per_page,
    )


def group_detail(client: KantataClient, group_id: str) -> WorkspaceGroup:
    """One group with everything the detail page shows, in one call."""
    return client.workspace_groups.get(group_id, include=DETAIL_INCLUDES)
