"""URL endpoints of the API: each picks the handler for its HTTP method."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from kantata_admin.sandbox.api import custom_fields as custom_field_api
from kantata_admin.sandbox.api import (
    group_writes,
    groups,
    openapi,
    resources,
    value_writes,
    writes,
)
from kantata_admin.sandbox.api.endpoint import answered, api_endpoint
from kantata_admin.sandbox.api.envelope import ApiContext
from kantata_admin.sandbox.api.errors import ApiError, not_found, system_error
from kantata_admin.sandbox.api.params import parse_id
from kantata_admin.sandbox.api.writes import Writer
from kantata_admin.sandbox.responses import KantataJsonResponse

_NO_ROUTE = "No route matches this request."


def _record_id(pk: str) -> int:
    """The id in a show path; one no bigint key can hold names no record (not a 500)."""
    value = parse_id(pk)
    if value is None:
        raise not_found()
    return value


def _read_only(handler):
    @api_endpoint
    def endpoint(request: HttpRequest, ctx: ApiContext, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            raise ApiError(404, _NO_ROUTE)
        if "pk" in kwargs:
            kwargs["pk"] = _record_id(kwargs["pk"])
        return handler(request, ctx, *args, **kwargs)

    return endpoint


def _collection(
    list_records: Callable, writer: Writer, **many: Callable[..., HttpResponse]
) -> Callable[..., HttpResponse]:
    """GET lists, POST creates through the write pipeline; `many` maps other methods (PUT,
    DELETE) to handlers of many records at once, where the resource has them."""

    @api_endpoint
    def endpoint(request: HttpRequest, ctx: ApiContext) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            return list_records(request, ctx)
        if request.method == "POST":
            return writes.create(request, ctx, writer)
        if request.method in many:
            return many[request.method](request, ctx)
        raise ApiError(404, _NO_ROUTE)

    return endpoint


def _member(show_record: Callable, writer: Writer) -> Callable[..., HttpResponse]:
    """GET shows, PUT/PATCH updates, DELETE deletes one record."""

    @api_endpoint
    def endpoint(request: HttpRequest, ctx: ApiContext, pk: str) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            return show_record(request, ctx, _record_id(pk))
        if request.method in ("PUT", "PATCH"):
            return writes.update(request, ctx, writer, _record_id(pk))
        if request.method == "DELETE":
            return writes.delete(request, ctx, writer, _record_id(pk))
        raise ApiError(404, _NO_ROUTE)

    return endpoint


workspace_groups = _collection(groups.list_groups, group_writes.GROUP_WRITER)
workspace_group = _member(groups.show_group, group_writes.GROUP_WRITER)
custom_field_values = _collection(
    custom_field_api.list_custom_field_values,
    value_writes.VALUE_WRITER,
    PUT=value_writes.update_many,
    DELETE=value_writes.delete_many,
)
custom_field_value = _member(custom_field_api.show_custom_field_value, value_writes.VALUE_WRITER)
users_me = _read_only(resources.users_me)
workspaces = _read_only(resources.list_workspaces)
workspace = _read_only(resources.show_workspace)
custom_fields = _read_only(custom_field_api.list_custom_fields)
custom_field_choices = _read_only(custom_field_api.list_custom_field_choices)
rate_card_sets = _read_only(resources.list_rate_card_sets)
external_references = _read_only(resources.list_external_references)


@answered
def openapi_description(request: HttpRequest) -> HttpResponse:
    """The OpenAPI description of the emulated endpoints; public, like Kantata's own."""
    if request.method not in ("GET", "HEAD"):
        return system_error(404, _NO_ROUTE)
    return KantataJsonResponse(openapi.description())


@answered
def no_route(request: HttpRequest, path: str = "") -> HttpResponse:
    return system_error(404, _NO_ROUTE)
