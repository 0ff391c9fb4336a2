"""URL endpoints of the API: each picks the handler for its HTTP method."""

from django.http import HttpRequest, HttpResponse

from kantata_admin.sandbox.api import group_writes, groups, resources, value_writes
from kantata_admin.sandbox.api.endpoint import answered, api_endpoint
from kantata_admin.sandbox.api.envelope import ApiContext, show_response
from kantata_admin.sandbox.api.errors import ApiError, not_found, system_error
from kantata_admin.sandbox.api.params import parse_id

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


@api_endpoint
def workspace_groups(request: HttpRequest, ctx: ApiContext) -> HttpResponse:
    if request.method in ("GET", "HEAD"):
        return groups.list_groups(request, ctx)
    if request.method == "POST":
        return group_writes.create_group(request, ctx)
    raise ApiError(404, _NO_ROUTE)


@api_endpoint
def workspace_group(request: HttpRequest, ctx: ApiContext, pk: str) -> HttpResponse:
    if request.method in ("GET", "HEAD"):
        # Show routes apply the index filters too: a filtered-out group is a 404.
        shown = groups.filter_groups(ctx)
        return show_response(ctx, groups.WORKSPACE_GROUPS, shown, _record_id(pk))
    if request.method in ("PUT", "PATCH"):
        return group_writes.update_group(request, ctx, _record_id(pk))
    if request.method == "DELETE":
        return group_writes.delete_group(request, ctx, _record_id(pk))
    raise ApiError(404, _NO_ROUTE)


@api_endpoint
def custom_field_values(request: HttpRequest, ctx: ApiContext) -> HttpResponse:
    if request.method in ("GET", "HEAD"):
        return resources.list_custom_field_values(request, ctx)
    if request.method == "POST":
        return value_writes.create_values(request, ctx)
    raise ApiError(404, _NO_ROUTE)


@api_endpoint
def custom_field_value(request: HttpRequest, ctx: ApiContext, pk: str) -> HttpResponse:
    if request.method in ("GET", "HEAD"):
        return resources.show_custom_field_value(request, ctx, _record_id(pk))
    if request.method in ("PUT", "PATCH"):
        return value_writes.update_value(request, ctx, _record_id(pk))
    if request.method == "DELETE":
        return value_writes.delete_value(request, ctx, _record_id(pk))
    raise ApiError(404, _NO_ROUTE)


users_me = _read_only(resources.users_me)
workspaces = _read_only(resources.list_workspaces)
workspace = _read_only(resources.show_workspace)
custom_fields = _read_only(resources.list_custom_fields)
custom_field_choices = _read_only(resources.list_custom_field_choices)
rate_card_sets = _read_only(resources.list_rate_card_sets)
external_references = _read_only(resources.list_external_references)


@answered
def no_route(request: HttpRequest, path: str = "") -> HttpResponse:
    return system_error(404, _NO_ROUTE)
