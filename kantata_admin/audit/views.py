from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from kantata_admin.accounts.permissions import admin_required
from kantata_admin.audit.forms import AuditFilterForm
from kantata_admin.audit.selectors import audit_entry_list, viewer_account_id

PER_PAGE = 50


@never_cache
@require_safe
@admin_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Every change made through the dashboard, newest first, filterable; admins only."""
    form = AuditFilterForm(request.GET or None)
    entries = audit_entry_list(form.filters(), account_id=viewer_account_id(request.user))
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "audit/log.html", {"form": form, "page": page}, status=status)
