"""The audit log: append-only, the admins' filterable page, read-only in the back office."""

import pytest
from django.urls import reverse

from kantata_admin.audit.models import Action, AppendOnlyError, AuditEntry, Outcome
from kantata_admin.audit.services import audit_record
from kantata_admin.connections.models import KantataConnection

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(editor, team_admin):
    # The admin looks from Kantata account 42: the log shows that account's group entries.
    KantataConnection.objects.create(
        user=team_admin, kantata_user_id="u-42", account_id="42", access_token_encrypted="-"
    )
    return [
        audit_record(
            actor=editor,
            action=Action.GROUP_UPDATE,
            account_id="42",
            group_id="7",
            group_name="Acme Retail",
            changes={
                "fields": {"email": {"before": "a@x.test", "after": "b@x.test"}},
                "workspaces_added": ["Website relaunch"],
                "workspaces_removed": [],
            },
        ),
        audit_record(
            actor=editor,
            action=Action.GROUP_DELETE,
            account_id="42",
            group_id="8",
            group_name="Globex Travel",
            outcome=Outcome.ERROR,
            error="503 on DELETE /workspace_groups/8.json",
            request_id="req-123",
        ),
        audit_record(actor=team_admin, action=Action.ROLE_CHANGE, changes={"member": "x@y"}),
    ]


def test_entries_cannot_be_changed_or_deleted(entries):
    entry = entries[0]
    entry.group_name = "forged"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(group_name="forged")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).group_name == "Acme Retail"


def test_entries_outlive_the_member_who_acted(entries, editor):
    editor.delete()
    entry = AuditEntry.objects.get(pk=entries[0].pk)
    assert entry.actor is None and entry.actor_email == "editor@team.test"


def test_the_log_shows_who_what_and_the_upstream_result(entries, team_admin, login):
    page = login(team_admin).get(reverse("audit:log"))
    assert page.status_code == 200
    text = page.text
    assert "Acme Retail" in text and "Group changed" in text
    assert "<del>a@x.test</del> → <ins>b@x.test</ins>" in text
    assert "Website relaunch" in text
    assert "req-123" in text and "503 on DELETE" in text
    assert "account 42" in text


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"action": "group_delete"}, "Globex Travel", "Acme Retail"),
        ({"outcome": "error"}, "Globex Travel", "Acme Retail"),
        ({"group": "7"}, "Acme Retail", "Globex Travel"),
        ({"group": "globex"}, "Globex Travel", "Acme Retail"),
        ({"actor": "admin@team"}, "Role changed", "Acme Retail"),
    ],
)
def test_the_log_filters(entries, team_admin, login, query, shown, hidden):
    page = login(team_admin).get(reverse("audit:log"), query)
    assert shown in page.text and hidden not in page.text


def test_a_bad_filter_says_so_instead_of_failing(entries, team_admin, login):
    page = login(team_admin).get(reverse("audit:log"), {"since": "2026-02-30", "action": "nope"})
    assert page.status_code == 400
    assert "Enter a valid date." in page.text
    assert "Select a valid choice." in page.text


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_only_admins_see_the_log(make_member, login, role):
    member = make_member(role)
    client = login(member)
    assert client.get(reverse("audit:log")).status_code == 403
    assert reverse("audit:log") not in client.get(reverse("dashboard")).text


def test_admins_find_it_in_the_navigation(team_admin, login):
    assert 'href="/audit/"' in login(team_admin).get(reverse("dashboard")).text


def test_the_back_office_shows_entries_read_only(entries, team_admin, login):
    client = login(team_admin)
    entry = entries[0]
    change_url = reverse("admin:audit_auditentry_change", args=[entry.pk])
    listing = client.get(reverse("admin:audit_auditentry_changelist"))
    assert listing.status_code == 200 and "Acme Retail" in listing.text
    page = client.get(change_url)
    assert page.status_code == 200 and 'name="_save"' not in page.text
    assert client.post(change_url, {"group_name": "forged"}).status_code == 403
    delete_url = reverse("admin:audit_auditentry_delete", args=[entry.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).group_name == "Acme Retail"


def test_the_log_pages_keep_the_filters(entries, team_admin, login):
    for number in range(55):
        audit_record(
            actor=team_admin,
            action=Action.GROUP_CREATE,
            account_id="42",
            group_name=f"Group {number}",
        )
    client = login(team_admin)
    first = client.get(reverse("audit:log"), {"action": "group_create"})
    assert "Page 1 of 2" in first.text
    assert 'href="?action=group_create&amp;page=2"' in first.text
    second = client.get(reverse("audit:log"), {"action": "group_create", "page": 2})
    assert "Group 0<" in second.text and "Group 54<" not in second.text


def test_the_log_shows_group_entries_of_the_viewers_account_only(entries, team_admin, login):
    audit_record(
        actor=None, action=Action.GROUP_DELETE, account_id="99", group_id="7", group_name="x"
    )
    shown = login(team_admin).get(reverse("audit:log")).context["page"].object_list
    assert sorted(e.pk for e in shown) == sorted(e.pk for e in entries)
