"""The demo data: deterministic, replaceable, and fast enough at 10,000 groups."""

import pytest

from kantata_admin.sandbox.models import (
    CustomFieldValue,
    ExternalReference,
    SandboxUser,
    Workspace,
    WorkspaceGroup,
)
from kantata_admin.sandbox.seed import seed_sandbox
from tests.sandbox_harness import ADMIN_EMAIL, OTHER_ACCOUNT_EMAIL, READONLY_EMAIL


def snapshot() -> list:
    return [
        list(
            WorkspaceGroup.objects.order_by("name").values_list(
                "name", "company", "email", "created_at"
            )
        ),
        sorted(Workspace.objects.values_list("title", "archived")),
        sorted(
            CustomFieldValue.objects.values_list(
                "custom_field__name", "text_value", "number_value", "date_value"
            )
        ),
        sorted(
            ExternalReference.objects.values_list("service_name", "status", "service_model_ref")
        ),
    ]


@pytest.mark.django_db
def test_seeding_twice_with_one_seed_gives_the_same_data():
    seed_sandbox(groups=40, seed=7)
    first = snapshot()
    seed_sandbox(groups=40, seed=7)
    assert snapshot() == first
    assert WorkspaceGroup.objects.count() == 40  # replaced, not added


@pytest.mark.django_db
def test_demo_data_has_the_documented_users_and_variety():
    seed_sandbox(groups=60, seed=1)
    emails = set(SandboxUser.objects.values_list("email", flat=True))
    assert {ADMIN_EMAIL, READONLY_EMAIL, OTHER_ACCOUNT_EMAIL} <= emails
    viewer = SandboxUser.objects.get(email=READONLY_EMAIL)
    assert not viewer.can_write_groups
    assert Workspace.objects.filter(archived=True).exists()
    assert Workspace.objects.count() >= 150
    companies = WorkspaceGroup.objects.filter(company=True)
    assert 0.3 < companies.count() / 60 < 0.7
    assert all(g.contact_name and g.email for g in companies)
    assert set(ExternalReference.objects.values_list("status", flat=True)) == {
        "pending",
        "successful",
        "failed",
    }


def test_ten_thousand_groups_seed_and_list_with_includes(sandbox_10k):
    # How long the seed takes is a benchmark figure (bench/sandbox_list.py), not a test.
    assert "10000 groups" in sandbox_10k.seed_output, sandbox_10k.seed_output
    session = sandbox_10k.api(sandbox_10k.token(ADMIN_EMAIL))
    body = session.get(
        f"{sandbox_10k.api_url}/workspace_groups.json",
        params={
            "per_page": 200,
            "page": 7,
            "include": "workspaces,rate_card_sets,external_references",
        },
    ).json()
    assert body["count"] == 9000 and len(body["results"]) == 200
    assert body["meta"]["page_count"] == 45
    assert body["meta"]["page_number"] == 7
    # Page 7 of the default order: names ascending, right after page 6's last name.
    names = [body["workspace_groups"][r["id"]]["name"].casefold() for r in body["results"]]
    assert names == sorted(names)
    before = session.get(
        f"{sandbox_10k.api_url}/workspace_groups.json", params={"per_page": 200, "page": 6}
    ).json()
    last = before["workspace_groups"][before["results"][-1]["id"]]["name"].casefold()
    assert last < names[0]
    # Every include is answered, and every listed id is among the included objects.
    for key, ids_field in (
        ("workspaces", "workspace_ids"),
        ("rate_card_sets", "rate_card_set_ids"),
        ("external_references", "external_reference_ids"),
    ):
        listed = {i for g in body["workspace_groups"].values() for i in g[ids_field]}
        assert listed and listed == set(body[key]), key
