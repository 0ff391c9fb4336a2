"""Creating, editing and deleting workspace groups, with their custom field values.

Editors and admins only, on the server (`editor_required`). Every page gets its client from
`client_for`; a missing or revoked connection propagates to the connection middleware,
which shows the reconnect prompt, and what the member typed is kept in the session and
put back into the form when they return.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from kantata_admin.audit.models import Action, AuditEntry
from kantata_admin.connections.errors import ConnectionRequired
from kantata_admin.connections.models import KantataConnection
from kantata_admin.connections.services import client_and_connection, connection_for
from kantata_admin.groups import field_access, list_state, selectors, services
from kantata_admin.groups.changes import EDIT_INCLUDES, GROUP_FIELDS, GroupValues, custom_name
from kantata_admin.groups.custom_value_reads import group_read
from kantata_admin.groups.field_specs import CustomFieldSpec
from kantata_admin.groups.forms import GroupForm, opened_snapshot
from kantata_admin.groups.handoffs import forget_draft, hand_over_to_detail, keep_draft, take_draft
from kantata_admin.groups.picker_views import workspace_matches
from kantata_admin.groups.problems import problem_for, status_for, values_problem
from kantata_admin.groups.write_refusals import clear_refusal, refusal_for, remember_refusal
from kantata_admin.kantata import (
    AuthenticationError,
    InvalidRequest,
    KantataClient,
    KantataError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    WorkspaceGroup,
)
from kantata_admin.permissions import editor_required

# The picker's Search button: a post carrying it searches, never saves (the form's first
# submit button is Save, so Enter in a field saves).
SEARCH_BUTTON = "search_workspaces"
# The event after which the group list draws its results again (templates/groups/list.html).
GROUPS_CHANGED = "groups-changed"
FIELD_LABELS = {
    **{
        name: GroupForm.base_fields[name].label or name.replace("_", " ").capitalize()
        for name in GROUP_FIELDS
    },
    "company": "Company",
    "external_reference": "External reference",
    "workspaces": "Workspaces",
}


def _account_id(connection: KantataConnection) -> str:
    """The Kantata account the audit log files a change under ("" when Kantata gave none)."""
    return connection.account_id or ""


def _note_write(connection: KantataConnection, error: KantataError | None = None) -> None:
    """What a write taught about Kantata's permission for this connection: a 403 is
    remembered (the pages then show the write controls as unavailable, with the reason);
    any write that went through forgets an earlier one."""
    if isinstance(error, PermissionDenied):
        remember_refusal(connection, "; ".join(error.messages))
    elif error is None:
        clear_refusal(connection)


def _page_context(request: HttpRequest) -> dict:
    """What every page opened from the list shows: the way back to the list as the member
    left it (`_list`), and Kantata's remembered refusal of their writes."""
    return list_state.context(request) | {
        "write_refusal": refusal_for(connection_for(request.user))
    }


def _to_detail(request: HttpRequest, group_id: str) -> HttpResponse:
    """The group's page after a save, keeping the list's state for its links."""
    url = reverse("groups:detail", args=[group_id])
    return redirect(list_state.carry(url, list_state.list_query(request)))


def _connected(request: HttpRequest) -> tuple[KantataClient, KantataConnection]:
    """The member's client and connection, keeping a posted form in the session if the
    member must reconnect."""
    try:
        return client_and_connection(request.user)
    except ConnectionRequired:
        if request.method == "POST":
            keep_draft(request)
        raise


def _custom_fields(
    client: KantataClient, connection: KantataConnection, group: WorkspaceGroup | None = None
) -> tuple[tuple[CustomFieldSpec, ...], str]:
    """The account's group custom fields (the list's cached definitions) as this member may
    use them (field_access), or none and the sentence saying why: the rest of the form
    still works, and no value is touched."""
    try:
        specs = selectors.group_custom_fields(client, selectors.account_key(connection))
        member = f"kantata-user-{connection.kantata_user_id}"
        return field_access.for_member(client, specs, member, group), ""
    except AuthenticationError:
        raise
    except KantataError as error:
        problem = problem_for(error, writing=False, doing="load")
        return (
            (),
            f"The custom fields could not be loaded, so their values stay as they are. {problem}",
        )


# --- pages ------------------------------------------------------------------------------


def _search_page(request: HttpRequest, group_id: str | None = None) -> HttpResponse:
    """The form as typed, with the workspaces matching its search box to tick: the
    picker's search without JavaScript. Nothing is checked or saved."""
    form = GroupForm(request.POST, editing=group_id is not None).unchecked()
    matches = workspace_matches(
        _connected(request)[0], request.POST.get("q", ""), request.POST.getlist("workspaces")
    )
    return _form_page(request, form, group_id=group_id, plain_results=matches.context())


def _form_page(
    request: HttpRequest,
    form: GroupForm,
    *,
    group_id: str | None = None,
    status: int = 200,
    **extra,
) -> HttpResponse:
    context = {
        "form": form,
        "group_id": group_id,
        "editing": group_id is not None,
        "stored_name": form.stored_name(),
        **_page_context(request),
        **extra,
    }
    return render(request, "groups/form.html", context, status=status)


@never_cache
@editor_required
@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        draft = take_draft(request)
        if draft is not None:
            form = GroupForm(draft)
            form.is_valid()
            return _form_page(request, form, restored=True)
        # The account's custom fields are on the form: opening it needs the connection.
        specs, fields_problem = _custom_fields(*client_and_connection(request.user))
        form = GroupForm.for_new(specs)
        return _form_page(request, form, custom_fields_problem=fields_problem)
    if SEARCH_BUTTON in request.POST:
        return _search_page(request)
    form = GroupForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    client, connection = _connected(request)
    try:
        group = services.workspace_group_create(
            client=client,
            actor=request.user,
            values=form.values(),
            account_id=_account_id(connection),
        )
    except AuthenticationError:
        keep_draft(request)
        raise
    except services.ValuesNotSaved as partial:
        # The group exists: the member goes on from its edit form, everything kept.
        _note_write(connection, partial.writes.failure)
        return _values_not_saved_page(request, partial, created=True)
    except ValidationFailed as error:
        form.add_upstream_errors(error)
        return _form_page(request, form, status=422)
    except KantataError as error:
        _note_write(connection, error)
        form.add_error(None, str(problem_for(error, writing=True, doing="create")))
        return _form_page(request, form, status=status_for(error))
    _note_write(connection)
    forget_draft(request)
    messages.success(request, f"Created “{group.name}”.")
    hand_over_to_detail(request, group)
    return _to_detail(request, group.id)


@never_cache
@editor_required
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, group_id: int) -> HttpResponse:
    gid = str(group_id)
    if request.method == "GET":
        draft = take_draft(request)
        if draft is not None:
            form = GroupForm(draft, editing=True)
            form.is_valid()
            return _form_page(request, form, group_id=gid, restored=True)
        client, connection = _connected(request)
        try:
            group = group_read(client, gid, EDIT_INCLUDES)
        except KantataError as error:
            return _unreadable(request, gid, error)
        specs, fields_problem = _custom_fields(client, connection, group)
        form = GroupForm.for_group(GroupValues.from_group(group), group.updated_at, specs)
        return _form_page(request, form, group_id=gid, custom_fields_problem=fields_problem)

    if SEARCH_BUTTON in request.POST:
        return _search_page(request, gid)
    form = GroupForm(request.POST, editing=True)
    if not form.is_valid():
        return _form_page(request, form, group_id=gid, status=400)
    client, connection = _connected(request)
    try:
        result = services.workspace_group_update(
            client=client,
            actor=request.user,
            group_id=gid,
            values=form.values(),
            opened=form.opened_values,
            opened_updated_at=form.opened_updated_at,
            account_id=_account_id(connection),
        )
    except AuthenticationError:
        keep_draft(request)
        raise
    except services.StaleEdit as stale:
        return _stale_page(request, form, stale, gid)
    except services.ValuesNotSaved as partial:
        _note_write(connection, partial.writes.failure)
        return _values_not_saved_page(request, partial)
    except NotFound:
        return _gone(request, gid)
    except ValidationFailed as error:
        form.add_upstream_errors(error)
        return _form_page(request, form, group_id=gid, status=422)
    except KantataError as error:
        _note_write(connection, error)
        form.add_error(None, str(problem_for(error, writing=True)))
        return _form_page(request, form, group_id=gid, status=status_for(error))
    forget_draft(request)
    if result.written:
        _note_write(connection)
        messages.success(request, f"Saved “{result.group.name}”.")
    else:
        messages.info(request, "Nothing to save: the group already had these values.")
    hand_over_to_detail(request, result.group)
    return _to_detail(request, gid)


def _retyped(request: HttpRequest, now: GroupValues, updated_at: datetime | None) -> GroupForm:
    """The form as the member typed it, opened on the version Kantata holds now, so that
    saving again writes over it without another stale-edit stop."""
    data = request.POST.copy()
    data["opened"] = opened_snapshot(now, updated_at)
    form = GroupForm(data, editing=True)
    form.is_valid()
    return form


def _stale_page(
    request: HttpRequest, form: GroupForm, stale: services.StaleEdit, group_id: str
) -> HttpResponse:
    """The form again, as typed, beside what changed in Kantata meanwhile. Its version is
    now the current one, so saving again overwrites (after the member has seen this)."""
    refreshed = _retyped(request, stale.current_values, stale.current.updated_at)
    typed = form.values()
    conflicts = []
    for name in stale.changed_meanwhile:
        conflicts.append(
            {
                "label": FIELD_LABELS.get(name, name),
                "opened": _shown(stale.opened, name),
                "current": _shown(stale.current_values, name),
                "typed": _shown(typed, name),
            }
        )
    for field_id in stale.custom_changed_meanwhile:
        sides = (stale.opened, stale.current_values, typed)
        conflicts.append(
            {
                "label": custom_name(field_id, *sides),
                **{
                    key: _custom_shown(values, field_id)
                    for key, values in zip(("opened", "current", "typed"), sides, strict=True)
                },
            }
        )
    return _form_page(
        request, refreshed, group_id=group_id, status=409, conflicts=conflicts, stale=True
    )


def _custom_shown(values: GroupValues, field_id: str) -> str:
    value = values.custom_values.get(field_id)
    return value.display if value is not None else "(empty)"


def _values_not_saved_page(
    request: HttpRequest,
    partial: services.ValuesNotSaved,
    *,
    created: bool = False,
) -> HttpResponse:
    """The group's edit form, as typed, saying which part was saved and which was not,
    Kantata's refusals on their inputs."""
    group, writes = partial.group, partial.writes
    form = _retyped(request, partial.now, group.updated_at)
    form.add_value_errors(writes.refused)
    problem = values_problem(
        writes, group_name=group.name, group_written=partial.group_written, created=created
    )
    form.add_error(None, problem)
    status = status_for(writes.failure) if writes.failure is not None else 422
    return _form_page(request, form, group_id=group.id, status=status)


def _shown(values: GroupValues, name: str) -> str:
    if name == "workspaces":
        titles = sorted(values.title_of(i) for i in values.workspace_ids)
        return ", ".join(titles) or "(none)"
    value = getattr(values, name)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value) or "(empty)"


def _gone(request: HttpRequest, group_id: str) -> HttpResponse:
    return render(
        request,
        "error.html",
        {
            "status": 404,
            "title": "Group not found",
            # Kantata answers 404 alike for a deleted group and another account's.
            "message": f"Workspace group {group_id} was not found in your Kantata OX "
            "account: it may have been deleted, or belong to another account.",
        },
        status=404,
    )


def _unreadable(request: HttpRequest, group_id: str, error: KantataError) -> HttpResponse:
    """The page saying why an edit or delete page has no group to show."""
    if isinstance(error, (NotFound, InvalidRequest)):  # an id past the API's range too
        return _gone(request, group_id)
    if isinstance(error, AuthenticationError):
        raise error
    problem = problem_for(error, writing=False, doing="load")
    context = {"status": problem.status, "title": problem.title, "message": str(problem)}
    return render(request, "error.html", context, status=problem.status)


@never_cache
@vary_on_headers("HX-Request")
@editor_required
@require_http_methods(["GET", "POST"])
def group_delete(request: HttpRequest, group_id: int) -> HttpResponse:
    """GET: the confirmation naming the group. POST: delete; with htmx the answer replaces
    the list row: nothing (the row leaves, and the page says "Deleted “X”" with a link to
    the delete's history entry), or a notice when it could not be deleted."""
    gid = str(group_id)
    client, connection = client_and_connection(request.user)
    if request.method == "GET":
        try:
            group = client.workspace_groups.get(gid)
        except KantataError as error:
            return _unreadable(request, gid, error)
        context = {"group": group, **_page_context(request)}
        return render(request, "groups/confirm_delete.html", context)
    name = request.POST.get("name", "")[:255]
    try:
        group = services.workspace_group_delete(
            client=client, actor=request.user, group_id=gid, account_id=_account_id(connection)
        )
    except services.AlreadyDeleted:
        notice = (
            f"“{name or gid}” was not found in your Kantata OX account: "
            "it may have been deleted already."
        )
        return _delete_answer(request, notice, level=messages.WARNING, removed=True)
    except KantataError as error:
        if isinstance(error, AuthenticationError):
            raise
        _note_write(connection, error)
        problem = problem_for(error, writing=True, doing="delete")
        notice = f"“{name or gid}” was not deleted. {problem}"
        return _delete_answer(request, notice, level=messages.ERROR, group_id=gid)
    _note_write(connection)
    history_url = _delete_history_url(request, connection, gid)
    if request.htmx:
        # The row leaves, the notice goes above the list; then the list's results are
        # drawn again (count, range, pager).
        context = {"deleted_name": group.name, "history_url": history_url}
        response = render(request, "groups/_delete_notice.html", context)
        return trigger_client_event(response, GROUPS_CHANGED, after="settle")
    notice = format_html(
        'Deleted “{}”. <a href="{}">See the delete in its history</a>', group.name, history_url
    )
    return _delete_answer(request, notice, level=messages.SUCCESS, removed=True)


def _delete_history_url(request: HttpRequest, connection: KantataConnection, group_id: str) -> str:
    """The group's page (which, once the group is gone, still shows its history) at the
    audit log entry of the delete just made."""
    entry = (
        AuditEntry.objects.filter(
            action=Action.GROUP_DELETE,
            group_id=group_id,
            account_id=_account_id(connection),
            actor=request.user,
        )
        .order_by("-pk")
        .first()
    )
    url = reverse("groups:detail", args=[group_id])
    url = list_state.carry(url, list_state.list_query(request))
    return f"{url}#history-{entry.pk}" if entry is not None else f"{url}#history-title"


def _delete_answer(
    request: HttpRequest, notice: str, *, level: int, removed: bool = False, group_id: str = ""
) -> HttpResponse:
    if request.htmx:
        context = {
            "notice": notice,
            "level": level,
            "group_id": group_id,
            "removed": removed,
            "list_query": list_state.list_query(request),
        }
        return render(request, "groups/_delete_notice.html", context)
    messages.add_message(request, level, notice)
    if removed:
        return redirect(list_state.list_url(request))
    url = reverse("groups:delete", args=[group_id])
    return redirect(list_state.carry(url, list_state.list_query(request)))
