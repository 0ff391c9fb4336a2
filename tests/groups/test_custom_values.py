"""Custom field values on the group form: every type written and read back from the
sandbox, the calls each kind of save makes (counted), Kantata's 422 on its input with the
group's own part saved, clearing, the stale guard, and the audit diff by field name."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from kantata_admin.audit.models import Action, Outcome
from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.services import connection_save_checked
from kantata_admin.groups.changes import GroupValues
from kantata_admin.groups.custom_inputs import shown_token
from kantata_admin.groups.custom_value_reads import group_with_custom_values
from kantata_admin.groups.forms import GroupForm
from kantata_admin.groups.problems import values_problem
from kantata_admin.groups.selectors import group_custom_fields
from kantata_admin.groups.services import (
    ValuesNotSaved,
    workspace_group_create,
    workspace_group_delete,
    workspace_group_update,
)
from kantata_admin.kantata import CustomFieldValueInput, Money, track_calls
from tests.groups.edit_fixtures import group_entries, stored

pytestmark = pytest.mark.django_db

# Kantata (the sandbox) refuses numbers this large; the form leaves that rule to it.
TOO_BIG = "1000000000000000"


@pytest.fixture
def specs(kantata):
    return {spec.name: spec for spec in group_custom_fields(kantata, "tests")}


def _choice(spec, position: int = 0) -> str:
    return spec.choices[position][0]


def _typed_form(specs, group=None, **inputs) -> dict:
    """The POST of a form with these custom inputs (by field name; money as (amount, code))."""
    # The page signs the fields it shows into the form.
    data = {
        "name": group.name if group else "x",
        "custom_fields_shown": shown_token(specs.values()),
    }
    for name, value in inputs.items():
        spec = specs[name]
        if spec.value_type == "currency":
            data[f"custom_{spec.id}"], data[f"custom_{spec.id}_currency"] = value
        else:
            data[f"custom_{spec.id}"] = value
    if group is not None:
        data["email"] = group.email
        data["workspaces"] = [w.id for w in group.workspaces or ()]
    return data


def _values_from(data) -> GroupValues:
    form = GroupForm(data)
    assert form.is_valid(), form.errors
    return form.values()


def _update(kantata, actor, group, typed):
    return workspace_group_update(
        client=kantata,
        actor=actor,
        group_id=group.id,
        values=typed,
        opened=GroupValues.from_group(group),
        opened_updated_at=group.updated_at,
    )


def _with_values(kantata, group_id):
    group = kantata.workspace_groups.get(group_id, include=["workspaces", "custom_field_values"])
    return group_with_custom_values(kantata, group)


def _held(kantata, group_id) -> dict[str, object]:
    return {v.custom_field_name: v for v in kantata.custom_field_values.for_group(group_id)}


def _every_type(specs) -> dict:
    return {
        "Account tier": "Platinum",
        "Employees": "42",
        "Annual revenue": ("1250.50", "eur"),
        "Contract start": "2026-03-01",
        "Industry": _choice(specs["Industry"], 1),
        "Services": [_choice(specs["Services"], 0), _choice(specs["Services"], 2)],
    }


def test_every_type_is_set_in_three_calls_and_audited_as_kantata_displays_it(
    kantata, editor, group, specs
):
    typed = _values_from(_typed_form(specs, group, **_every_type(specs)))
    with track_calls() as calls:
        _update(kantata, editor, group, typed)
    # The check (the group, then its values as documented), then one create for all six;
    # the group itself unchanged.
    assert [(c.method, c.path.rsplit("/", 1)[-1]) for c in calls.calls] == [
        ("GET", f"{group.id}.json"),
        ("GET", "custom_field_values.json"),
        ("POST", "custom_field_values.json"),
    ]
    held = _held(kantata, group.id)
    services = specs["Services"]
    assert {name: value.typed_value for name, value in held.items()} == {
        "Account tier": "Platinum",
        "Employees": Decimal("42"),
        "Annual revenue": Money(125050, "EUR"),
        "Contract start": date(2026, 3, 1),
        "Industry": (_choice(specs["Industry"], 1),),
        "Services": (_choice(services, 0), _choice(services, 2)),
    }
    entry = group_entries().get()
    assert entry.outcome == Outcome.SUCCESS
    assert entry.changes["fields"] == {
        name: {"before": "", "after": value.display_value} for name, value in held.items()
    }
    assert entry.changes["fields"]["Annual revenue"]["after"] == "€1,250.50"


def test_change_and_clear_with_a_group_field_one_bulk_call_each(kantata, editor, group, specs):
    kantata.custom_field_values.create(
        [
            CustomFieldValueInput(group.id, specs["Account tier"].id, "Gold"),
            CustomFieldValueInput(group.id, specs["Employees"].id, 10),
        ]
    )
    group = _with_values(kantata, group.id)
    data = _typed_form(specs, group, **{"Account tier": "", "Employees": "11.5"})
    data["notes"] = "Renewed"
    typed = _values_from(data)
    with track_calls() as calls:
        _update(kantata, editor, group, typed)
    # The check (group, values), the group's write, one bulk update, one bulk delete.
    assert [c.method for c in calls.calls] == ["GET", "GET", "PUT", "PUT", "DELETE"]
    assert [c.path for c in calls.calls][-2:] == ["/custom_field_values.json"] * 2
    assert {n: v.display_value for n, v in _held(kantata, group.id).items()} == {
        "Employees": "11.5"
    }
    assert stored(kantata, group.id).notes == "Renewed"
    assert group_entries().get().changes["fields"] == {
        "notes": {"before": "", "after": "Renewed"},
        "Account tier": {"before": "Gold", "after": ""},
        "Employees": {"before": "10", "after": "11.5"},
    }


def test_an_unchanged_form_with_values_writes_nothing(kantata, editor, group, specs):
    kantata.custom_field_values.create([CustomFieldValueInput(group.id, specs["Employees"].id, 7)])
    group = _with_values(kantata, group.id)
    typed = _values_from(_typed_form(specs, group, Employees="7.00"))
    with track_calls() as calls:
        result = _update(kantata, editor, group, typed)
    assert calls.count == 2 and not result.written
    assert not group_entries().exists()


def test_a_refused_value_is_reported_on_its_field_and_the_rest_is_saved(
    kantata, editor, group, specs
):
    data = _typed_form(specs, group, **{"Account tier": "Silver", "Employees": TOO_BIG})
    data["notes"] = "Saved anyway"
    typed = _values_from(data)
    with track_calls() as calls, pytest.raises(ValuesNotSaved) as raised:
        _update(kantata, editor, group, typed)
    # Check (group, values), group write, the refused create, then the valid value alone.
    assert [c.method for c in calls.calls] == ["GET", "GET", "PUT", "POST", "POST"]
    writes = raised.value.writes
    assert writes.not_saved == ["Employees"]
    assert list(writes.refused) == [specs["Employees"].id]
    assert "number" in writes.refused[specs["Employees"].id][0]
    assert stored(kantata, group.id).notes == "Saved anyway"
    assert {n: v.value for n, v in _held(kantata, group.id).items()} == {"Account tier": "Silver"}
    entry = group_entries().get()
    assert entry.outcome == Outcome.ERROR and "number" in entry.error
    assert entry.changes["values_not_saved"] == ["Employees"]
    assert set(entry.changes["fields"]) == {"notes", "Account tier"}


def test_create_with_values_is_two_calls(kantata, editor, specs, unique_name):
    data = _typed_form(specs, **{"Account tier": "New", "Contract start": "2026-01-31"})
    data["name"] = unique_name
    typed = _values_from(data)
    with track_calls() as calls:
        group = workspace_group_create(client=kantata, actor=editor, values=typed)
    try:
        assert [c.method for c in calls.calls] == ["POST", "POST"]
        assert {n: v.display_value for n, v in _held(kantata, group.id).items()} == {
            "Account tier": "New",
            "Contract start": "2026-01-31",
        }
        entry = group_entries().get()
        assert entry.action == Action.GROUP_CREATE
        assert entry.changes["fields"]["Contract start"] == {"before": None, "after": "2026-01-31"}
    finally:
        kantata.workspace_groups.delete(group.id)


# --- through the pages -------------------------------------------------------------------


@pytest.fixture
def editor_client(connect, editor, login):
    connect(editor)
    return login(editor)


def _opened(client, group_id) -> str:
    page = client.get(reverse("groups:edit", args=[group_id]))
    assert page.status_code == 200
    return page.context["form"].initial["opened"]


def test_the_edit_form_has_an_input_fitting_each_type_filled_with_the_values(
    editor_client, kantata, group, specs
):
    industry = specs["Industry"]
    kantata.custom_field_values.create(
        [
            CustomFieldValueInput(group.id, specs["Annual revenue"].id, Money(99800, "GBP")),
            CustomFieldValueInput(group.id, industry.id, (_choice(industry, 2),)),
        ]
    )
    html = editor_client.get(reverse("groups:edit", args=[group.id])).text
    revenue, tier = specs["Annual revenue"].id, specs["Account tier"].id
    assert f'type="number" name="custom_{revenue}" value="998"' in html
    assert f'name="custom_{revenue}_currency" value="GBP"' in html
    assert f'type="text" name="custom_{tier}"' in html
    assert f'type="date" name="custom_{specs["Contract start"].id}"' in html
    assert f'type="number" name="custom_{specs["Employees"].id}"' in html
    # A multiple choice: one checkbox a choice, so a click never unpicks the others.
    assert f'type="checkbox" name="custom_{specs["Services"].id}"' in html
    assert f'<option value="{_choice(industry, 2)}" selected>' in html


def test_a_wrong_value_shows_on_its_input_keeping_every_input(editor_client, kantata, group, specs):
    data = _typed_form(
        specs,
        group,
        **{"Account tier": "Kept", "Employees": TOO_BIG, "Annual revenue": ("5", "EU")},
    )
    data["opened"] = _opened(editor_client, group.id)
    url = reverse("groups:edit", args=[group.id])
    # The server's own check: a currency code must have three letters. Nothing is sent.
    response = editor_client.post(url, data)
    assert response.status_code == 400
    revenue = specs["Annual revenue"].id
    assert response.context["form"].errors == {
        f"custom_{revenue}_currency": ["Give a three-letter currency code, such as USD."]
    }
    # Then Kantata's: the number is too large; its message is on the Employees input.
    data[f"custom_{revenue}_currency"] = "EUR"
    response = editor_client.post(url, data)
    assert response.status_code == 422
    form = response.context["form"]
    assert list(form.errors) == [f"custom_{specs['Employees'].id}", "__all__"]
    assert f'id="id_custom_{specs["Employees"].id}_error"' in response.text
    assert "Saved some custom field values, but not these: Employees." in response.text
    for kept in ("Kept", TOO_BIG, 'value="5"', 'value="EUR"'):
        assert kept in response.text
    assert {n: v.display_value for n, v in _held(kantata, group.id).items()} == {
        "Account tier": "Kept",
        "Annual revenue": "€5.00",
    }
    # The form now opens on what Kantata holds: correcting and saving again goes through.
    data[f"custom_{specs['Employees'].id}"] = "12"
    data["opened"] = form["opened"].value()
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert _held(kantata, group.id)["Employees"].display_value == "12"


def test_a_value_changed_meanwhile_is_a_conflict_by_field_name(
    sandbox, admin_token, editor_client, kantata, group, specs
):
    opened = _opened(editor_client, group.id)
    kantata.custom_field_values.create(
        [CustomFieldValueInput(group.id, specs["Account tier"].id, "Theirs")]
    )
    data = _typed_form(specs, group, **{"Account tier": "Mine"}) | {"opened": opened}
    response = editor_client.post(reverse("groups:edit", args=[group.id]), data)
    assert response.status_code == 409
    assert response.context["conflicts"] == [
        {"label": "Account tier", "opened": "(empty)", "current": "Theirs", "typed": "Mine"}
    ]
    assert _held(kantata, group.id)["Account tier"].value == "Theirs"


def test_a_field_the_page_did_not_show_is_never_cleared(editor_client, kantata, group, specs):
    kantata.custom_field_values.create(
        [CustomFieldValueInput(group.id, specs["Account tier"].id, "Untouched")]
    )
    data = _typed_form(specs, group) | {"opened": _opened(editor_client, group.id)}
    data["custom_fields_shown"] = ""  # as when the definitions could not be loaded
    data["notes"] = "Only this"
    response = editor_client.post(reverse("groups:edit", args=[group.id]), data)
    assert response.status_code == 302
    assert _held(kantata, group.id)["Account tier"].value == "Untouched"


def test_a_create_whose_values_are_refused_goes_on_from_the_new_groups_edit_form(
    editor_client, kantata, specs, unique_name
):
    data = _typed_form(specs, **{"Account tier": "Made", "Employees": TOO_BIG})
    data["name"] = unique_name
    with track_calls() as calls:
        response = editor_client.post(reverse("groups:create"), data)
    # The group, the refused create, then the valid value alone.
    assert [c.method for c in calls.calls] == ["POST", "POST", "POST"]
    made = [g for g in kantata.workspace_groups.iter_all() if g.name == unique_name]
    assert len(made) == 1
    try:
        assert response.status_code == 422
        assert f'action="{reverse("groups:edit", args=[made[0].id])}"' in response.text
        assert f"Created “{unique_name}”, but not these custom field values: Employees." in (
            response.text
        )
        assert TOO_BIG in response.text and "Made" in response.text
        assert {n: v.value for n, v in _held(kantata, made[0].id).items()} == {
            "Account tier": "Made"
        }
        entry = group_entries().get()
        assert (entry.action, entry.outcome) == (Action.GROUP_CREATE, Outcome.ERROR)
        assert entry.changes["values_not_saved"] == ["Employees"]
    finally:
        kantata.workspace_groups.delete(made[0].id)


def test_a_delete_records_the_last_values_in_its_three_calls(kantata, editor, group, specs):
    kantata.custom_field_values.create(
        [CustomFieldValueInput(group.id, specs["Account tier"].id, "Last")]
    )
    with track_calls() as calls:
        workspace_group_delete(client=kantata, actor=editor, group_id=group.id)
    # The group, its values (as documented), the delete.
    assert calls.count == 3
    fields = group_entries().get().changes["fields"]
    assert fields["Account tier"] == {"before": "Last", "after": None}


def test_kantata_failing_after_the_group_was_saved_says_which_part_failed(
    sandbox, fresh_token, own_kantata, editor, group, specs
):
    data = _typed_form(specs, group, **{"Account tier": "Lost"}) | {"notes": "Kept"}
    typed = _values_from(data)
    # The check (group, values) and the group's write go through; the value write meets 503s.
    sandbox.fault(fresh_token, kind="delay", delay_ms=1, count=3)
    sandbox.fault(fresh_token, kind="503", count=5)
    try:
        with pytest.raises(ValuesNotSaved) as raised:
            _update(own_kantata, editor, group, typed)
    finally:
        sandbox.clear_faults(fresh_token)
    partial = raised.value
    assert partial.group_written and partial.writes.not_saved == ["Account tier"]
    problem = values_problem(partial.writes, group_name=group.name, group_written=True)
    assert problem.startswith(
        f"Saved the group “{group.name}”, but not these custom field values: Account tier. "
        "Kantata OX is unavailable right now: save again in a moment. Request id: "
    )
    assert stored(own_kantata, group.id).notes == "Kept"
    assert _held(own_kantata, group.id) == {}
    entry = group_entries().get()
    assert entry.outcome == Outcome.ERROR and entry.request_id
    assert entry.changes["fields"] == {"notes": {"before": "", "after": "Kept"}}


def test_only_values_refused_says_nothing_was_saved(editor_client, kantata, group, specs):
    data = _typed_form(specs, group, Employees=TOO_BIG)
    data["opened"] = _opened(editor_client, group.id)
    response = editor_client.post(reverse("groups:edit", args=[group.id]), data)
    assert response.status_code == 422
    assert (
        "Nothing was saved: Kantata OX did not save these custom field values: Employees."
        in response.text
    )


def test_custom_fields_that_cannot_be_loaded_leave_the_values_alone(
    kantata_sandbox, fresh_token, editor, login, kantata, group, specs
):
    sandbox = kantata_sandbox
    connection_save_checked(editor, TokenGrant(fresh_token))
    client = login(editor)
    kantata.custom_field_values.create(
        [CustomFieldValueInput(group.id, specs["Account tier"].id, "Stays")]
    )
    # The group and its values load; the definitions meet 503s (more than the client
    # retries).
    sandbox.fault(fresh_token, kind="delay", delay_ms=1, count=2)
    sandbox.fault(fresh_token, kind="503", count=20)
    try:
        page = client.get(reverse("groups:edit", args=[group.id]))
    finally:
        sandbox.clear_faults(fresh_token)
    assert page.status_code == 200
    assert "custom fields could not be loaded, so their values stay as they are." in page.text
    tier_input = f'id="id_custom_{specs["Account tier"].id}"'
    assert not page.context["form"].custom_fields and tier_input not in page.text
    form = page.context["form"]
    data = {
        "name": group.name,
        "email": group.email,
        "notes": "Saved without them",
        "workspaces": [w.id for w in group.workspaces],
        "opened": form.initial["opened"],
        "custom_fields_shown": form.initial["custom_fields_shown"],
    }
    assert client.post(reverse("groups:edit", args=[group.id]), data).status_code == 302
    assert stored(kantata, group.id).notes == "Saved without them"
    assert _held(kantata, group.id)["Account tier"].value == "Stays"
