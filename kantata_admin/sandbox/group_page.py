"""The sandbox's own page of a workspace group, where the dashboard's "Open in Kantata OX"
link leads when it runs against the sandbox (Kantata serves its groups' pages on the
account's web host; the sandbox serves the same path on its origin)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from kantata_admin.sandbox import browser_session
from kantata_admin.sandbox.models import WorkspaceGroup


@login_not_required
@never_cache
@require_safe
def group_page(request: HttpRequest, group_id: int) -> HttpResponse:
    """The group as the signed-in sandbox user's account holds it; another account's group,
    or none, is "not found", as Kantata's API answers."""
    user = browser_session.signed_in_user(request)
    if user is None:
        query = urlencode({"next": request.path})
        return HttpResponseRedirect(f"{reverse('sandbox:signin')}?{query}")
    group = (
        WorkspaceGroup.objects.filter(account=user.account, pk=group_id)
        .prefetch_related("workspaces")
        .first()
    )
    status = 200 if group is not None else 404
    context = {"user": user, "group": group, "group_id": group_id}
    return render(request, "sandbox/group.html", context, status=status)
