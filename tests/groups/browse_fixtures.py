"""Fixtures and helpers of the browse tests (list, detail, export), imported by name.

A member signs in and connects to the session sandbox with a token of the test's own, so
the faults a test injects reach only its own calls. Expected results come from the
sandbox's API itself, asked the same query over HTTP.
"""

import html
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.test import Client

from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.services import connection_save_checked
from tests.sandbox_harness import SandboxServer

# A row's name links to the group's page, carrying the list's state (`?_list=…`) if any.
_GROUP_LINK = re.compile(r'<a href="/groups/(\d+)/(?:\?_list=[^"]*)?">([^<]*)</a>')


@dataclass
class Browsing:
    client: Client
    token: str
    sandbox: SandboxServer

    def get(self, path: str = "/groups/", htmx: bool = False, **params):
        headers = {"HX-Request": "true"} if htmx else {}
        return self.client.get(path, params, headers=headers)

    def api(self, path: str = "/workspace_groups.json", **params) -> dict:
        """The sandbox API's own answer to the same query, with the member's token."""
        response = self.sandbox.api(self.token).get(f"{self.sandbox.api_url}{path}", params=params)
        response.raise_for_status()
        return response.json()

    def api_ids(self, **params) -> list[str]:
        return [entry["id"] for entry in self.api(**params)["results"]]


@pytest.fixture(name="browsing")
def browsing_fixture(kantata_sandbox, make_member, login, fresh_token) -> Browsing:
    """A signed-in viewer connected as the sandbox administrator, with a token of its own."""
    member = make_member("viewer")
    connection_save_checked(member, TokenGrant(fresh_token))
    return Browsing(login(member), fresh_token, kantata_sandbox)


def listed_ids(page_html: str) -> list[str]:
    """The group ids the list shows, in order (each row's name links to its detail page)."""
    return [group_id for group_id, _ in _GROUP_LINK.findall(page_html)]


def listed_names(page_html: str) -> list[str]:
    return [html.unescape(name) for _, name in _GROUP_LINK.findall(page_html)]


@dataclass(frozen=True)
class SeededField:
    id: str
    value_type: str
    choices: list[tuple[str, str]]


@dataclass(frozen=True)
class Seeded:
    """Facts read from the session sandbox's seeded data, for building filter cases."""

    total: int
    fields: dict[str, SeededField]
    name_part: str
    middle_created: datetime
    middle_updated: datetime
    some_ids: list[str]
    reference: dict
    revenue_amount: str
    revenue_currency: str
    markup_group_id: str
    markup_name: str


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.fixture(scope="session", name="seeded")
def seeded_fixture(sandbox, admin_token) -> Iterator[Seeded]:
    session = sandbox.api(admin_token)

    def get(path: str, **params) -> dict:
        response = session.get(f"{sandbox.api_url}{path}", params=params)
        response.raise_for_status()
        return response.json()

    raw_fields = get("/custom_fields.json", subject_type="WorkspaceGroup", include="choices")
    choices = raw_fields.get("custom_field_choices", {})
    fields = {
        field["name"]: SeededField(
            id=field["id"],
            value_type=field["value_type"],
            choices=[(c, choices[c]["label"]) for c in field.get("choice_ids", [])],
        )
        for field in raw_fields["custom_fields"].values()
    }
    oldest = get("/workspace_groups.json", order="created_at:asc", page=6, per_page=20)
    middle = oldest["workspace_groups"][oldest["results"][0]["id"]]
    stale = get("/workspace_groups.json", order="updated_at:asc", page=6, per_page=20)
    middle_stale = stale["workspace_groups"][stale["results"][0]["id"]]
    by_name = get("/workspace_groups.json", page=3, per_page=20)
    name = by_name["workspace_groups"][by_name["results"][0]["id"]]["name"]
    reference = next(iter(get("/external_references.json")["external_references"].values()))
    revenue = next(
        iter(
            get(
                "/custom_field_values.json",
                subject_type="workspace_group",
                with_custom_field_id=fields["Annual revenue"].id,
            )["custom_field_values"].values()
        )
    )
    markup_name = f"<img src=x onerror=alert(1)> {uuid.uuid4().hex[:8]}"
    created = session.post(
        f"{sandbox.api_url}/workspace_groups.json",
        json={"workspace_group": {"name": markup_name}},
    )
    created.raise_for_status()
    markup_id = created.json()["results"][0]["id"]
    try:
        yield Seeded(
            total=get("/workspace_groups.json", per_page=1)["count"],
            fields=fields,
            name_part=name.split()[0][:4].lower(),
            middle_created=_utc(middle["created_at"]),
            middle_updated=_utc(middle_stale["updated_at"]),
            some_ids=[entry["id"] for entry in by_name["results"][3:6]],
            reference=reference,
            # The value comes in cents; the filter takes the amount.
            revenue_amount=str(Decimal(revenue["value"][0]) / 100),
            revenue_currency=revenue["value"][1],
            markup_group_id=markup_id,
            markup_name=markup_name,
        )
    finally:
        session.delete(f"{sandbox.api_url}/workspace_groups/{markup_id}.json")
