"""Drive the connect flow with Django's test client on our side and a requests session
playing the member's browser on the sandbox's side."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.test import Client

from tests.sandbox.oauth_flow import authorize, query
from tests.sandbox_harness import SandboxServer

CALLBACK = "http://testserver/accounts/kantata/login/callback/"


@dataclass
class Flow:
    """One connect (or sign-in) attempt; `pages` keeps every answer our side gave."""

    client: Client
    sandbox: SandboxServer
    pages: list = field(default_factory=list)
    params: dict[str, str] = field(default_factory=dict)

    def start(self, process: str = "connect", next_url: str = "/kantata/") -> dict[str, str]:
        response = self.client.post(f"/accounts/kantata/login/?process={process}&next={next_url}")
        self.pages.append(response)
        assert response.status_code == 302, response.content[:500]
        location = response["Location"]
        assert location.startswith(f"{self.sandbox.url}/oauth/authorize?")
        self.params = query(location)
        return self.params

    def approve(self, email: str, decision: str = "approve") -> dict[str, str]:
        """The sandbox's redirect back to us: its query (code and state, or error)."""
        answer = authorize(self.sandbox, email, self.params, decision=decision)
        assert answer.status_code == 302, answer.text[:500]
        location = answer.headers["Location"]
        assert location.startswith(CALLBACK)
        return query(location)

    def callback(self, values: dict[str, str]):
        response = self.client.get(urlsplit(CALLBACK).path, values)
        self.pages.append(response)
        return response

    def land(self, response):
        """Follow our redirects to the page the flow ends on."""
        while response.status_code in (301, 302):
            response = self.client.get(response["Location"])
            self.pages.append(response)
        return response

    def connect(self, email: str, **start):
        self.start(**start)
        return self.land(self.callback(self.approve(email)))
