"""A recording stand-in in front of the sandbox's authorization server: it forwards each
`/oauth/token` and `/oauth/revoke` POST to the sandbox (or answers a canned refusal) and
remembers what was asked, and how deep in transactions the dashboard's database
connection was at that moment. Real HTTP both ways; only the recording is added."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import requests
from django.db import connections

from tests.sandbox_harness import EXPIRING_TOKEN_TTL


@dataclass
class Seen:
    path: str
    form: dict[str, str]
    atomic_depth: int


@dataclass
class TokenEndpoint:
    upstream: str  # the sandbox's OAuth base URL
    calls: list[Seen] = field(default_factory=list)
    refusal: str | None = None  # answer 400 with this OAuth error instead of forwarding
    delay: float = 0.0  # seconds to wait before answering a token grant
    url: str = ""

    def grants(self, grant_type: str) -> list[Seen]:
        return [
            c for c in self.calls if c.path == "/oauth/token" and c.form["grant_type"] == grant_type
        ]

    def revocations(self) -> list[Seen]:
        return [c for c in self.calls if c.path == "/oauth/revoke"]


def serve(endpoint: TokenEndpoint):
    """Start serving `endpoint`; returns the server (call shutdown() and server_close())."""
    # The test thread's connection, whatever thread serves the call.
    watched = connections["default"]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            form = dict(parse_qsl(body.decode()))
            endpoint.calls.append(Seen(self.path, form, len(watched.atomic_blocks)))
            if self.path == "/oauth/token" and endpoint.delay:
                time.sleep(endpoint.delay)
            if self.path == "/oauth/token" and endpoint.refusal:
                status, answer = 400, json.dumps({"error": endpoint.refusal}).encode()
            else:
                upstream = requests.post(
                    endpoint.upstream + self.path,
                    data=body,
                    headers={"Content-Type": self.headers.get("Content-Type", "")},
                    timeout=30,
                )
                status, answer = upstream.status_code, upstream.content
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    endpoint.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def expire_access_token(sandbox, token: str) -> None:
    """Make a sandbox whose tokens expire (`sandbox_expiring`) treat `token` as expired
    from now on (its refresh token still works): its clock moves past the tokens'
    lifetime, so every access token it issued until now expires, this one included (a
    manage.py process editing its database took a second)."""
    sandbox.advance_clock(EXPIRING_TOKEN_TTL + 1)
