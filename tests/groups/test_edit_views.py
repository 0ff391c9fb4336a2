"""The create and edit pages: what is stored upstream, what the member sees, and that
nothing typed is lost on any error."""

import pytest
from django.urls import reverse

from kantata_admin.audit.models import Outcome
from kantata_admin.connections.oauth import TokenGrant, revoke_token
from kantata_admin.connections.services import connection_save_checked
from kantata_admin.kantata import track_calls
from tests.groups.edit_fixtures import group_entries, stored, titles
from tests.sandbox_harness import ADMIN_EMAIL, READONLY_EMAIL

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(connect, editor, login):
    connect(editor)
    return login(editor)


@pytest.fixture
def faulty_editor(kantata_sandbox, fresh_token, editor, login):
    """An editor connected with a token of this test's own, which takes injected faults."""
    connection_save_checked(editor, TokenGrant(fresh_token))
    return login(editor), fresh_token


def _form(name, **extra):
    data = {
        "name": name,
        "notes": "Typed notes",
        "contact_name": "Dana Typed",
        "email": "dana@example.test",
        "phone_number": "+1 555 0100",
        "address": "1 Typed Street",
        "website": "https://typed.example.test",
    }
    return {**data, **extra}


def _edit_form(client, group_id):
    """The edit page's own hidden version field, as a browser would submit it back."""
    page = client.get(reverse("groups:edit", args=[group_id]))
    assert page.status_code == 200
    return page.context["form"].initial


def test_creating_through_the_page_stores_the_group_and_shows_it(
    editor_client, kantata, some_workspaces, unique_name
):
    first, second = some_workspaces[:2]
    data = _form(unique_name, workspaces=[first.id, second.id], company="on")
    with track_calls() as calls:
        response = editor_client.post(reverse("groups:create"), data)
    assert calls.count == 1
    assert response.status_code == 302
    group_id = response["Location"].rstrip("/").split("/")[-1]
    upstream = stored(kantata, group_id)
    assert (upstream.name, upstream.company, upstream.contact_name) == (
        unique_name,
        True,
        "Dana Typed",
    )
    assert titles(upstream) == sorted([first.title, second.title])
    entry = group_entries().get()
    assert entry.group_id == group_id and entry.account_id  # the member's Kantata account
    kantata.workspace_groups.delete(group_id)


def test_a_duplicate_name_shows_kantatas_error_on_the_name_and_keeps_the_rest(
    editor_client, kantata, group
):
    data = _form(group.name.swapcase(), external_reference_service_name="hubspot")
    data |= {
        "external_reference_service_model": "Company",
        "external_reference_service_model_ref": "5",
    }
    response = editor_client.post(reverse("groups:create"), data)
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors["name"] == ["Name has already been taken"]
    html = response.text
    assert 'id="id_name_error"' in html
    for value in ("Dana Typed", "dana@example.test", "1 Typed Street", "hubspot", "Company"):
        assert value in html
    assert group_entries().get().outcome == Outcome.ERROR


def test_the_servers_checks_stand_without_the_browsers(editor_client):
    response = editor_client.post(
        reverse("groups:create"),
        _form("  ", email="not-an-address", external_reference_service_name="x"),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) >= {"name", "email", "external_reference_service_model"}
    assert not group_entries().exists()


def test_editing_removes_a_workspace_and_records_it_by_name(editor_client, kantata, group):
    kept, dropped = group.workspaces
    initial = _edit_form(editor_client, group.id)
    data = {
        "name": group.name,
        "email": "before@example.test",
        "workspaces": [kept.id],
        "workspace_titles": [f"{kept.id}:{kept.title}", f"{dropped.id}:{dropped.title}"],
        "opened": initial["opened"],
    }
    with track_calls() as calls:
        response = editor_client.post(reverse("groups:edit", args=[group.id]), data)
    assert response.status_code == 302, response.context["form"].errors
    assert calls.count == 2
    assert titles(stored(kantata, group.id)) == [kept.title]
    entry = group_entries().get()
    assert entry.changes["workspaces_removed"] == [dropped.title]
    assert entry.changes["fields"] == {}


def test_a_change_made_meanwhile_is_shown_beside_what_was_typed(
    sandbox, admin_token, editor_client, kantata, group
):
    initial = _edit_form(editor_client, group.id)
    sandbox.api(admin_token).put(
        f"{sandbox.api_url}/workspace_groups/{group.id}.json",
        json={"workspace_group": {"name": group.name, "email": "theirs@example.test"}},
    ).raise_for_status()
    data = {
        "name": group.name,
        "email": "mine@example.test",
        "workspaces": [w.id for w in group.workspaces],
        "opened": initial["opened"],
    }
    url = reverse("groups:edit", args=[group.id])
    response = editor_client.post(url, data)
    assert response.status_code == 409
    assert response.context["conflicts"] == [
        {
            "label": "E-mail",
            "opened": "before@example.test",
            "current": "theirs@example.test",
            "typed": "mine@example.test",
        }
    ]
    assert 'value="mine@example.test"' in response.text
    assert stored(kantata, group.id).email == "theirs@example.test"

    # Saving again from this page (its version is now the current one) overwrites.
    data["opened"] = response.context["form"].data["opened"]
    assert editor_client.post(url, data).status_code == 302
    assert stored(kantata, group.id).email == "mine@example.test"


def test_a_503_keeps_the_form_filled(sandbox, faulty_editor, unique_name):
    client, token = faulty_editor
    sandbox.fault(token, kind="503")
    response = client.post(reverse("groups:create"), _form(unique_name))
    sandbox.clear_faults(token)
    assert response.status_code == 503
    assert "Kantata OX is unavailable right now. Nothing was saved" in response.text
    assert "Request id:" in response.text
    for value in (unique_name, "Dana Typed", "dana@example.test", "https://typed.example.test"):
        assert value in response.text


def test_a_429_keeps_the_form_filled(sandbox, faulty_editor, unique_name):
    client, token = faulty_editor
    # Longer than the client will wait (max_retry_after), so it gives up at once.
    sandbox.fault(token, kind="429", retry_after=30)
    response = client.post(reverse("groups:create"), _form(unique_name))
    sandbox.clear_faults(token)
    assert response.status_code == 429
    assert "wait about 30 seconds" in response.text
    assert "Dana Typed" in response.text


def test_kantata_refusing_the_user_says_so(kantata_sandbox, editor, login, group, _connect_tokens):
    connection_save_checked(editor, TokenGrant(_connect_tokens(READONLY_EMAIL)))
    client = login(editor)
    initial = _edit_form(client, group.id)
    data = {"name": group.name, "notes": "mine", "opened": initial["opened"]}
    data["workspaces"] = initial["workspaces"]
    response = client.post(reverse("groups:edit", args=[group.id]), data)
    assert response.status_code == 403
    assert "Your Kantata account may not change this group." in response.text
    assert "mine</textarea>" in response.text


def test_a_revoked_token_keeps_the_typed_form_for_after_reconnecting(
    kantata_sandbox, editor, login, unique_name
):
    answer = kantata_sandbox.token_answer(ADMIN_EMAIL)
    connection_save_checked(editor, TokenGrant.from_answer(answer))
    client = login(editor)
    assert revoke_token(answer["access_token"], hint="access_token")

    response = client.post(reverse("groups:create"), _form(unique_name))
    assert "<h1>Reconnect Kantata OX</h1>" in response.text
    assert not group_entries().exists()

    # Back on the page (after reconnecting), the form holds what was typed, once.
    again = client.get(reverse("groups:create"))
    assert "What you typed before reconnecting is back" in again.text
    for value in (unique_name, "Dana Typed", "1 Typed Street"):
        assert value in again.text
    assert unique_name not in client.get(reverse("groups:create")).text


def test_the_workspace_search_leaves_out_picked_ones_in_one_call(editor_client, some_workspaces):
    wanted, picked = some_workspaces[0], some_workspaces[1]
    url = reverse("groups:workspace_search")
    with track_calls() as calls:
        found = editor_client.get(
            url, {"q": wanted.title, "workspaces": [picked.id]}, headers={"HX-Request": "true"}
        )
    assert calls.count == 1
    assert found.status_code == 200 and "<html" not in found.text
    assert f'id="result-{wanted.id}"' in found.text
    assert f'id="result-{picked.id}"' not in found.text

    # Adding one answers its ticked chip, and drops it from the results, with no call.
    with track_calls() as calls:
        chip = editor_client.get(url, {"pick": wanted.id, "title": wanted.title})
    assert calls.count == 0
    assert f'name="workspaces" value="{wanted.id}" checked' in chip.text
    assert f'<li id="result-{wanted.id}" hx-swap-oob="delete">' in chip.text


def test_the_search_button_without_javascript_keeps_the_typed_form_and_saves_nothing(
    editor_client, some_workspaces, unique_name
):
    wanted, picked = some_workspaces[0], some_workspaces[1]
    data = _form(unique_name, workspaces=[picked.id], q=wanted.title, search_workspaces="1")
    data["name"] = ""  # not checked: a search is not a save
    with track_calls() as calls:
        page = editor_client.post(reverse("groups:create"), data)
    assert [c.method for c in calls.calls] == ["GET"]
    assert page.status_code == 200 and not page.context["form"].errors
    for kept in ("Dana Typed", "1 Typed Street", f'value="{wanted.title}"'):
        assert kept in page.text
    # The match is a checkbox of the form; the picked one stays ticked, not offered again.
    assert f'<input type="checkbox" name="workspaces" value="{wanted.id}">' in page.text
    assert f'name="workspaces" value="{picked.id}" checked' in page.text
    assert f'id="result-{picked.id}"' not in page.text
    assert not group_entries().exists()


def test_a_search_that_fails_upstream_says_so_in_the_results(sandbox, faulty_editor):
    client, token = faulty_editor
    sandbox.fault(token, kind="503", count=6)
    found = client.get(reverse("groups:workspace_search"), {"q": "web"})
    sandbox.clear_faults(token)
    assert found.status_code == 200
    assert "Kantata OX is unavailable right now" in found.text


def test_editing_a_group_deleted_elsewhere_says_so(editor_client, kantata, group):
    kantata.workspace_groups.delete(group.id)
    page = editor_client.get(reverse("groups:edit", args=[group.id]))
    assert page.status_code == 404
    assert "was not found in your Kantata OX account" in page.text


def test_an_impossible_group_id_is_not_found_rather_than_a_crash(editor_client):
    page = editor_client.get(reverse("groups:edit", args=[2**70]))
    assert page.status_code == 404 and "Group not found" in page.text


def test_kantata_down_while_opening_the_form_says_so(sandbox, faulty_editor, group):
    client, token = faulty_editor
    sandbox.fault(token, kind="503", count=6)
    page = client.get(reverse("groups:edit", args=[group.id]))
    sandbox.clear_faults(token)
    assert page.status_code == 503
    assert "Kantata OX is unavailable right now. Load again in a moment." in page.text


def test_a_browsers_line_breaks_are_not_a_change(editor_client, kantata, unique_name):
    """Browsers send a textarea's line breaks as CRLF; Kantata keeps the LF it was given.
    Saving such a form with only the phone changed writes and records only the phone."""
    created = kantata.workspace_groups.create(
        {"name": unique_name, "notes": "Line one\nLine two", "address": "1 Street\nTown"}
    )
    initial = _edit_form(editor_client, created.id)
    data = {
        "name": created.name,
        "notes": "Line one\r\nLine two",
        "address": "1 Street\r\nTown",
        "phone_number": "+1 555 0199",
        "opened": initial["opened"],
    }
    response = editor_client.post(reverse("groups:edit", args=[created.id]), data)
    assert response.status_code == 302, response.context["form"].errors
    after = stored(kantata, created.id)
    assert (after.notes, after.address, after.phone_number) == (
        "Line one\nLine two",
        "1 Street\nTown",
        "+1 555 0199",
    )
    assert list(group_entries().get().changes["fields"]) == ["phone_number"]
    kantata.workspace_groups.delete(created.id)
