"""The bulk flow through the dashboard's pages (Django's test client, the sandbox over
HTTP, the job run in this process)."""

import csv
import io
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from kantata_admin.bulk.models import BulkJob, ItemState, JobState
from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.services import connection_save_checked
from tests.bulk.conftest import run_here
from tests.bulk.helpers import custom_field
from tests.sandbox_harness import READONLY_EMAIL

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def named(own_groups):
    return own_groups(4)


def test_viewers_never_see_or_reach_the_controls(
    client, login, make_member, bulk_env, bulk_tokens, named
):
    viewer = make_member("viewer", "bulk-viewer@team.test")
    connection_save_checked(viewer, TokenGrant(bulk_tokens.pop()))
    login(viewer)
    prefix, made = named
    page = client.get(reverse("groups:list"), {"matching": prefix})
    assert page.status_code == 200
    assert b"bulk-select" not in page.content and b'name="ids"' not in page.content
    assert client.get(reverse("bulk:new"), {"ids": made[0].id}).status_code == 403
    assert client.post(reverse("bulk:preview"), {"ids": made[0].id}).status_code == 403


def test_tick_preview_confirm_progress_and_summary(client, login, starter, api, named):
    login(starter)
    prefix, made = named
    page = client.get(reverse("groups:list"), {"matching": prefix})
    html = page.content.decode()
    assert f'value="{made[0].id}" form="bulk-select"' in html
    assert "Change all 4 matching" in html

    field = custom_field(api, "number")
    ticked = [made[0].id, made[2].id]
    step = client.get(reverse("bulk:new"), {"ids": ticked, "action": "set_custom"})
    assert step.status_code == 200
    form = step.content.decode()
    # Only the inputs this action needs.
    assert 'name="field_id"' in form and 'name="value"' in form
    assert 'name="workspace_id"' not in form and 'name="field"' not in form

    refused = client.post(
        reverse("bulk:preview"),
        {"ids": ticked, "action": "set_custom", "field_id": field.id, "value": ""},
    )
    assert refused.status_code == 400 and b"Give a value" in refused.content

    preview = client.post(
        reverse("bulk:preview"),
        {"ids": ticked, "action": "set_custom", "field_id": field.id, "value": "42"},
    )
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "<strong>2</strong> groups" in text
    assert text.count('class="verdict-change"') == 2
    token = preview.context["token"]

    started = client.post(reverse("bulk:start"), {"token": token})
    job = BulkJob.objects.get()
    assert started.url == reverse("bulk:job", args=[job.pk])
    assert job.total == 2 and job.starter == starter
    run_here(job.pk)
    progress = client.get(started.url)
    assert b"Done" in progress.content and b'id="count-done">2<' in progress.content
    fragment = client.get(started.url, headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<section id="progress"')

    summary = client.get(reverse("bulk:csv", args=[job.pk]))
    rows = list(csv.reader(io.StringIO(summary.content.decode())))
    assert rows[0][:3] == ["group id", "group", "outcome"]
    assert sorted(r[0] for r in rows[1:]) == sorted(ticked)
    assert {r[2] for r in rows[1:]} == {"Changed"}
    # A preview cannot be replayed by someone else, nor tampered with.
    assert client.post(reverse("bulk:start"), {"token": token + "x"}).status_code == 302
    assert BulkJob.objects.count() == 1


def test_all_matching_is_walked_once_and_frozen(client, login, starter, api, named):
    login(starter)
    prefix, made = named
    query = urlencode({"matching": prefix})
    preview = client.post(
        reverse("bulk:preview"),
        {"all": "1", "filter": query, "action": "set_field", "field": "notes", "value": "hi"},
    )
    assert preview.status_code == 200 and b"<strong>4</strong> groups" in preview.content
    # A group made after the preview is not in the job: the selection was frozen.
    late = api.workspace_groups.create({"name": f"{prefix} late"})
    made.append(late)
    client.post(reverse("bulk:start"), {"token": preview.context["token"]})
    job = BulkJob.objects.get()
    assert job.total == 4 and job.selection == {"filter": query, "count": 4}
    assert late.id not in set(job.items.values_list("group_id", flat=True))


def test_cancel_leaves_the_rest(client, login, starter, api, named):
    login(starter)
    _, made = named
    preview = client.post(
        reverse("bulk:preview"),
        {"ids": [g.id for g in made], "action": "set_field", "field": "notes", "value": "x"},
    )
    client.post(reverse("bulk:start"), {"token": preview.context["token"]})
    job = BulkJob.objects.get()
    page = client.post(reverse("bulk:cancel", args=[job.pk]))
    assert page.status_code == 302
    job = run_here(job.pk)
    assert job.state == JobState.CANCELLED
    assert set(job.items.values_list("state", flat=True)) == {ItemState.CANCELLED}
    assert all(api.workspace_groups.get(g.id).notes in ("", None) for g in made)


def test_the_preview_marks_groups_the_members_kantata_user_may_not_change(
    client, login, make_member, bulk_env, bulk_sandbox, named
):
    # A dashboard editor whose Kantata user is a collaborator (read-only in Kantata).
    member = make_member("editor", "bulk-collaborator@team.test")
    connection_save_checked(member, TokenGrant(bulk_sandbox.token(READONLY_EMAIL)))
    login(member)
    _, made = named
    preview = client.post(
        reverse("bulk:preview"),
        {"ids": [g.id for g in made], "action": "set_field", "field": "notes", "value": "x"},
    )
    assert preview.status_code == 200
    text = preview.content.decode()
    assert text.count('class="verdict-refused"') == 4
    assert "your Kantata OX user may not change this group" in text
