"""Custom field values read as Kantata documents them (issue 16): the list's custom-field
columns, the detail page, the edit form and the stale guard work against a service that
ignores workspace groups' `include=custom_field_values` (Kantata's description, and the
sandbox's default) and against one that answers it (the one-call fast path), with the
upstream calls of a list render counted; and a field the member may not change is shown
read-only and never sent."""

import re

import pytest
from django.urls import reverse

from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.services import connection_save_checked
from kantata_admin.groups.custom_inputs import input_name, shown_token
from kantata_admin.kantata import CustomFieldValueInput, KantataClient, track_calls
from tests.conftest import clear_cache
from tests.groups.browse_fixtures import listed_ids
from tests.groups.edit_fixtures import FAST_RETRIES
from tests.sandbox_harness import ADMIN_EMAIL, EDITOR_EMAIL, unique_name

pytestmark = pytest.mark.django_db

SERVERS = {"documented": "sandbox", "fast path": "sandbox_group_values"}


@pytest.fixture(params=list(SERVERS))
def server(request, settings):
    """Each test runs on both: the sandbox as Kantata documents groups, and one answering
    the values include. The dashboard is pointed at it; caches start empty."""
    server = request.getfixturevalue(SERVERS[request.param])
    settings.KANTATA_API_URL = server.api_url
    settings.KANTATA_OAUTH_URL = server.oauth_url
    clear_cache()  # this run's keys only: cache.clear() is FLUSHDB on Redis
    return server


@pytest.fixture
def api(server) -> KantataClient:
    return KantataClient(server.token(ADMIN_EMAIL), base_url=server.api_url, retry=FAST_RETRIES)


@pytest.fixture
def member(server, make_member, login):
    """A signed-in editor connected as the sandbox's administrator."""
    editor = make_member("editor")
    connection_save_checked(editor, TokenGrant(server.token(ADMIN_EMAIL)))
    return login(editor)


@pytest.fixture
def fields(api) -> dict:
    page = api.custom_fields.list()
    return {field.name: field for field in page}


@pytest.fixture
def group(api, fields):
    """A new group holding a text and a choice value; deleted afterwards."""
    made = api.workspace_groups.create({"name": unique_name("Values read")})
    industry = fields["Industry"]
    api.custom_field_values.create(
        [
            CustomFieldValueInput(made.id, fields["Account tier"].id, "Gold"),
            CustomFieldValueInput(made.id, industry.id, (industry.choice_ids[1],)),
        ]
    )
    yield made
    api.workspace_groups.delete(made.id)


def _fast(server) -> bool:
    return server.extra_env.get("KANTATA_SANDBOX_GROUP_VALUES_INCLUDE") == "true"


def test_list_calls_per_render_and_the_custom_columns_values(server, member, api, fields):
    """1 call without custom fields shown; 2 with them (the page, then its values), or 1
    where the answer carries the values."""
    industry, tier = fields["Industry"], fields["Account tier"]
    member.get(reverse("groups:list"))  # fills the custom-field cache
    with track_calls() as plain:
        member.get(reverse("groups:list"))
    with track_calls() as columns:
        body = member.get(reverse("groups:list"), {"columns": [industry.id, tier.id]}).text

    assert [c.path for c in plain.calls] == ["/workspace_groups.json"]
    expected_calls = ["/workspace_groups.json"]
    if not _fast(server):
        expected_calls.append("/custom_field_values.json")
        (values_call,) = [c for c in columns.calls if c.path == "/custom_field_values.json"]
        assert values_call.method == "GET"
    assert [c.path for c in columns.calls] == expected_calls

    ids = listed_ids(body)
    assert len(ids) == 20
    shown = api.custom_field_values.iter_all(subject_ids=ids, custom_field_ids=[industry.id])
    expected = {v.subject_id: v.display_value for v in shown}
    cells = re.findall(r'<td data-label="Industry">\s*(.*?)\s*</td>', body, re.S)
    assert dict(zip(ids, cells, strict=True)) == {i: expected.get(i, "") for i in ids}
    assert any(cells)


def test_the_detail_page_shows_the_groups_values(server, member, group, fields):
    with track_calls() as calls:
        body = member.get(reverse("groups:detail", args=[group.id])).text
    assert len(calls.calls) == (1 if _fast(server) else 2)
    industry = fields["Industry"]
    label = next(c.label for c in industry.choices if c.id == industry.choice_ids[1])
    assert "<dt>Account tier</dt><dd>Gold</dd>" in body
    assert f"<dt>Industry</dt><dd>{label}</dd>" in body


def test_the_edit_form_is_filled_and_the_stale_guard_sees_a_value_changed(
    server, member, api, group, fields
):
    page = member.get(reverse("groups:edit", args=[group.id]))
    tier = fields["Account tier"]
    assert page.context["form"].initial[f"custom_{tier.id}"] == "Gold"
    opened = page.context["form"].initial["opened"]
    specs = page.context["form"].custom_fields
    # Someone changes the value meanwhile (a create overrides it, as Kantata documents).
    api.custom_field_values.create([CustomFieldValueInput(group.id, tier.id, "Theirs")])
    data = {
        "name": group.name,
        "opened": opened,
        "custom_fields_shown": shown_token(specs),
        f"custom_{tier.id}": "Mine",
        f"custom_{fields['Industry'].id}": fields["Industry"].choice_ids[1],
    }
    response = member.post(reverse("groups:edit", args=[group.id]), data)
    assert response.status_code == 409
    assert response.context["conflicts"] == [
        {"label": "Account tier", "opened": "Gold", "current": "Theirs", "typed": "Mine"}
    ]
    held = {v.custom_field_id: v.value for v in api.custom_field_values.for_group(group.id)}
    assert held[tier.id] == "Theirs"


def test_a_field_the_member_may_not_change_is_read_only_and_never_sent(
    sandbox, settings, make_member, login
):
    """The sandbox's "Contract start" needs Kantata's account_admin to change
    (`write_access`); a project lead sees it read-only with the reason, and a save
    sends only the fields they may change."""
    settings.KANTATA_API_URL = sandbox.api_url
    clear_cache()  # this run's keys only: cache.clear() is FLUSHDB on Redis
    api = KantataClient(sandbox.token(ADMIN_EMAIL), base_url=sandbox.api_url)
    fields = {field.name: field for field in api.custom_fields.list()}
    start, tier = fields["Contract start"], fields["Account tier"]
    assert (start.write_access, tier.write_access) == ("account_admin", "project_lead")
    made = api.workspace_groups.create({"name": unique_name("Read only")})
    try:
        api.custom_field_values.create([CustomFieldValueInput(made.id, start.id, "2026-02-01")])
        editor = make_member("editor")
        connection_save_checked(editor, TokenGrant(sandbox.token(EDITOR_EMAIL)))
        client = login(editor)
        page = client.get(reverse("groups:edit", args=[made.id]))
        form = page.context["form"]
        spec = next(s for s in form.custom_fields if s.id == start.id)
        assert spec.read_only.startswith("Read only: in Kantata OX only members with")
        assert form.fields[input_name(spec)].disabled
        assert re.search(rf'name="custom_{start.id}"[^>]*disabled', page.text)
        assert "Account admin" in page.text
        data = {
            "name": made.name,
            "opened": form.initial["opened"],
            "custom_fields_shown": form.initial["custom_fields_shown"],
            f"custom_{start.id}": "2030-01-01",  # forged: the input was disabled
            f"custom_{tier.id}": "Silver",
        }
        with track_calls() as calls:
            response = client.post(reverse("groups:edit", args=[made.id]), data)
        assert response.status_code == 302, response.context["form"].errors
        writes = [c for c in calls.calls if c.method != "GET"]
        assert [(c.method, c.path) for c in writes] == [("POST", "/custom_field_values.json")]
        held = {v.custom_field_id: v.value for v in api.custom_field_values.for_group(made.id)}
        assert held == {start.id: "2026-02-01", tier.id: "Silver"}
    finally:
        api.workspace_groups.delete(made.id)
