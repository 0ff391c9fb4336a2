"""Locust's side of bench/team_load.py: each simulated user is one seeded member, signed in
with their own e-mail and password, going through the dashboard, the list, a filter, a
group's page, its form and a save (and, with faults, a create), on both app processes in
turn (no sticky sessions: the session lives in the shared store).

Run by team_load.py (`locust --headless`), which passes, in the environment:
TEAM_FILE (the members, from `manage.py team_seed --out`, with the groups each may
change), TEAM_HOSTS (the app processes' URLs, comma-separated), TEAM_SECONDS (how long to
measure, counted from the moment every member has signed in), TEAM_RAW (where to write
every request: JSON lines), TEAM_CREATES (1: members also create groups).

Raw times come from locust's request event (its own statistics round them).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import sys
import time
import uuid
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task
from locust.exception import StopUser

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.load.stack import csrf_token, form_fields

MEMBERS = json.loads(Path(os.environ["TEAM_FILE"]).read_text())
HOSTS = os.environ["TEAM_HOSTS"].split(",")
SECONDS = float(os.environ.get("TEAM_SECONDS", "60"))
CREATES = os.environ.get("TEAM_CREATES") == "1"
LIST = "/groups/?per_page=20&include=workspaces&order=name:asc"
WORDS = ["acme", "group", "north", "a", "co", "ltd", "west", "labs"]

_member_numbers = itertools.count()
_signed_in = 0
_all_in = gevent.event.Event()
_raw = Path(os.environ["TEAM_RAW"]).open("w")  # noqa: SIM115 (open for the whole run)
# Hosts found down (connection refused): members go to the others, as a balancer would.
_down: set[str] = set()


@events.request.add_listener
def _record(request_type, name, response_time, response, context, exception, **kwargs):
    status = getattr(response, "status_code", 0) if response is not None else 0
    row = {
        "name": name,
        "ms": response_time,  # as measured, not rounded
        "status": status,
        "error": repr(exception) if exception else "",
        "at": time.time(),
        "measured": _all_in.is_set() and name != "login",
        **(context or {}),
    }
    _raw.write(json.dumps(row) + "\n")


@events.test_stop.add_listener
def _flush(**kwargs):
    _raw.flush()


def _stop_after(environment) -> None:
    _all_in.wait()
    gevent.sleep(SECONDS)
    environment.runner.quit()


@events.init.add_listener
def _on_init(environment, **kwargs):
    gevent.spawn(_stop_after, environment)


class Member(HttpUser):
    wait_time = between(1, 3)
    host = HOSTS[0]

    def on_start(self) -> None:
        global _signed_in
        n = next(_member_numbers)
        if n >= len(MEMBERS):
            raise StopUser()
        self.member = MEMBERS[n]
        self.turn = n  # members start on different processes
        self.made = 0
        # Each member at an address of their own behind the site's proxy (the apps run
        # with TRUSTED_PROXY_COUNT=1): from one address, allauth's sign-in limit (30 a
        # minute an address) would turn most of a team signing in at once away.
        self.client.headers["X-Forwarded-For"] = f"10.21.0.{n + 1}"
        base = self.base()
        page = self.client.get(f"{base}/accounts/login/", name="login").text
        answer = self.client.post(
            f"{base}/accounts/login/",
            data={
                "csrfmiddlewaretoken": csrf_token(page),
                "login": self.member["email"],
                "password": self.member["password"],
            },
            name="login",
            allow_redirects=False,
        )
        if answer.status_code != 302:
            raise RuntimeError(f"{self.member['email']} could not sign in: {answer.status_code}")
        _signed_in += 1
        if _signed_in == len(MEMBERS):
            _all_in.set()
        _all_in.wait()

    def base(self) -> str:
        """The next app process, in turn (a balancer without sticky sessions)."""
        up = [h for h in HOSTS if h not in _down] or HOSTS
        self.turn += 1
        return up[self.turn % len(up)]

    def call(self, method: str, path: str, name: str, **kwargs):
        """One request to the next process; a refused connection marks that process down
        and the request goes to another (what a load balancer's health check does)."""
        extra = kwargs.pop("context", {})
        for _ in range(len(HOSTS)):
            base = self.base()
            context = {"port": int(base.rsplit(":", 1)[1]), **extra}
            with self.client.request(
                method, f"{base}{path}", name=name, context=context, catch_response=True, **kwargs
            ) as response:
                refused = "Connection refused" in repr(response.error or "")
                if refused:
                    _down.add(base)
                    response.failure("refused")
                    continue
                if response.status_code >= 400 or response.error:
                    response.failure(f"{response.status_code} {response.error!r}"[:300])
                else:
                    response.success()
                return response
        return response

    @task
    def a_round(self) -> None:
        group = random.choice(self.member["groups"])
        self.call("GET", "/", "dashboard")
        self.call("GET", "/dashboard/group-count", "dashboard", headers={"HX-Request": "true"})
        self.call("GET", LIST, "list")
        self.call(
            "GET",
            f"{LIST}&matching={random.choice(WORDS)}",
            "filter",
            headers={"HX-Request": "true"},
        )
        self.call("GET", f"/groups/{group}/", "detail")
        self.save(group)
        if CREATES:
            self.create()

    def save(self, group: str) -> None:
        edit = self.call("GET", f"/groups/{group}/edit/", "edit")
        if edit.status_code != 200:
            return
        wanted = f"Team {self.member['email'].split('@')[0]} {uuid.uuid4().hex[:8]}"
        fields = [
            (k, wanted if k == "name" else v)
            for k, v in form_fields(edit.text, f"/groups/{group}/edit/")
        ]
        started = time.time()
        answer = self.call(
            "POST",
            f"/groups/{group}/edit/",
            "save",
            data=fields,
            allow_redirects=False,
            context={"group": group, "wanted": wanted, "write": "update", "began": started},
        )
        if answer.status_code == 302:
            self.call("GET", answer.headers["Location"], "detail")

    def create(self) -> None:
        page = self.call("GET", "/groups/new/", "new")
        if page.status_code != 200:
            return
        self.made += 1
        wanted = f"Made {self.member['email'].split('@')[0]} {self.made} {uuid.uuid4().hex[:6]}"
        fields = [
            (k, wanted if k == "name" else v) for k, v in form_fields(page.text, "/groups/new/")
        ]
        self.call(
            "POST",
            "/groups/new/",
            "create",
            data=fields,
            allow_redirects=False,
            context={"wanted": wanted, "write": "create", "began": time.time()},
        )
