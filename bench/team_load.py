"""A team at once: fifty members on two app processes, with a bulk job, faults or a crash.

    uv run python bench/team_load.py [--scenario plain|faults|kill] [--seconds 60]

The product as production runs it (issue 21): two dashboard gunicorns (the Procfile's
options) on ports `--port` and `--port`+1 sharing PostgreSQL (`--database-url`, a fresh
database) and Redis (`--redis-url`, sessions and the rate budget under a key prefix of
this run's own), one `bulk_worker`, and the sandbox as its own service on `--port`+2 at
`--latency-ms` (its own fresh PostgreSQL database). `manage.py team_seed` gives each of
`--members` members a login and a Kantata connection of their own; locust (headless, on
loopback) signs each in and, once all are in, drives them for `--seconds` through the
dashboard, the list, a filter, a group's page, its form and a save, on both processes
in turn, while a bulk job sets the notes of `--job-groups` other groups.

Scenarios:
- plain: targets 0 errors, p95 <= 2.5 x p50 for each page, the job 0 failed items.
- faults: the sandbox misbehaves on the members' tokens (one fault every 0.5 s) and the
  job's (every 5 s) throughout (429 bursts, 503s, answers later than the client's read
  timeout, dropped connections, lost answers before the work) and members also create
  groups. Targets: no 5xx of the dashboard's own (500, or a connection failure),
  upstream failures answered as their pages (429/502/503/504) well under 60 s, every
  acknowledged save and create present upstream, no name created twice, every job item
  done exactly once.
- kill: a third of the way in, the second app process and the worker are SIGKILLed; a
  new worker is started 2 s later. Targets: the first process keeps answering (0
  errors there), no acknowledged write lost, the job resumes and finishes.

Prints figures last: requests per second, p50/p95/p99 per page from the raw times
(locust's request event), errors by kind, the checks, and the job. Exits 1 when a target
is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.load.stack import AppProcess, WorkerProcess, dashboard_env, tracebacks  # noqa: E402
from tests.sandbox_harness import ADMIN_EMAIL, SandboxServer  # noqa: E402

PAGES = ("dashboard", "list", "filter", "detail", "edit", "save", "new", "create")
UPSTREAM_PAGES = (429, 502, 503, 504)


def _fresh_postgres(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Run:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.workdir = Path(tempfile.mkdtemp(prefix=f"bench-team-{args.scenario}-"))
        self.prefix = f"bench-team-{uuid.uuid4().hex[:8]}"
        self.apps: list[AppProcess] = []
        self.workers: list[WorkerProcess] = []
        self.sandbox: SandboxServer | None = None
        self.events: list[str] = []
        self.stop_faults = threading.Event()

    # --- set-up ----------------------------------------------------------------------

    def start_sandbox(self) -> None:
        _fresh_postgres(self.args.database_url)
        os.environ["DATABASE_URL"] = self.args.database_url  # the sandbox's server too
        os.environ["REDIS_URL"] = self.args.redis_url
        self.sandbox = SandboxServer(
            workdir=self.workdir / "sandbox",
            groups=self.args.groups,
            listener=socket.create_server(("127.0.0.1", self.args.port + 2), backlog=256),
            extra_env={"KANTATA_SANDBOX_LATENCY_MS": str(self.args.latency_ms)},
            dashboard_port=self.args.port,
        )
        self.sandbox.start()

    def env(self) -> dict[str, str]:
        extra = {
            "SANDBOX_PORT": str(self.sandbox.port),
            "KANTATA_RATE_BUDGET_PER_MINUTE": str(self.args.budget),
            "KANTATA_READ_TIMEOUT": str(self.args.read_timeout),
            "BULK_STALE_SECONDS": "5",
            # Behind a proxy, as production is: members sign in from their own addresses.
            "TRUSTED_PROXY_COUNT": "1",
        }
        return dashboard_env(
            database_url=self.args.database_url,
            sandbox_url=self.sandbox.url,
            redis_url=self.args.redis_url,
            cache_key_prefix=self.prefix,
            extra=extra,
        )

    def setup_django(self) -> None:
        os.environ.update(self.env())
        os.environ["SANDBOX_DATABASE_URL"] = self.sandbox.database_url  # team_seed's sandbox_team
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)

    def seed(self) -> None:
        from django.core.management import call_command

        from kantata_admin.accounts.models import User
        from kantata_admin.connections.oauth import TokenGrant
        from kantata_admin.connections.services import connection_save_checked
        from kantata_admin.kantata import KantataClient

        team_file = self.workdir / "team.json"
        call_command("team_seed", count=self.args.members, out=team_file, verbosity=0)
        members = json.loads(team_file.read_text())
        admin_token = self.sandbox.token(ADMIN_EMAIL)
        self.api = KantataClient(self.sandbox.token(ADMIN_EMAIL), base_url=self.sandbox.api_url)
        acme = [g for g in self.api.workspace_groups.iter_all() if not g.name.startswith("Made ")]
        need = self.args.job_groups + 2 * len(members)
        if len(acme) < need:
            raise SystemExit(f"{len(acme)} groups in the sandbox's account, {need} needed")
        self.job_groups = acme[: self.args.job_groups]
        for n, member in enumerate(members):
            start = self.args.job_groups + 2 * n
            member["groups"] = [g.id for g in acme[start : start + 2]]
        team_file.write_text(json.dumps(members))
        self.members, self.team_file = members, team_file
        starter = User.objects.create_user(
            email="bench-job@team.test", password="unused-bench-pass-1", role="editor"
        )
        connection_save_checked(starter, TokenGrant(admin_token))
        self.starter, self.starter_token = starter, admin_token

    def start_processes(self) -> None:
        env = self.env()
        for n in range(2):
            listener = socket.create_server(("127.0.0.1", self.args.port + n), backlog=256)
            app = AppProcess(env, self.workdir / f"app-{n}.log", listener=listener)
            self.apps.append(app.start())
        self.workers.append(WorkerProcess(env, self.workdir / "worker-0.log").start())

    def start_job(self) -> None:
        from kantata_admin.bulk.services import bulk_job_start

        self.wanted_notes = f"Bench wave {uuid.uuid4().hex[:8]}"
        self.job = bulk_job_start(
            self.starter,
            action="set_field",
            values={"field": "notes", "value": self.wanted_notes},
            groups=[(g.id, g.name) for g in self.job_groups],
            selection={"ids": [g.id for g in self.job_groups]},
        )

    # --- during the run --------------------------------------------------------------

    def _measuring(self, raw: Path) -> bool:
        return raw.exists() and '"measured": true' in raw.read_text()

    def faults(self, raw: Path) -> None:
        """Faults on random members' tokens, and on the job's, every half second."""
        kinds = [
            {"kind": "429", "count": 3},
            {"kind": "503", "count": 2},
            {"kind": "delay", "delay_ms": int(self.args.read_timeout * 1000) + 3000},
            {"kind": "drop"},
            {"kind": "drop", "before_work": True},
            {"kind": "malformed"},
        ]
        rng = random.Random(21)
        queued = Counter()
        tick = 0
        while not self.stop_faults.wait(0.5):
            if not self._measuring(raw):
                continue
            tick += 1
            fault = rng.choice(kinds)
            if tick % 10 == 0:
                # The job's own token every 5 s: 429s, 503s and drops (a late answer would
                # only hold the worker; the pages show what it does to a reader).
                token, fault = self.starter_token, rng.choice(kinds[:2] + kinds[3:5])
            else:
                token = rng.choice(self.members)["token"]
            self.sandbox.fault(token, **fault)
            queued[fault["kind"] + (" before work" if fault.get("before_work") else "")] += 1
        self.faults_queued = queued

    def kill(self, raw: Path) -> None:
        while not self._measuring(raw):
            time.sleep(0.2)
        time.sleep(self.args.seconds / 3)
        self.killed_at = time.time()
        self.apps[1].kill()
        self.workers[0].kill()
        self.events.append(f"SIGKILL: app :{self.apps[1].port} and the worker")
        time.sleep(2)
        env = self.env()
        self.workers.append(WorkerProcess(env, self.workdir / "worker-1.log").start())
        self.events.append("a new worker started 2 s later")

    def drive(self) -> Path:
        raw = self.workdir / "raw.jsonl"
        env = {
            **os.environ,
            "TEAM_FILE": str(self.team_file),
            "TEAM_HOSTS": ",".join(app.url for app in self.apps),
            "TEAM_SECONDS": str(self.args.seconds),
            "TEAM_RAW": str(raw),
            "TEAM_CREATES": "1" if self.args.scenario == "faults" else "0",
        }
        helper = None
        if self.args.scenario == "faults":
            helper = threading.Thread(target=self.faults, args=(raw,), daemon=True)
        elif self.args.scenario == "kill":
            helper = threading.Thread(target=self.kill, args=(raw,), daemon=True)
        if helper:
            helper.start()
        n = str(len(self.members))
        with (self.workdir / "locust.log").open("w") as log:
            subprocess.run(
                [
                    *(sys.executable, "-m", "locust", "-f", str(ROOT / "bench/team_locustfile.py")),
                    *("--headless", "--only-summary", "-u", n, "-r", n, "--loglevel", "WARNING"),
                    *("--run-time", f"{self.args.seconds + 240:.0f}s", "--stop-timeout", "30"),
                    *("--host", self.apps[0].url),
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                check=False,
            )
        self.stop_faults.set()
        if helper:
            helper.join(timeout=30)
        return raw

    def wait_for_job(self) -> float:
        from kantata_admin.bulk.models import BulkJob

        give_up = time.monotonic() + 300
        while time.monotonic() < give_up:
            job = BulkJob.objects.get(pk=self.job.pk)
            if job.finished:
                return (job.finished_at or job.created_at).timestamp() - job.created_at.timestamp()
            time.sleep(1)
        return float("nan")

    # --- checks ----------------------------------------------------------------------

    def check_writes(self, rows: list[dict]) -> list[str]:
        """Every acknowledged save's name is upstream unless a later attempt (whose
        answer was lost) replaced it; every acknowledged create is there once."""
        problems = []
        names = Counter(g.name for g in self.api.workspace_groups.iter_all())
        by_id = {g.id: g.name for g in self.api.workspace_groups.iter_all()}
        saves = defaultdict(list)
        for row in rows:
            if row.get("write") == "update":
                saves[row["group"]].append(row)
        acknowledged = 0
        for group, attempts in saves.items():
            attempts.sort(key=lambda r: r["began"])
            acked = [i for i, r in enumerate(attempts) if r["status"] == 302]
            acknowledged += len(acked)
            if not acked:
                continue
            possible = {r["wanted"] for r in attempts[acked[-1] :]}
            if by_id.get(group) not in possible:
                problems.append(f"group {group}: upstream {by_id.get(group)!r}, acked {possible}")
        creates = [r for r in rows if r.get("write") == "create"]
        made = [r for r in creates if r["status"] == 302]
        lost = [r["wanted"] for r in made if names[r["wanted"]] != 1]
        twice = [name for name, n in names.items() if n > 1]
        problems += [f"acknowledged create missing or doubled: {w}" for w in lost]
        problems += [f"name created twice: {w}" for w in twice]
        self.write_counts = (acknowledged, sum(len(a) for a in saves.values()), len(made))
        self.write_counts += (len(creates),)
        return problems

    def check_job(self) -> list[str]:
        from django.db.models import Count

        from kantata_admin.audit.models import AuditEntry
        from kantata_admin.bulk.models import BulkJob, ItemState

        job = BulkJob.objects.get(pk=self.job.pk)
        self.job = job
        problems = []
        states = Counter(job.items.values_list("state", flat=True))
        if states != Counter({ItemState.DONE: len(self.job_groups)}):
            problems.append(f"job items: {dict(states)}")
        per_group = Counter(
            dict(
                AuditEntry.objects.filter(bulk_item__job=job)
                .values_list("group_id")
                .annotate(n=Count("id"))
            )
        )
        doubled = [g for g, n in per_group.items() if n != 1]
        if doubled or len(per_group) != len(self.job_groups):
            problems.append(f"audit entries per group: {len(per_group)} groups, doubled {doubled}")
        ids = {g.id for g in self.job_groups}
        notes = {g.id: g.notes for g in self.api.workspace_groups.iter_all() if g.id in ids}
        wrong = [g for g, n in notes.items() if n != self.wanted_notes]
        if wrong:
            problems.append(f"{len(wrong)} job groups without the job's notes upstream")
        return problems

    # --- the whole run ---------------------------------------------------------------

    def stop(self) -> None:
        for process in [*self.apps, *self.workers]:
            process.stop()
        if self.sandbox:
            self.sandbox.stop()
        try:
            from django.core.cache import cache

            client = cache._cache.get_client(write=True)
            keys = list(client.scan_iter(match=f"{self.prefix}:*", count=1000))
            if keys:
                client.delete(*keys)
        except Exception:  # tidying only
            pass

    def report(self, raw: Path, job_seconds: float) -> bool:
        rows = [json.loads(line) for line in raw.read_text().splitlines() if line.strip()]
        measured = [r for r in rows if r["measured"]]
        if not measured:
            raise SystemExit(f"no request was measured: see {self.workdir}/locust.log")
        span = (max(r["at"] for r in measured) - min(r["at"] for r in measured)) or 1
        args, ok = self.args, True
        print(
            f"\n{args.scenario}: {len(self.members)} members, {args.seconds:.0f} s measured, "
            f"2 app processes + 1 worker + sandbox ({args.latency_ms} ms) on "
            f"{os.cpu_count()} cores; budget {args.budget}/min, read timeout {args.read_timeout} s"
        )
        for event in self.events:
            print(f"  {event}")
        print(f"  {len(measured)} requests, {len(measured) / span:.1f} requests/s")
        print(
            f"  {'page':<10}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'p95/p50':>9}  statuses"
        )
        for page in PAGES:
            times = [r["ms"] for r in measured if r["name"] == page]
            if not times:
                continue
            p50, p95, p99 = (_percentile(times, p) for p in (50, 95, 99))
            statuses = Counter(r["status"] for r in measured if r["name"] == page)
            print(
                f"  {page:<10}{len(times):>6}{p50:>9.0f}{p95:>9.0f}{p99:>9.0f}{p95 / p50:>9.2f}"
                f"  {dict(sorted(statuses.items()))}"
            )
            if args.scenario == "plain" and p95 > 2.5 * p50:
                ok = False
                print(f"    MISSED: {page} p95 > 2.5 x p50")
        own = [r for r in measured if r["status"] == 500 or (r["status"] == 0 and r["error"])]
        if args.scenario == "kill":
            # The killed process's requests in flight die with it, and connections it then
            # refuses are the balancer's to route: neither is the survivor's error.
            victim = self.apps[1].port
            died = [
                r
                for r in own
                if r.get("port") == victim and r["status"] == 0 and r["at"] >= self.killed_at
            ]
            own = [r for r in own if r not in died]
            alive = [r for r in measured if r.get("port") == self.apps[0].port]
            after = [r for r in alive if r["at"] > self.killed_at]
            bad = [r for r in after if r["status"] >= 400 or r["error"]]
            refused = sum(1 for r in died if "refused" in r["error"].lower())
            print(
                f"  after the kill, :{self.apps[0].port} answered {len(after)} requests, "
                f"{len(bad)} errors (target 0); on :{victim}, {len(died) - refused} requests "
                f"died with it (in flight) and {refused} were refused (then routed away)"
            )
            ok &= not bad and bool(after)
        upstream = [r for r in measured if r["status"] in UPSTREAM_PAGES]
        other = [r for r in measured if 400 <= r["status"] < 500 and r["status"] != 429]
        if args.scenario == "faults":
            slowest = max((r["ms"] for r in upstream), default=0)
            print(
                f"  upstream failures answered as their pages: {len(upstream)} "
                f"(median {statistics.median([r['ms'] for r in upstream] or [0]):.0f} ms, "
                f"slowest {slowest:.0f} ms; target well under 60 s)"
            )
            print(f"  4xx of the dashboard's own (forms refused): {len(other)}")
            print(f"  faults queued: {dict(getattr(self, 'faults_queued', {}))}")
            ok &= slowest < 60_000
            errors = own
        else:
            errors = own + upstream + other
        print(f"  errors: {len(errors)} (target 0); 5xx of the dashboard's own: {len(own)}")
        for r in errors[:5]:
            print(f"    {r['name']} {r['status']} {r['error'][:120]}")
        ok &= not errors
        logs = "\n".join(p.log_text() for p in [*self.apps, *self.workers])
        found = tracebacks(logs)
        print(f"  tracebacks in the apps' and workers' logs: {len(found)} (target 0)")
        for trace in found[:3]:
            print("    " + trace.replace("\n", "\n    ")[:1500])
        ok &= not found
        if args.scenario != "plain":
            problems = self.check_writes(rows)
            acked, tried, made, creates = self.write_counts
            print(
                f"  saves acknowledged {acked} of {tried}, creates acknowledged {made} of "
                f"{creates}: {len(problems)} lost or doubled (target 0)"
            )
            for problem in problems[:5]:
                print(f"    {problem}")
            ok &= not problems
        job_problems = self.check_job()
        job = self.job
        print(
            f"  bulk job ({len(self.job_groups)} groups, notes): {job.state}, {job.done} done, "
            f"{job.failed} failed, {job.skipped} skipped, in {job_seconds:.0f} s; "
            f"each done once: {job_problems or 'yes'}"
        )
        ok &= not job_problems and job.failed == 0
        print(f"  logs: {self.workdir}")
        print("  ALL TARGETS MET" if ok else "  TARGETS MISSED")
        return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=("plain", "faults", "kill"), default="plain")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--groups", type=int, default=500)
    parser.add_argument("--job-groups", type=int, default=300)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--budget", type=int, default=6000, help="requests/min per account")
    parser.add_argument("--read-timeout", type=float, default=5.0)
    parser.add_argument("--port", type=int, default=8500)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/bench_load")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/5")
    args = parser.parse_args()
    run = Run(args)
    ok = False
    try:
        run.start_sandbox()
        run.setup_django()
        run.seed()
        run.start_processes()
        run.start_job()
        raw = run.drive()
        job_seconds = run.wait_for_job()
        ok = run.report(raw, job_seconds)
    finally:
        run.stop()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
