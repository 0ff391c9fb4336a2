"""Rules that need the server's insides to provoke: a bug inside a view, a write racing a
delete, a database refusal other than the name constraint, counters in the database."""

import json
import logging

import pytest
from django.db import IntegrityError
from django.test import Client

from kantata_admin.sandbox import ratelimit
from kantata_admin.sandbox.api import group_writes, groups
from kantata_admin.sandbox.credentials import digest
from kantata_admin.sandbox.models import (
    AccessToken,
    CustomField,
    CustomFieldValue,
    RateWindow,
    WorkspaceGroup,
)
from tests.sandbox import factories

API = "/api/v1"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sandbox_urls(settings):
    settings.ROOT_URLCONF = "kantata_admin.sandbox.root_urls"


@pytest.fixture
def fixture():
    return factories.build(groups=3)


def send(fixture, method: str, path: str, body: dict | None = None):
    return getattr(Client(), method)(
        f"{API}/{path}",
        data=json.dumps(body) if body is not None else None,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {fixture.token}",
    )


def test_an_unexpected_error_is_a_logged_json_500_without_the_token(fixture, monkeypatch, caplog):
    def broken(ctx):
        raise RuntimeError("boom")

    monkeypatch.setattr(groups, "filter_groups", broken)
    with caplog.at_level(logging.ERROR, logger="kantata_admin.sandbox.api.endpoint"):
        response = send(fixture, "get", "workspace_groups.json")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json; charset=utf-8"
    [error] = response.json()["errors"]
    assert error["type"] == "system" and error["message"]
    [record] = [r for r in caplog.records if r.name == "kantata_admin.sandbox.api.endpoint"]
    assert record.exc_info and "workspace_groups" in record.getMessage()
    assert fixture.token not in caplog.text


def test_an_update_whose_group_vanished_meanwhile_is_404_not_a_resurrection(fixture, monkeypatch):
    group = WorkspaceGroup.objects.filter(account=fixture.account).first()
    validate = group_writes.validate
    seen = {}

    def validate_then_lose_the_race(ctx, data, found):
        change = validate(ctx, data, found)
        # The row goes between loading and saving, as a concurrent delete would take it.
        # (In one connection this delete rolls back with the refused update.)
        WorkspaceGroup.objects.filter(pk=found.pk).delete()
        seen["rows_after_delete"] = WorkspaceGroup.objects.filter(pk=found.pk).count()
        return change

    monkeypatch.setattr(group_writes, "validate", validate_then_lose_the_race)
    response = send(
        fixture, "put", f"workspace_groups/{group.pk}.json", {"workspace_group": {"name": "X"}}
    )
    assert seen == {"rows_after_delete": 0}
    assert response.status_code == 404
    assert response.json()["errors"][0]["type"] == "system"
    assert not WorkspaceGroup.objects.filter(name="X").exists()


def test_only_the_name_constraint_reads_as_name_taken(fixture, monkeypatch):
    taken = WorkspaceGroup.objects.filter(account=fixture.account).first().name
    validate = group_writes.validate

    def validate_without_the_clash_check(ctx, data, found):
        change = validate(ctx, {"workspace_group": {"name": "fresh"}}, found)
        change.attributes["name"] = taken  # as if another writer took it meanwhile
        return change

    monkeypatch.setattr(group_writes, "validate", validate_without_the_clash_check)
    response = send(fixture, "post", "workspace_groups.json", {"workspace_group": {"name": "x"}})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"type": "validation", "message": "Name has already been taken", "field": "name"}
    ]


def test_other_integrity_errors_are_not_reported_as_name_taken(fixture, monkeypatch):
    def refuse(*args, **kwargs):
        raise IntegrityError("FOREIGN KEY constraint failed")

    monkeypatch.setattr(group_writes, "_save_reference", refuse)
    body = {
        "workspace_group": {
            "name": "With a reference",
            "external_reference": {
                "service_name": "jira",
                "service_model": "Project",
                "service_model_ref": "1",
            },
        }
    }
    response = send(fixture, "post", "workspace_groups.json", body)
    assert response.status_code == 500
    assert response.json()["errors"][0]["type"] == "system"
    assert not WorkspaceGroup.objects.filter(name="With a reference").exists()


@pytest.mark.parametrize(("first", "second"), [("Äpfel", "äpfel"), ("Straße", "STRASSE")])
def test_the_database_refuses_names_equal_after_casefolding(fixture, first, second):
    WorkspaceGroup.objects.create(account=fixture.account, name=first)
    with pytest.raises(IntegrityError):
        WorkspaceGroup.objects.create(account=fixture.account, name=second)


def test_bulk_created_groups_get_their_name_key(fixture):
    [made] = WorkspaceGroup.objects.bulk_create(
        [WorkspaceGroup(account=fixture.account, name="Ärzte ohne Grenzen")]
    )
    made.refresh_from_db()
    assert made.name_key == "ärzte ohne grenzen"


def test_rate_counts_live_in_the_database_and_finished_minutes_are_pruned(fixture):
    token = AccessToken.objects.get(token_hash=digest(fixture.token))
    token.rate_limit = 2
    token.save()
    RateWindow.objects.create(token=token, minute=1, calls=99)  # a long-finished minute
    assert [ratelimit.check(token) for _ in range(2)] == [None, None]
    assert ratelimit.check(token).status_code == 429
    [window] = RateWindow.objects.filter(token=token)
    assert window.calls == 3 and window.minute > 1
    ratelimit.reset(token)
    assert not RateWindow.objects.filter(token=token).exists()


def test_a_hundred_values_are_created_in_one_request_in_order(fixture):
    """Kantata: up to 100 custom field values in one create, answered in the order sent
    (the HTTP tests show 101 refused)."""
    groups = list(WorkspaceGroup.objects.filter(account=fixture.account).order_by("id"))
    made = CustomField.objects.bulk_create(
        [
            CustomField(account=fixture.account, name=f"Code {i}", value_type="string")
            for i in range(34)
        ]
    )
    items = [
        {
            "subject_type": "workspace_group",
            "subject_id": group.pk,
            "custom_field_id": field.pk,
            "value": f"{group.pk}-{field.pk}",
        }
        for field in made
        for group in groups
    ][:100]
    response = send(fixture, "post", "custom_field_values.json", {"custom_field_values": items})
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    assert body["count"] == 100 and body["meta"]["page_size"] == 100
    answered = [body["custom_field_values"][r["id"]]["value"] for r in body["results"]]
    assert answered == [item["value"] for item in items]
    assert CustomFieldValue.objects.filter(account=fixture.account).count() == 100
