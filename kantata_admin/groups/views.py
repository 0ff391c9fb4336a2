"""The browse pages: the group list (full page or its results fragment), a group's detail
page and the CSV export.

Every member may browse. Pages get their client from `client_for`; a missing or revoked
connection (`ConnectionRequired`, `AuthenticationError`) propagates to the connections
middleware, which shows the connect or reconnect prompt. Other upstream failures are shown
in the page, above the member's kept filters, with a retry.
"""

from __future__ import annotations

import contextvars
import hashlib
import itertools
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from kantata_admin.connections.services import client_and_connection, client_for
from kantata_admin.groups import selectors, write_refusals
from kantata_admin.groups.export import (
    FORMATS,
    REIMPORT,
    SPREADSHEET,
    csv_chunks,
    export_filename,
    reimport_columns,
    spreadsheet_columns,
)
from kantata_admin.groups.filtering import DEFAULT_ORDER, OPTION_NAMES, GroupFilterForm
from kantata_admin.groups.handoffs import handed_over
from kantata_admin.groups.list_state import carry, list_address
from kantata_admin.groups.problems import Problem, problem_for, upstream_problem
from kantata_admin.groups.table_html import safe_href
from kantata_admin.groups.tables import (
    GroupTable,
    column_choices,
    workspaces_in_order,
)
from kantata_admin.kantata import (
    AuthenticationError,
    InvalidRequest,
    KantataClient,
    KantataError,
    NotFound,
    WorkspaceGroup,
)
from kantata_admin.savedviews.services import remembered_columns, stored_query

logger = logging.getLogger(__name__)

# Threads that wait for Kantata while a full list page draws its filter panel. The work
# they do is I/O; a request holds one for the length of one upstream call.
_UPSTREAM = ThreadPoolExecutor(max_workers=32, thread_name_prefix="groups-upstream")


def member_client(request: HttpRequest) -> tuple[KantataClient, str]:
    """The member's client and their account's cache key, from one read of the connection."""
    client, connection = client_and_connection(request.user)
    return client, selectors.account_key(connection)


def _canonical(query: QueryDict) -> QueryDict:
    """The query without empty values: what the address bar, bookmarks and links carry."""
    kept = QueryDict(mutable=True)
    for name, values in query.lists():
        if present := [value for value in values if value.strip()]:
            kept.setlist(name, present)
    return kept


def _options_only(query: QueryDict) -> QueryDict:
    """The list options (sort, size, includes, columns) without any filter or page."""
    kept = QueryDict(mutable=True)
    for name in OPTION_NAMES:
        if name != "page" and name in query:
            kept.setlist(name, query.getlist(name))
    if not kept:
        # Never an empty query: /groups/ without one opens the member's default view.
        kept["order"] = DEFAULT_ORDER
    return kept


def _list_url(params: QueryDict) -> str:
    return list_address(params.urlencode())


def _list_context(params: QueryDict) -> dict[str, Any]:
    return {
        "params": params,
        "list_url": reverse("groups:list"),
        "clear_query": _options_only(params),
    }


def _fields_and_form(
    client: KantataClient,
    account: str,
    params: QueryDict,
    remembered_columns: Sequence[str] | None = None,
) -> tuple[GroupFilterForm, Problem | None]:
    """The filter form over `params`, with the account's custom fields; `remembered_columns`
    are the member's columns, for a query that names none."""
    try:
        fields = selectors.group_custom_fields(client, account)
    except AuthenticationError:
        raise
    except KantataError as error:
        # Without the definitions the custom filters cannot be checked: show the problem,
        # keep the member's other filters in the form, and ask Kantata nothing more.
        form = GroupFilterForm(params, remembered_columns=remembered_columns)
        return form, upstream_problem(error)
    form = GroupFilterForm(params, custom_fields=fields, remembered_columns=remembered_columns)
    return form, None


@never_cache
@vary_on_headers("HX-Request")
@require_safe
def group_list(request: HttpRequest) -> HttpResponse:
    """The list: the whole page, or its results for htmx (the whole page again when htmx
    restores history, which needs the filters too)."""
    params = _canonical(request.GET)
    fragment = bool(request.htmx) and not request.htmx.history_restore_request
    if not fragment and params != request.GET:
        # A plain form submit sends every empty field: show the short address instead.
        return HttpResponseRedirect(_list_url(params))

    client, connection = client_and_connection(request.user)
    account = selectors.account_key(connection)
    form, problem = _fields_and_form(client, account, params, remembered_columns(request.user))
    refusal = write_refusals.refusal_for(connection) if request.user.can_edit else None
    context = _list_context(params) | {
        "form": form,
        "problem": problem,
        "fragment": fragment,
        "account": account,
        "write_refusal": refusal,
        # Every link that leaves the list carries its state (list_state), "New group" too.
        "new_group_url": carry(reverse("groups:create"), params.urlencode()),
    }
    if problem is None and form.is_valid():
        query = form.query()
        context["query"] = query
        try:
            if fragment:
                page = selectors.group_page(client, query)
            else:
                # The panel is most of a full page's own work: draw it while Kantata answers.
                pending = _in_background(selectors.group_page, client, query)
                context["filters_html"] = _filters_html(request, context)
                page = pending.result()
            context["table"] = GroupTable(
                page,
                query,
                params,
                can_edit=request.user.can_edit,
                list_url=context["list_url"],
                writes_refused=refusal is not None,
            )
            context["column_choices"] = column_choices(query.layout, form.custom_fields)
        except AuthenticationError:
            raise
        except KantataError as error:
            context["problem"] = problem = upstream_problem(error)

    if fragment:
        context["sort_control_html"] = _sort_control_html(request, context)
        # The query "Save this view" saves, beside the filters: the list as it is now.
        context["saved_view_query"] = _saved_view_query(params)
        # The links outside the results carry the list's state: refreshed with it.
        context["links_html"] = _links_html(request, context)
        context["list_address"] = _list_url(params)
        # htmx swaps only 2xx answers: the problem goes in the fragment, with status 200.
        response = render(request, "groups/list.html#results", context)
        return push_url(response, _list_url(params))
    status = problem.status if problem else (200 if form.is_valid() else 400)
    return _full_page(request, context, status)


# The parts of the page outside the results that link with the list's state: "New group",
# the export links and the write refusal's "Try anyway".
OUT_OF_BAND_LINKS = ("new_group", "export_control", "refusal_notice")


def _links_html(request: HttpRequest, context: dict[str, Any]) -> str:
    drawn = {**context, "oob": True}
    # Each part is a rendered template (safe): only their join needs saying so.
    return mark_safe(  # noqa: S308
        "".join(
            render_to_string(f"groups/list.html#{name}", drawn, request)
            for name in OUT_OF_BAND_LINKS
        )
    )


def _saved_view_query(params: QueryDict) -> str:
    try:
        return stored_query(params)
    except ValidationError:  # too long to save: the save form says so when posted
        return ""


def _filters_html(request: HttpRequest, context: dict[str, Any]) -> str:
    """The filter panel. It depends only on the account's custom fields and the query, and
    is most of a full page's own work: kept per account, fields and query, as long as
    the fields' definitions are used without asking Kantata."""
    form: GroupFilterForm = context["form"]
    shape = f"{form.custom_fields!r}\n{context['params'].urlencode()}".encode()
    key = f"groups:filters:v1:{context['account']}:{hashlib.sha256(shape).hexdigest()}"
    if (cached := cache.get(key)) is not None:
        return cached
    html = render_to_string("groups/list.html#filters", context, request)
    cache.set(key, html, selectors.CUSTOM_FIELDS_FRESH_SECONDS)
    return html


def _sort_control_html(request: HttpRequest, context: dict[str, Any]) -> str:
    """The sort control the fragment refreshes out of band: one of a few, kept by order."""
    form: GroupFilterForm = context["form"]
    drawn = {**context, "oob": True}
    if form["order"].errors:
        return render_to_string("groups/list.html#sort_control", drawn, request)
    key = f"groups:sort-control:v1:{form['order'].value() or ''}"
    if (cached := cache.get(key)) is None:
        cached = render_to_string("groups/list.html#sort_control", drawn, request)
        cache.set(key, cached, selectors.CUSTOM_FIELDS_KEPT_SECONDS)
    return cached


def _full_page(request: HttpRequest, context: dict[str, Any], status: int) -> HttpResponse:
    if "filters_html" not in context:
        context["filters_html"] = _filters_html(request, context)
    return render(request, "groups/list.html", context, status=status)


def _in_background[R](work: Callable[..., R], *args: Any) -> Future[R]:
    """`work(*args)` on a pool thread, in a copy of this context: its upstream call is
    counted by the caller's `track_calls()`. Its exceptions come out of `.result()`."""
    return _UPSTREAM.submit(contextvars.copy_context().run, work, *args)


@never_cache
@require_safe
def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    """Everything about one group, in one upstream call; none right after a save, whose
    answer it shows."""
    client = client_for(request.user)
    if (saved := handed_over(request, str(group_id))) is not None:
        return render(request, "groups/detail.html", _detail_context(saved))
    try:
        group = selectors.group_detail(client, str(group_id))
    except (NotFound, InvalidRequest):  # InvalidRequest: an id no group can have, such as 0
        return render(
            request, "groups/detail.html", {"missing": True, "group_id": group_id}, status=404
        )
    except AuthenticationError:
        raise
    except KantataError as error:
        problem = problem_for(error, writing=False, doing="load")
        context = {"problem": problem, "group_id": group_id}
        return render(request, "groups/detail.html", context, status=problem.status)
    return render(request, "groups/detail.html", _detail_context(group))


def _detail_context(group: WorkspaceGroup) -> dict[str, Any]:
    return {
        "group": group,
        "group_id": group.id,
        "website_href": safe_href(group.website),
        "workspaces": workspaces_in_order(group),
        "custom_values": sorted(
            group.custom_field_values, key=lambda value: value.custom_field_name.casefold()
        ),
        "references": [
            {"record": reference, "href": safe_href(reference.external_link)}
            for reference in group.external_references or ()
        ],
    }


@never_cache
@require_safe
def group_export(request: HttpRequest) -> HttpResponse:
    """Every group matching the list's filters as CSV, streamed page by page: for a
    spreadsheet (`?as=spreadsheet`, the default) or for re-import (`?as=reimport`)."""
    params = _canonical(request.GET)
    shape = params.pop("as", [SPREADSHEET])[-1]
    if shape not in FORMATS:
        shape = SPREADSHEET
    client, account = member_client(request)
    form, problem = _fields_and_form(client, account, params)
    context = _list_context(params) | {"form": form, "problem": problem, "account": account}
    if problem is None and not form.is_valid():
        # The list page shows each refused value on its field.
        return HttpResponseRedirect(_list_url(params))
    if problem is None:
        query = form.query()
        groups = selectors.groups_for_export(client, query)
        try:
            # The first page is read before answering, so a failure there is a page with
            # a retry rather than a broken download.
            first = list(itertools.islice(groups, 1))
        except AuthenticationError:
            raise
        except KantataError as error:
            problem = upstream_problem(error)
        else:
            if shape == REIMPORT:
                columns = reimport_columns(form.custom_fields)
            else:
                # The zone is read now: the member's zone is active only while the view
                # runs, and the file is written after it returns.
                columns = spreadsheet_columns(
                    query.includes,
                    form.custom_fields,
                    timezone.get_current_timezone(),
                    timezone.get_current_timezone_name(),
                )
            response = StreamingHttpResponse(
                csv_chunks(
                    itertools.chain(first, groups), columns, for_spreadsheet=shape == SPREADSHEET
                ),
                content_type="text/csv; charset=utf-8",
            )
            filename = export_filename(query.filters.to_params(), timezone.localdate(), shape)
            response["Content-Disposition"] = content_disposition_header(True, filename)
            return response
    context["problem"] = problem
    return _full_page(request, context, problem.status)
