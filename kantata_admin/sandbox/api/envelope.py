"""The one response envelope every endpoint shares: count, ordered results, objects keyed
by id per type, meta; plus include, optional_fields, order and paging, written once.

A Resource declares how to serialize one type, its includes, its sort fields and its
optional fields. Each include loads its related objects for the whole page in one
query, so a page costs the same number of queries whatever its size.
"""

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import F, Model, QuerySet
from django.db.models.expressions import OrderBy
from django.http import HttpRequest, JsonResponse, QueryDict

from kantata_admin.sandbox.api.errors import not_found
from kantata_admin.sandbox.api.params import SINGLE, Paging, paging, word_list
from kantata_admin.sandbox.models import SandboxUser
from kantata_admin.sandbox.responses import KantataJsonResponse


@dataclass
class ApiContext:
    """Who is asking and how: handed to every serializer and loader."""

    request: HttpRequest
    user: SandboxUser

    @property
    def account(self):
        return self.user.account

    @property
    def params(self) -> QueryDict:
        return self.request.GET

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.user.account.time_zone)

    def time(self, value: datetime | None) -> str | None:
        """ISO 8601 in the account's zone, seconds precision: 2019-08-19T09:41:55-07:00."""
        if value is None:
            return None
        return value.astimezone(self.zone).replace(microsecond=0).isoformat()


Serializer = Callable[[Any, ApiContext], dict]


def id_list(related: list[Model]) -> list[str]:
    return [str(obj.pk) for obj in related]


def one_id(related: list[Model]) -> str | None:
    """A belongs-to include's reference (`custom_field_id`): one id, or null."""
    return str(related[0].pk) if related else None


@dataclass(frozen=True)
class Include:
    key: str  # top-level key of the included objects, e.g. "workspaces"
    ids_field: str  # the reference on each record, e.g. "workspace_ids"
    # (records, ctx) -> {record pk: [related objects]}, in one query.
    load: Callable[[list[Model], ApiContext], dict[int, list[Model]]]
    serialize: Serializer
    # The reference's value from the related objects: a list of ids, or one id.
    reference: Callable[[list[Model]], Any] = id_list
    # Whether the include is offered at all (a sandbox setting may turn one on); one
    # that is not is ignored, as unknown includes are.
    enabled: Callable[[], bool] = lambda: True


@dataclass(frozen=True)
class Resource:
    key: str
    serialize: Serializer
    orders: dict[str, Callable[[bool], list[OrderBy]]]  # name -> (descending) -> ordering
    default_order: str
    includes: dict[str, Include] = field(default_factory=dict)
    optional_fields: dict[str, Callable[[Any, ApiContext], Any]] = field(default_factory=dict)


def orders_by(columns: dict[str, str]) -> dict[str, Callable[[bool], list[OrderBy]]]:
    """A resource's orders from {sort name: column}; ties break on id, ascending."""

    def by(column: str) -> Callable[[bool], list[OrderBy]]:
        def ordering(descending: bool) -> list[OrderBy]:
            expression = F(column)
            return [expression.desc() if descending else expression.asc(), F("id").asc()]

        return ordering

    return {name: by(column) for name, column in columns.items()}


@dataclass(frozen=True)
class Shape:
    """What the request asked of the envelope, parsed (and rejected) before any query."""

    includes: list[str]
    optional_fields: list[str]
    ordering: list[OrderBy]
    page: Paging


def parse_shape(resource: Resource, params: QueryDict, *, ordered: bool = True) -> Shape:
    """The shape of a list answer: includes, optional fields, order and paging."""
    single = single_shape(resource, params)
    return Shape(
        includes=single.includes,
        optional_fields=single.optional_fields,
        ordering=parse_order(resource, params.get("order")) if ordered else [],
        page=paging(params),
    )


def single_shape(resource: Resource, params: QueryDict) -> Shape:
    """The shape of a show, create or update answer: one record, so order and paging
    parameters mean nothing there and are not read."""
    # Unknown includes and optional fields are ignored, not refused (Brainstem).
    includes = [
        name
        for name in word_list(params, "include")
        if name in resource.includes and resource.includes[name].enabled()
    ]
    optional = [f for f in word_list(params, "optional_fields") if f in resource.optional_fields]
    return Shape(
        includes=list(dict.fromkeys(includes)),
        optional_fields=list(dict.fromkeys(optional)),
        ordering=[],
        page=SINGLE,
    )


def parse_order(resource: Resource, raw: str | None) -> list[OrderBy]:
    """Brainstem's order: an unknown field falls back to the default order, and only the
    exact word `desc` sorts descending (`DESC`, `down` or nothing sort ascending)."""
    name, _, direction = (raw or "").strip().partition(":")
    if name.strip() not in resource.orders:
        name, _, direction = resource.default_order.partition(":")
    return resource.orders[name.strip()](direction.strip() == "desc")


def render(
    ctx: ApiContext, resource: Resource, records: list, count: int, shape: Shape
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "count": count,
        "results": [{"key": resource.key, "id": str(r.pk)} for r in records],
        resource.key: {},
    }
    extras: dict[str, dict[int, list]] = {}
    for name in shape.includes:
        include = resource.includes[name]
        extras[name] = include.load(records, ctx)
        body.setdefault(include.key, {})
    for record in records:
        data = resource.serialize(record, ctx)
        for name in shape.optional_fields:
            data[name] = resource.optional_fields[name](record, ctx)
        for name in shape.includes:
            include = resource.includes[name]
            related = extras[name].get(record.pk, [])
            data[include.ids_field] = include.reference(related)
            for obj in related:
                body[include.key][str(obj.pk)] = include.serialize(obj, ctx)
        body[resource.key][str(record.pk)] = data
    body["meta"] = _meta(count, shape.page)
    return body


def _meta(count: int, page: Paging) -> dict[str, int]:
    """Brainstem's meta: an empty result is page 0 of 0; an `only` request is one page."""
    if count == 0:
        size = 0 if page.unpaged else page.size
        return {"count": 0, "page_count": 0, "page_number": 0, "page_size": size}
    if page.unpaged:
        return {"count": count, "page_count": 1, "page_number": 1, "page_size": count}
    return {
        "count": count,
        "page_count": math.ceil(count / page.size),
        "page_number": page.number,
        "page_size": page.size,
    }


def list_response(
    ctx: ApiContext, resource: Resource, queryset: QuerySet, shape: Shape
) -> JsonResponse:
    if shape.ordering:
        queryset = queryset.order_by(*shape.ordering)
    count = queryset.count()
    start = shape.page.offset
    records = list(queryset[start : start + shape.page.size]) if start < count else []
    return KantataJsonResponse(render(ctx, resource, records, count, shape))


def show_response(
    ctx: ApiContext,
    resource: Resource,
    queryset: QuerySet,
    pk: int,
    *,
    shape: Shape | None = None,
    status: int = 200,
) -> JsonResponse:
    """One record in the same envelope (count 1); 404 when filtered out or missing.

    Writers pass the `shape` they parsed before writing, so that a bad include is
    refused before anything changes rather than after."""
    shape = shape or single_shape(resource, ctx.params)
    record = queryset.filter(pk=pk).first()
    if record is None:
        raise not_found()
    return KantataJsonResponse(render(ctx, resource, [record], 1, shape), status=status)


def through_loader(
    through: type[Model], owner: str, related: str, **conditions: Any
) -> Callable[[list[Model], ApiContext], dict[int, list[Model]]]:
    """An include loader over a many-to-many through table: {owner pk: [related]} in one
    query, related objects in id order. `conditions` are extra lookups on the through rows;
    a callable value is given the ApiContext, e.g. `workspace__participants=lambda ctx:
    ctx.user`."""

    def load(records: list[Model], ctx: ApiContext) -> dict[int, list[Model]]:
        extra = {key: value(ctx) if callable(value) else value for key, value in conditions.items()}
        rows = (
            through.objects.filter(**{f"{owner}_id__in": [r.pk for r in records]}, **extra)
            .select_related(related)
            .order_by(f"{related}_id")
        )
        return group_by((getattr(row, f"{owner}_id"), getattr(row, related)) for row in rows)

    return load


def group_by(pairs: Iterable[tuple[int, Model]]) -> dict[int, list[Model]]:
    """{owner pk: [related]} from (owner pk, related) pairs, keeping their order."""
    grouped: dict[int, list[Model]] = {}
    for owner, related in pairs:
        grouped.setdefault(owner, []).append(related)
    return grouped


def records_response(
    ctx: ApiContext, resource: Resource, queryset: QuerySet, pks: list[int], shape: Shape
) -> JsonResponse:
    """Written records, read back through `queryset` and answered in the order given: one
    record as show answers it, several as one unpaged page."""
    found = queryset.in_bulk(pks)
    records = [found[pk] for pk in pks if pk in found]
    if not records:
        raise not_found()
    if len(records) > 1:
        shape = Shape(
            includes=shape.includes,
            optional_fields=shape.optional_fields,
            ordering=[],
            page=Paging(offset=0, size=len(records), number=1, unpaged=True),
        )
    return KantataJsonResponse(render(ctx, resource, records, len(records), shape))
