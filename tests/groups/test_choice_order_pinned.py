"""Choices posted in another order than Kantata holds them are no change: the check (the
group and its values), no write, no audit entry (issue 14, tests that must exist)."""

import pytest
from django.http import QueryDict

from kantata_admin.groups.changes import GroupValues
from kantata_admin.groups.custom_inputs import shown_token
from kantata_admin.groups.custom_value_reads import group_with_custom_values
from kantata_admin.groups.forms import GroupForm
from kantata_admin.groups.selectors import group_custom_fields
from kantata_admin.groups.services import workspace_group_update
from kantata_admin.kantata import CustomFieldValueInput, track_calls
from tests.groups.edit_fixtures import group_entries

pytestmark = pytest.mark.django_db


def test_choices_posted_in_another_order_are_no_change(kantata, editor, group):
    specs = {spec.name: spec for spec in group_custom_fields(kantata, "tests")}
    services = specs["Services"]
    first, third = services.choices[0][0], services.choices[2][0]
    kantata.custom_field_values.create(
        [CustomFieldValueInput(group.id, services.id, [int(first), int(third)])]
    )
    group = group_with_custom_values(
        kantata,
        kantata.workspace_groups.get(
            group.id, include=["workspaces", "external_references", "custom_field_values"]
        ),
    )
    posted = QueryDict(mutable=True)
    posted.update(
        {
            "name": group.name,
            "email": group.email,
            "custom_fields_shown": shown_token(specs.values()),
        }
    )
    posted.setlist("workspaces", [w.id for w in group.workspaces or ()])
    posted.setlist(f"custom_{services.id}", [third, first])  # the other order
    form = GroupForm(posted)
    assert form.is_valid(), form.errors
    assert services.id in form.values().custom_values  # the field is on the form, typed

    with track_calls() as calls:
        result = workspace_group_update(
            client=kantata,
            actor=editor,
            group_id=group.id,
            values=form.values(),
            opened=GroupValues.from_group(group),
            opened_updated_at=group.updated_at,
        )

    # The check: the group, and its values (Kantata documents no include of them).
    assert [c.method for c in calls.calls] == ["GET", "GET"]
    assert not result.written
    assert not group_entries().exists()
