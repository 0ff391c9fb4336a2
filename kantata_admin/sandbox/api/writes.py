"""The one write pipeline every resource shares: parse (query, then body), validate
(every failure at once), save (in one transaction), answer (the envelope, read back).
A request that answers 400, 403, 404 or 422 has written nothing."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse

from kantata_admin.sandbox.api.body import read_body
from kantata_admin.sandbox.api.envelope import (
    ApiContext,
    Resource,
    records_response,
    single_shape,
)
from kantata_admin.sandbox.api.errors import ApiError, no_content, not_found


@dataclass(frozen=True)
class Writer:
    """How one resource is written; each step may raise ApiError or ValidationFailed."""

    resource: Resource
    what: str  # in the 403 message: "workspace groups"
    own: Callable[[ApiContext], QuerySet]  # the caller's records, as answers show them
    # (ctx, body, record being updated or None) -> the change, fully checked
    validate: Callable[[ApiContext, dict, Model | None], Any]
    # (ctx, change, record or None) -> the records written, in answer order
    save: Callable[[ApiContext, Any, Model | None], list[Model]]
    remove: Callable[[ApiContext, Model], None]


def require_writer(ctx: ApiContext, writer: Writer) -> None:
    if not ctx.user.can_write_groups:
        raise ApiError(403, f"You do not have permission to manage {writer.what}.")


def create(request: HttpRequest, ctx: ApiContext, writer: Writer) -> JsonResponse:
    require_writer(ctx, writer)
    shape = single_shape(writer.resource, ctx.params)
    change = writer.validate(ctx, read_body(request), None)
    with transaction.atomic():
        saved = writer.save(ctx, change, None)
    return records_response(ctx, writer.resource, writer.own(ctx), [r.pk for r in saved], shape)


def update(request: HttpRequest, ctx: ApiContext, writer: Writer, pk: int) -> JsonResponse:
    require_writer(ctx, writer)
    shape = single_shape(writer.resource, ctx.params)
    data = read_body(request)
    with transaction.atomic():
        # Locked until the change commits, so a concurrent delete waits for it (or wins
        # first, and this update then answers 404 instead of resurrecting the record).
        record = writer.own(ctx).select_for_update(of=("self",)).filter(pk=pk).first()
        if record is None:
            raise not_found()
        saved = writer.save(ctx, writer.validate(ctx, data, record), record)
    return records_response(ctx, writer.resource, writer.own(ctx), [r.pk for r in saved], shape)


def delete(request: HttpRequest, ctx: ApiContext, writer: Writer, pk: int) -> HttpResponse:
    require_writer(ctx, writer)
    with transaction.atomic():
        record = writer.own(ctx).select_for_update(of=("self",)).filter(pk=pk).first()
        if record is None:
            raise not_found()
        writer.remove(ctx, record)
    return no_content()
