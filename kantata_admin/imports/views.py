"""The import pages (issue 20): upload a CSV file, see its dry run (counts per class, a
filter by class, a download), apply it as a bulk job. For editors and admins; a run is
readable only by its uploader and the team's admins (anyone else gets a 404, as for a run
that does not exist). Every page works without JavaScript; htmx swaps the table only."""

from __future__ import annotations

import csv
import io
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from kantata_admin.accounts.models import Role
from kantata_admin.bulk.actions import ActionRefused
from kantata_admin.connections.services import client_and_connection
from kantata_admin.groups import selectors
from kantata_admin.groups.export import neutralise
from kantata_admin.groups.problems import problem_for
from kantata_admin.imports import services
from kantata_admin.imports.dry_run import KINDS
from kantata_admin.imports.models import ImportRow, ImportRun
from kantata_admin.imports.reading import MAX_BYTES, MAX_ROWS, FileRefused
from kantata_admin.imports.uploads import TOO_LARGE, cap_upload
from kantata_admin.kantata import AuthenticationError, KantataError
from kantata_admin.permissions import editor_required

ROWS_PER_PAGE = 100
KIND_LABELS = dict(ImportRow.Kind.choices)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=(
            f"UTF-8 (with or without BOM), comma or semicolon separated, up to "
            f"{MAX_ROWS:,} rows and {MAX_BYTES // (1024 * 1024)} MB."
        ),
        error_messages={"required": "Choose a CSV file to upload."},
    )


def _run_for(request: HttpRequest, run_id: int) -> ImportRun:
    """The run, if this member may read it: its uploader or an admin."""
    run = ImportRun.objects.select_related("job").filter(pk=run_id, checked=True).first()
    if run is None or not (run.uploader_id == request.user.pk or request.user.has_role(Role.ADMIN)):
        raise Http404("No such import.")
    return run


def _recent(request: HttpRequest) -> Any:
    runs = ImportRun.objects.select_related("job", "uploader").filter(checked=True)
    if not request.user.has_role(Role.ADMIN):
        runs = runs.filter(uploader=request.user)
    return runs[:20]


def _upload_page(request: HttpRequest, form: UploadForm, status: int = 200, **extra: Any):
    context = {"form": form, "runs": _recent(request), "max_rows": MAX_ROWS, **extra}
    return render(request, "imports/upload.html", context, status=status)


@csrf_exempt  # checked by _import_upload, once the upload's handlers are in place
@editor_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST (multipart, field `file`): read the file, dry-run it, show it.
    The file is read no further than the import can take (uploads.CappedUpload)."""
    cap_upload(request)
    return _import_upload(request)


@csrf_protect
def _import_upload(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _upload_page(request, UploadForm())
    form = UploadForm(request.POST, request.FILES)
    too_large = request.upload_too_large or (
        "file" in request.FILES and (request.FILES["file"].size or 0) > MAX_BYTES
    )
    if too_large:
        return _upload_page(request, UploadForm(), 400, problems=[TOO_LARGE])
    if not form.is_valid():
        return _upload_page(request, form, 400)
    upload = form.cleaned_data["file"]
    data = upload.read(MAX_BYTES + 1)
    client, connection = client_and_connection(request.user)
    try:
        fields = selectors.group_custom_fields(client, selectors.account_key(connection))
        run = services.import_check(
            request.user,
            client=client,
            account_id=connection.account_id or "",
            custom_fields=fields,
            filename=upload.name or "",
            data=data,
        )
    except FileRefused as refused:
        return _upload_page(request, form, 400, problems=refused.problems)
    except AuthenticationError:
        raise
    except KantataError as error:
        problem = problem_for(error, writing=False, doing="load")
        return _upload_page(request, form, problem.status, problem=problem)
    return HttpResponseRedirect(reverse("imports:run", args=[run.pk]))


def _kind(request: HttpRequest) -> str:
    kind = request.GET.get("show", "")
    return kind if kind in KINDS else ""


@editor_required
@require_safe
@vary_on_headers("HX-Request")
def import_run(request: HttpRequest, run_id: int) -> HttpResponse:
    """The dry run: counts per class, the rows of one class (or all), 100 a page."""
    run = _run_for(request, run_id)
    kind = _kind(request)
    rows = run.rows.all()
    if kind:
        rows = rows.filter(kind=kind)
    page = Paginator(rows.order_by("line"), ROWS_PER_PAGE).get_page(request.GET.get("page"))
    filters = [{"kind": k, "label": KIND_LABELS[k], "count": run.counts.get(k, 0)} for k in KINDS]
    context = {
        "run": run,
        "kind": kind,
        "kind_label": KIND_LABELS.get(kind, ""),
        "page": page,
        "filters": filters,
        "applied": run.job_id is not None,
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "imports/run.html#rows" if partial else "imports/run.html"
    return render(request, template, context)


CSV_HEADER = ("row", "class", "id", "name", "changes", "problem")


@editor_required
@require_safe
def import_run_csv(request: HttpRequest, run_id: int) -> HttpResponse:
    """The dry run as CSV, for a spreadsheet (cells that would run are neutralised)."""
    run = _run_for(request, run_id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in run.rows.order_by("line").iterator(chunk_size=1000):
        changes = "; ".join(f"{what}: {before} → {after}" for what, before, after in row.changes)
        cells = [str(row.line), row.kind, row.group_id, row.name, changes, row.error]
        writer.writerow([neutralise(cell) for cell in cells])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, f"import-{run.pk}-dry-run.csv"
    )
    return response


@editor_required
@require_POST
def import_apply(request: HttpRequest, run_id: int) -> HttpResponse:
    """Apply the dry run's creates and updates as a bulk job; its page shows the rest."""
    run = _run_for(request, run_id)
    _client, connection = client_and_connection(request.user)
    try:
        job = services.import_apply(request.user, run, account_id=connection.account_id or "")
    except ActionRefused as refused:
        messages.error(request, str(refused))
        return HttpResponseRedirect(reverse("imports:run", args=[run.pk]))
    return HttpResponseRedirect(reverse("bulk:job", args=[job.pk]))


@editor_required
@require_POST
def import_discard(request: HttpRequest, run_id: int) -> HttpResponse:
    """Forget a dry run that was not applied (its rows go with it)."""
    run = _run_for(request, run_id)
    if run.job_id is None:
        run.delete()
    return HttpResponseRedirect(reverse("imports:upload"))
