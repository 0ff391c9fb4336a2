"""The short version of `bench/team_load.py --scenario kill` (issue 21 item 3): a member
saving over and over on two app processes while a bulk job runs; one app process and the
worker are SIGKILLed mid-run. The other process answers every request after it, no save
the dashboard acknowledged is lost, and the job resumes under a new worker and finishes
with every item done exactly once."""

from __future__ import annotations

import contextlib
import threading
import time
import uuid

import pytest
from django.db.models import Count

from kantata_admin.audit.models import AuditEntry
from kantata_admin.bulk.models import BulkItem, BulkJob, ItemState, JobState
from kantata_admin.bulk.services import bulk_job_start
from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.services import connection_save_checked
from kantata_admin.kantata import KantataClient, NotFound
from tests.load.conftest import make_groups
from tests.load.stack import form_fields, tracebacks
from tests.sandbox_harness import OTHER_ACCOUNT_EMAIL

pytestmark = pytest.mark.django_db(transaction=True)
JOB_GROUPS = 30
# A small budget paces the job (2 writes a second) so that it is still running when the
# processes are killed. The job works in another account than the member's pages, so the
# two do not share it.
BUDGET = 150


class Saver:
    """Saves one group's name again and again on the processes in turn; a process whose
    connection is refused is left for the others (a balancer's health check)."""

    def __init__(self, browser, urls: list[str], group) -> None:
        self.browser, self.urls, self.group = browser, urls, group
        self.down: set[str] = set()
        self.turn = 0
        self.answers: list[tuple[str, float, int, str]] = []  # url, at, status, error
        self.saves: list[dict] = []
        self.stop = threading.Event()

    def send(self, method: str, path: str, **kwargs):
        for _ in self.urls:
            up = [u for u in self.urls if u not in self.down]
            self.turn += 1
            base = up[self.turn % len(up)]
            try:
                answer = self.browser.request(
                    method, f"{base}{path}", allow_redirects=False, timeout=30, **kwargs
                )
            except Exception as error:
                self.answers.append((base, time.time(), 0, repr(error)))
                if "refused" in repr(error).lower():
                    self.down.add(base)
                    continue
                return None
            self.answers.append((base, time.time(), answer.status_code, ""))
            return answer
        return None

    def run(self) -> None:
        action = f"/groups/{self.group.id}/edit/"
        n = 0
        while not self.stop.is_set():
            page = self.send("GET", action)
            if page is None or page.status_code != 200:
                continue
            n += 1
            wanted = f"{self.group.name} kill {n}"
            fields = [(k, wanted if k == "name" else v) for k, v in form_fields(page.text, action)]
            answer = self.send("POST", action, data=fields)
            self.saves.append(
                {"name": wanted, "acked": answer is not None and answer.status_code == 302}
            )


def _wait(check, seconds: float, what: str, logs=lambda: "") -> None:
    give_up = time.monotonic() + seconds
    while time.monotonic() < give_up:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}\n{logs()}")


def test_one_app_process_and_the_worker_killed_mid_run(
    site, team, witness, own_groups, make_member, settings
):
    settings.KANTATA_RATE_BUDGET_PER_MINUTE = BUDGET
    site.env["KANTATA_RATE_BUDGET_PER_MINUTE"] = str(BUDGET)
    other_token = site.sandbox.token(OTHER_ACCOUNT_EMAIL)
    other = KantataClient(other_token, base_url=site.sandbox.api_url)
    tag = f"Kill {uuid.uuid4().hex[:8]}"
    job_groups = [other.workspace_groups.create({"name": f"{tag} {n}"}) for n in range(JOB_GROUPS)]
    (target,) = make_groups(witness, own_groups, 1, prefix=tag)
    starter = make_member("editor", "kill-starter@team.test")
    connection_save_checked(starter, TokenGrant(site.sandbox.token(OTHER_ACCOUNT_EMAIL)))
    first_worker = site.worker()
    survivor, victim = site.app_processes(2)
    notes = f"Kill wave {uuid.uuid4().hex[:6]}"
    try:
        job = bulk_job_start(
            starter,
            action="set_field",
            values={"field": "notes", "value": notes},
            groups=[(g.id, g.name) for g in job_groups],
            selection={"ids": [g.id for g in job_groups]},
        )
        saver = Saver(team[0].browser, [survivor.url, victim.url], target)
        thread = threading.Thread(target=saver.run)
        thread.start()
        _wait(
            # A batch's items are being written (they are marked done at its end).
            lambda: BulkItem.objects.filter(job=job, state=ItemState.SENDING).exists(),
            40,
            "the job and the saves under way",
            site.logs,
        )
        time.sleep(3)  # some of the batch written, the rest not yet: 2 writes a second
        killed_at = time.time()
        victim.kill()
        first_worker.kill()
        at_kill = BulkJob.objects.get(pk=job.pk)
        assert not at_kill.finished, "the job ended before the kill"
        time.sleep(1)
        site.worker()
        _wait(
            lambda: sum(1 for a in saver.answers if a[1] > killed_at and a[0] == survivor.url) >= 4,
            30,
            "answers from the surviving process",
        )
        saver.stop.set()
        thread.join(timeout=40)
        _wait(lambda: BulkJob.objects.get(pk=job.pk).finished, 60, "the job", site.logs)

        after = [a for a in saver.answers if a[1] > killed_at]
        on_survivor = [a for a in after if a[0] == survivor.url]
        assert len(on_survivor) >= 3
        assert all(200 <= status < 400 for _, _, status, _ in on_survivor), on_survivor
        # The killed one only refused connections (or lost the request it was serving).
        assert all(status == 0 for url, _, status, _ in after if url == victim.url)
        acked = [i for i, s in enumerate(saver.saves) if s["acked"]]
        assert acked
        stored = witness.workspace_groups.get(target.id).name
        assert stored in {s["name"] for s in saver.saves[acked[-1] :]}, (stored, saver.saves)

        job.refresh_from_db()
        assert job.state == JobState.DONE, job.reason
        assert (job.done, job.failed, job.skipped) == (JOB_GROUPS, 0, 0)
        assert set(job.items.values_list("state", flat=True)) == {ItemState.DONE}
        per_group = (
            AuditEntry.objects.filter(bulk_item__job=job).values("group_id").annotate(n=Count("id"))
        )
        assert len(per_group) == JOB_GROUPS and {row["n"] for row in per_group} == {1}
        assert all(other.workspace_groups.get(g.id).notes == notes for g in job_groups)
        assert tracebacks(survivor.log_text()) == []
    finally:
        for group in job_groups:
            with contextlib.suppress(NotFound):
                other.workspace_groups.delete(group.id)
