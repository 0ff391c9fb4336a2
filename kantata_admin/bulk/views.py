"""The bulk flow: choose an action for the ticked groups (or all matching), preview,
confirm, follow the job's progress, cancel, download its summary, revert. Every page works
without JavaScript; htmx only swaps the parts (the action's inputs, the progress)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST, require_safe

from kantata_admin.accounts.models import Role
from kantata_admin.audit.models import AuditEntry
from kantata_admin.bulk import services
from kantata_admin.bulk.actions import ACTIONS, ActionRefused, describe, patch_for
from kantata_admin.bulk.forms import ActionChoiceForm, BulkActionForm
from kantata_admin.bulk.models import BulkJob
from kantata_admin.bulk.selection import (
    PREVIEW_ROWS,
    SelectionRefused,
    editable,
    freeze,
    preview_rows,
    sign,
    unsign,
)
from kantata_admin.connections.services import client_and_connection
from kantata_admin.groups import selectors
from kantata_admin.groups.custom_value_reads import with_custom_values
from kantata_admin.groups.problems import upstream_problem
from kantata_admin.kantata import AuthenticationError, KantataError
from kantata_admin.permissions import editor_required


def _selection_of(data: Any) -> dict[str, Any]:
    """What the list handed over: ticked ids, or the filter query of "all matching"."""
    return {
        "ids": data.getlist("ids"),
        "all": data.get("all") == "1",
        "filter": data.get("filter", ""),
    }


def _action_context(request: HttpRequest, data: Any, *, bound: bool) -> dict[str, Any]:
    client, connection = client_and_connection(request.user)
    fields = selectors.group_custom_fields(client, selectors.account_key(connection))
    choice = ActionChoiceForm(data if "action" in data else None)
    action = data.get("action", "")
    form = None
    if action in ACTIONS:
        form = BulkActionForm(data if bound else None, action=action, custom_fields=fields)
    return {
        "choice": choice,
        "form": form,
        "action": action,
        "selection": _selection_of(data),
        "client": client,
        "custom_fields": fields,
    }


@editor_required
@require_safe
def bulk_new(request: HttpRequest) -> HttpResponse:
    """Step one: the action (and, once chosen, only its inputs)."""
    try:
        context = _action_context(request, request.GET, bound=False)
    except AuthenticationError:
        raise
    except KantataError as error:
        problem = upstream_problem(error)
        return render(request, "bulk/new.html", {"problem": problem}, status=problem.status)
    selection = context["selection"]
    if not selection["ids"] and not selection["all"]:
        messages.error(request, "Tick at least one group, or choose all matching.")
        return HttpResponseRedirect(reverse("groups:list"))
    template = "bulk/new.html#inputs" if request.htmx else "bulk/new.html"
    return render(request, template, context)


@editor_required
@require_POST
def bulk_preview(request: HttpRequest) -> HttpResponse:
    """Step two: the exact count and the first rows as before -> after."""
    try:
        context = _action_context(request, request.POST, bound=True)
        form = context["form"]
        if form is None or not form.is_valid():
            return render(request, "bulk/new.html", context, status=400)
        values = form.values()
        patch = patch_for(context["action"], values)
        selection = context["selection"]
        groups, frozen = freeze(
            context["client"],
            ids=[] if selection["all"] else selection["ids"],
            filter_query=selection["filter"] if selection["all"] else None,
            custom_fields=context["custom_fields"],
        )
        can_edit = editable(context["client"], groups)
        # The shown rows with their values (read the documented way where needed).
        shown = with_custom_values(context["client"], groups[:PREVIEW_ROWS])
    except AuthenticationError:
        raise
    except KantataError as error:
        problem = upstream_problem(error)
        return render(request, "bulk/new.html", {"problem": problem}, status=problem.status)
    except (ActionRefused, SelectionRefused) as refused:
        context["refusal"] = str(refused)
        return render(request, "bulk/new.html", context, status=400)
    rows = preview_rows(shown, patch, can_edit)
    token = sign(
        request.user.pk,
        {
            "action": context["action"],
            "values": values,
            "groups": [[g.id, g.name] for g in groups],
            "selection": frozen,
        },
    )
    return render(
        request,
        "bulk/preview.html",
        {
            "summary": describe(context["action"], values),
            "count": len(groups),
            "rows": rows,
            "token": token,
            "field_names": values.get("field_names", {}),
            "missing": 0 if selection["all"] else len(selection["ids"]) - len(groups),
        },
    )


@editor_required
@require_POST
def bulk_start(request: HttpRequest) -> HttpResponse:
    try:
        frozen = unsign(request.user.pk, request.POST.get("token", ""))
        job = services.bulk_job_start(
            request.user,
            action=frozen["action"],
            values=frozen["values"],
            groups=[tuple(g) for g in frozen["groups"]],
            selection=frozen["selection"],
        )
    except (ActionRefused, SelectionRefused) as refused:
        messages.error(request, str(refused))
        return HttpResponseRedirect(reverse("groups:list"))
    return HttpResponseRedirect(reverse("bulk:job", args=[job.pk]))


def _job_for(request: HttpRequest, job_id: int) -> BulkJob:
    return get_object_or_404(BulkJob, pk=job_id)


def _may_steer(request: HttpRequest, job: BulkJob) -> bool:
    return job.starter_id == request.user.pk or request.user.has_role(Role.ADMIN)


@editor_required
@require_safe
def bulk_jobs(request: HttpRequest) -> HttpResponse:
    jobs = BulkJob.objects.select_related("starter")[:100]
    return render(request, "bulk/jobs.html", {"jobs": jobs})


@editor_required
@require_safe
def bulk_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress page; reloading it (or htmx polling its progress) shows where it is."""
    job = _job_for(request, job_id)
    context = {
        "job": job,
        "may_steer": _may_steer(request, job),
        "failures": job.items.filter(state="failed")[:200],
        "skips": job.items.filter(state="skipped")[:200],
    }
    template = "bulk/job.html#progress" if request.htmx else "bulk/job.html"
    return render(request, template, context)


@editor_required
@require_POST
def bulk_job_cancel(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_for(request, job_id)
    if not _may_steer(request, job):
        raise PermissionDenied("Only the member who started a job, or an admin, may cancel it.")
    if services.bulk_job_cancel(job):
        messages.success(request, f"Cancelling bulk job #{job.pk}: the groups in flight finish.")
    else:
        messages.info(request, f"Bulk job #{job.pk} had already finished.")
    return HttpResponseRedirect(reverse("bulk:job", args=[job.pk]))


@editor_required
@require_POST
def bulk_job_resume(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_for(request, job_id)
    if not _may_steer(request, job):
        raise PermissionDenied("Only the member who started a job, or an admin, may resume it.")
    services.bulk_job_resume(job)
    return HttpResponseRedirect(reverse("bulk:job", args=[job.pk]))


CSV_COLUMNS = (
    "group id",
    "group",
    "outcome",
    "note",
    "error",
    "request id",
    "new group id",
    "before",
    "after",
)


@editor_required
@require_safe
def bulk_job_csv(request: HttpRequest, job_id: int) -> HttpResponse:
    """Every item of the job: what changed, what failed and why."""
    job = _job_for(request, job_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for item in job.items.order_by("position").iterator():
        row = (
            item.group_id,
            item.group_name,
            item.get_state_display(),
            item.note,
            item.error,
            item.request_id,
            item.new_group_id,
            json.dumps(item.before) if item.before is not None else "",
            json.dumps(item.after) if item.after is not None else "",
        )
        # A cell starting with = + - @ would be a formula in a spreadsheet.
        writer.writerow(["'" + c if c[:1] in ("=", "+", "-", "@") else c for c in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"bulk-job-{job.pk}.csv")
    return response


@editor_required
@require_POST
def bulk_job_revert(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_for(request, job_id)
    try:
        revert = services.bulk_job_revert(request.user, job)
    except ActionRefused as refused:
        messages.error(request, str(refused))
        return HttpResponseRedirect(reverse("bulk:job", args=[job.pk]))
    return HttpResponseRedirect(reverse("bulk:job", args=[revert.pk]))


@editor_required
@require_POST
def audit_entry_revert(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = get_object_or_404(AuditEntry, pk=entry_id)
    try:
        revert = services.audit_entry_revert(request.user, entry)
    except ActionRefused as refused:
        messages.error(request, str(refused))
        return HttpResponseRedirect(request.POST.get("next") or reverse("audit:log"))
    return HttpResponseRedirect(reverse("bulk:job", args=[revert.pk]))
