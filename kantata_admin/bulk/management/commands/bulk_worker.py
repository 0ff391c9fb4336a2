"""`manage.py bulk_worker`: the background worker of this site. It runs django-tasks-db's
`db_worker` (its options pass through), and beside it a reaper that resumes bulk jobs
whose worker stopped heartbeating (killed, or its machine gone). With
`TASKS_BACKEND=django_tasks_rq.RQBackend` it runs RQ's `rqworker` instead."""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from kantata_admin.bulk.tasks import reap_stalled


def _reap_forever(stop: threading.Event, every: float) -> None:
    try:
        while True:
            try:
                reap_stalled()
            except Exception:  # a locked database now is no reason to stop reaping
                connection.close()
            if stop.wait(every):
                return
    finally:
        connection.close()


class Command(BaseCommand):
    help = "Run background tasks (django-tasks-db's db_worker) and resume stalled bulk jobs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0)
        parser.add_argument("--queue-name", default="default")

    def handle(self, *args: Any, interval: float, queue_name: str, **options: Any) -> None:
        stop = threading.Event()
        every = max(0.5, settings.BULK_STALE_SECONDS / 2)
        reaper = threading.Thread(target=_reap_forever, args=(stop, every), daemon=True)
        reaper.start()
        try:
            if settings.TASKS["default"]["BACKEND"].startswith("django_tasks_rq."):
                # RQ's worker; its scheduler runs the continuations deferred after a 429.
                call_command(
                    "rqworker", queue_name, "--with-scheduler", "--job-class", "django_tasks_rq.Job"
                )
            else:
                call_command(
                    "db_worker",
                    "--no-startup-delay",
                    interval=interval,
                    queue_name=queue_name,
                    verbosity=options.get("verbosity", 1),
                )
        finally:
            stop.set()
