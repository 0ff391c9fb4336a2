"""Other accounts' attempts never enter a group's history (issue 14, defect 5): every group
entry records the Kantata account it was made in, a group's history and the audit log show
only the viewer's own account, and a 404 says the group is not in the member's account."""

from django.test import Client
from django.urls import reverse

from kantata_admin.audit.models import Action, AuditEntry
from kantata_admin.groups.changes import GroupValues
from kantata_admin.groups.services import workspace_group_create
from kantata_admin.kantata import WorkspaceGroup
from tests.sandbox_harness import EDITOR_EMAIL, OTHER_ACCOUNT_EMAIL, unique_name


def _signed_in(member) -> Client:
    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_another_accounts_delete_attempt_stays_out_of_the_groups_history(
    connect, make_member, kantata, group: WorkspaceGroup
):
    acme = make_member("admin", "acme@team.test")
    acme_account = connect(acme).account_id
    globex = make_member("editor", "globex@team.test")
    globex_account = connect(globex, OTHER_ACCOUNT_EMAIL).account_id
    assert acme_account != globex_account
    # One change of the group's own account, through the dashboard.
    acme_page = _signed_in(acme)
    acme_page.post(
        reverse("groups:edit", args=[group.id]),
        {
            "name": group.name,
            "email": "after@example.test",
            "workspaces": [w.id for w in group.workspaces or ()],
            "opened": acme_page.get(reverse("groups:edit", args=[group.id]))
            .context["form"]
            .initial["opened"],
        },
    )

    attempt = _signed_in(globex).post(
        reverse("groups:delete", args=[group.id]), {"name": "a guess"}, follow=True
    )

    assert "“a guess” was not found in your Kantata OX account" in attempt.text
    assert "already been deleted elsewhere" not in attempt.text
    tried = AuditEntry.objects.get(action=Action.GROUP_DELETE)
    assert (tried.account_id, tried.group_id) == (globex_account, group.id)
    edited = AuditEntry.objects.get(action=Action.GROUP_UPDATE)
    assert edited.account_id == acme_account
    detail = acme_page.get(reverse("groups:detail", args=[group.id])).text
    assert "Group changed" in detail and "Group deleted" not in detail
    log = acme_page.get(reverse("audit:log")).context["page"].object_list
    assert [e.action for e in log if e.group_id == group.id] == [Action.GROUP_UPDATE]
    assert kantata.workspace_groups.get(group.id).email == "after@example.test"


def test_a_group_write_records_the_actors_account_when_none_is_given(connect, editor, kantata):
    account = connect(editor, EDITOR_EMAIL).account_id
    group = workspace_group_create(
        client=kantata, actor=editor, values=GroupValues(name=unique_name())
    )
    try:
        assert AuditEntry.objects.get(action=Action.GROUP_CREATE).account_id == account
    finally:
        kantata.workspace_groups.delete(group.id)
