"""Reads behind the group pages: the account's custom fields (cached), a page, one group.

Each page render makes one upstream call (the list page or the group, includes folded
in), plus one for the custom field values shown where the answer did not carry them
(custom_value_reads). The custom-field definitions that build the filter panel change
rarely, so they are kept per Kantata account in the shared cache: used as they are for a
few minutes, then revalidated with `If-None-Match`, which costs Kantata no body when
nothing changed.
"""

from __future__ import annotations

import contextvars
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from django.core.cache import cache

from kantata_admin.connections.models import KantataConnection
from kantata_admin.groups.custom_value_reads import (
    group_with_custom_values,
    page_with_custom_values,
)
from kantata_admin.groups.field_specs import CustomFieldSpec
from kantata_admin.groups.filtering import ListQuery
from kantata_admin.kantata import KantataClient, NotModified, Page, WorkspaceGroup

# Used without asking Kantata for this long; then revalidated (a 304 renews it).
CUSTOM_FIELDS_FRESH_SECONDS = 300
# Kept this long so that a revalidation has an ETag to send.
CUSTOM_FIELDS_KEPT_SECONDS = 24 * 3600
# The export's walk: oldest first (stable under edits), 200 a page (the API's most), two
# pages asked for at a time, and up to two pages' groups waiting for the CSV writer.
EXPORT_ORDER = "created_at:asc"
EXPORT_PAGE_SIZE = 200
EXPORT_PAGES_IN_FLIGHT = 2
EXPORT_READ_AHEAD = 400
# Everything the detail page shows, in its one call.
DETAIL_INCLUDES = ("workspaces", "rate_card_sets", "external_references", "custom_field_values")


@dataclass(frozen=True)
class _CachedFields:
    fields: tuple[CustomFieldSpec, ...]
    etag: str | None
    checked_at: float


def account_key(connection: KantataConnection) -> str:
    """Whose cached definitions these are: the member's Kantata account (shared by everyone
    connected to it), else their own Kantata user. The one key of the account's caches."""
    return connection.account_id or f"user-{connection.kantata_user_id}"


def _cache_key(account_id: str) -> str:
    return f"groups:custom-fields:v2:{account_id}"


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
                read_access=field.read_access or "",
                write_access=field.write_access or "",
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


def group_page(client: KantataClient, query: ListQuery) -> Page[WorkspaceGroup]:
    """One page of the list, with the includes its columns need: one call, and one more
    for the values of the custom fields shown unless the answer carried them."""
    page = client.workspace_groups.list(
        query.filters,
        include=query.api_includes,
        order=query.order,
        page=query.page,
        per_page=query.per_page,
    )
    if not query.columns:
        return page
    return page_with_custom_values(client, page, field_ids=[spec.id for spec in query.columns])


def group_detail(client: KantataClient, group_id: str) -> WorkspaceGroup:
    """One group with everything the detail page shows: one call, and one more for its
    custom field values unless the answer carried them."""
    group = client.workspace_groups.get(group_id, include=DETAIL_INCLUDES)
    return group_with_custom_values(client, group)


def groups_for_export(client: KantataClient, query: ListQuery) -> Iterator[WorkspaceGroup]:
    """Every group matching `query`, oldest first, with its custom field values.

    Kantata is asked for the next page before this one is parsed and written (two pages in
    flight), and the groups are read ahead of the CSV writer, so an export keeps pace with
    Kantata's own paging instead of adding the parsing and writing to it. Creation order
    keeps the walk stable (see `WorkspaceGroups.iter_all`); a group already written is not
    written again.
    """
    include = (*query.includes, "custom_field_values")

    def fetch(page_number: int) -> Page[WorkspaceGroup]:
        page = client.workspace_groups.list(
            query.filters,
            include=include,
            order=EXPORT_ORDER,
            page=page_number,
            per_page=EXPORT_PAGE_SIZE,
        )
        return page_with_custom_values(client, page)

    return read_ahead(_pages_in_order(fetch), EXPORT_READ_AHEAD)


def _pages_in_order(fetch: Callable[[int], Page[WorkspaceGroup]]) -> Iterator[WorkspaceGroup]:
    """The records of pages 1, 2, ... in order, EXPORT_PAGES_IN_FLIGHT asked for at once."""
    page: Page[WorkspaceGroup] | None = fetch(1)
    page_count = page.page_count
    seen: set[str] = set()
    pending: deque[Future[Page[WorkspaceGroup]]] = deque()
    next_number = 2
    with ThreadPoolExecutor(EXPORT_PAGES_IN_FLIGHT, thread_name_prefix="export-page") as pool:
        while page is not None:
            while next_number <= page_count and len(pending) < EXPORT_PAGES_IN_FLIGHT:
                # A copy of this context: the calls count in the caller's track_calls().
                pending.append(pool.submit(contextvars.copy_context().run, fetch, next_number))
                next_number += 1
            for group in page.records:
                if group.id not in seen:
                    seen.add(group.id)
                    yield group
            page = pending.popleft().result() if pending else None
            if page is not None:
                # Groups created during the walk add pages at the end.
                page_count = max(page_count, page.page_count)


@dataclass(frozen=True)
class _End:
    error: BaseException | None = None


def read_ahead[T](items: Iterator[T], size: int) -> Iterator[T]:
    """`items`, produced by a thread of its own up to `size` ahead of the reader. The
    producer's exception is raised to the reader where it happened; a reader that stops
    early (a download cancelled) stops the producer too. The producer runs in a copy of
    the reader's context, so its upstream calls count in the reader's `track_calls()`."""
    buffer: queue.Queue[T | _End] = queue.Queue(maxsize=size)
    stopped = threading.Event()

    def hand_over(item: T | _End) -> bool:
        while not stopped.is_set():
            try:
                buffer.put(item, timeout=0.5)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not hand_over(item):
                    break
            else:
                hand_over(_End())
        except BaseException as error:  # the reader raises it
            hand_over(_End(error))
        finally:
            if isinstance(items, Generator):
                items.close()  # a walk the reader abandoned stops asking Kantata

    thread = threading.Thread(
        target=contextvars.copy_context().run,
        args=(produce,),
        name="groups-read-ahead",
        daemon=True,
    )
    thread.start()
    try:
        while not isinstance(item := buffer.get(), _End):
            yield item
        if item.error is not None:
            raise item.error
    finally:
        stopped.set()
