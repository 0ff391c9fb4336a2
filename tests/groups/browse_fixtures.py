"""Fixtures and helpers of the browse tests (list, detail, export), imported by name.

A member signs in and connects to the session sandbox with a token of the test's own, so
the faults a test injects reach only its own calls. Expected results come from the
sandbox's API itself, asked the same query over HTTP.
"""

import html
import re
from dataclasses import dataclass

import pytest
from django.test import Client

from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.services import connection_save_checked
from tests.sandbox_harness import SandboxServer

_GROUP_LINK = re.compile(r'<a href="/groups/(\d+)/">([^<]*)</a>')


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
