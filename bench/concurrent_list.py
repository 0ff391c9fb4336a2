"""Fifty group list pages requested at once from `make run`'s setup all answer 200.

    uv run python bench/concurrent_list.py [--pages 50] [--port 8200] [--sandbox-port 8201]

Sets up as `make run` does (migrate, demo_setup, `honcho start` of the Procfile: the
dashboard's gunicorn and the sandbox's, two processes), on throwaway databases and the
given ports; signs the demo admin in, connects it with a personal token of the sandbox's
administrator, warms the page once, then requests `--pages` list pages at the same moment
(one thread each). Prints each status's count and the latencies (median, p90, max), and
exits 1 unless every page answered 200. Stops every process it started.
"""

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
DEMO_ADMIN = ("demo-admin@kantata-admin.test", "demo-admin-pass-2026")
LIST = "/groups/?per_page=20&include=workspaces&order=name:asc"


def _run(args: list[str], env: dict[str, str]) -> None:
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True, capture_output=True)


def _wait_for(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer in {seconds:.0f} s")


def _signed_in_and_connected(base: str, sandbox: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{base}/accounts/login/").text
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    login = browser.post(
        f"{base}/accounts/login/",
        data={"csrfmiddlewaretoken": csrf, "login": DEMO_ADMIN[0], "password": DEMO_ADMIN[1]},
        headers={"Referer": f"{base}/accounts/login/"},
    )
    login.raise_for_status()
    token = requests.post(
        f"{sandbox}/controls/tokens", json={"email": "admin@sandbox.test"}, timeout=30
    ).json()["tokens"][0]
    page = browser.get(f"{base}/kantata/").text
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    connected = browser.post(
        f"{base}/kantata/personal-token/",
        data={"csrfmiddlewaretoken": csrf, "token": token},
        headers={"Referer": f"{base}/kantata/"},
    )
    connected.raise_for_status()
    return browser


def burst(base: str, browser: requests.Session, pages: int) -> list[tuple[int, float]]:
    """`pages` requests released together; (status, seconds) of each."""
    cookies = browser.cookies.get_dict()
    start = threading.Barrier(pages)
    results: list[tuple[int, float]] = []
    lock = threading.Lock()

    def one() -> None:
        session = requests.Session()
        session.cookies.update(cookies)
        start.wait()
        began = time.perf_counter()
        try:
            status = session.get(f"{base}{LIST}", timeout=120).status_code
        except requests.RequestException:
            status = 0
        with lock:
            results.append((status, time.perf_counter() - began))

    threads = [threading.Thread(target=one) for _ in range(pages)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--port", type=int, default=8200)
    parser.add_argument("--sandbox-port", type=int, default=8201)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-concurrent-"))
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("KANTATA_", "DJANGO_", "SANDBOX_")) and key != "REDIS_URL"
    }
    env.update(
        PORT=str(args.port),
        SANDBOX_PORT=str(args.sandbox_port),
        DATABASE_URL=f"sqlite:///{workdir / 'dashboard.sqlite3'}",
        SANDBOX_DATABASE_URL=f"sqlite:///{workdir / 'sandbox.sqlite3'}",
        LOG_LEVEL="WARNING",
    )
    _run(["manage.py", "migrate", "--noinput"], env)
    _run(["manage.py", "demo_setup", "--port", str(args.port)], env)
    log = (workdir / "honcho.log").open("w")
    honcho = subprocess.Popen(
        [sys.executable, "-m", "honcho", "start"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base, sandbox = f"http://127.0.0.1:{args.port}", f"http://127.0.0.1:{args.sandbox_port}"
    try:
        _wait_for(f"{base}/healthz")
        _wait_for(f"{sandbox}/healthz")
        browser = _signed_in_and_connected(base, sandbox)
        warm = browser.get(f"{base}{LIST}")
        if warm.status_code != 200:
            raise SystemExit(f"the list page answered {warm.status_code} before the burst")
        results = burst(base, browser, args.pages)
    finally:
        os.killpg(honcho.pid, signal.SIGINT)  # as Ctrl-C: honcho stops both servers
        honcho.wait(timeout=30)
        log.close()
    statuses = Counter(status for status, _ in results)
    times = sorted(seconds for _, seconds in results)
    p90 = times[int(0.9 * (len(times) - 1))]
    counted = ", ".join(f"{n} x {status}" for status, n in statuses.items())
    print(f"{args.pages} list pages at once: {counted}")
    print(
        f"latency: median {statistics.median(times) * 1000:.0f} ms, "
        f"p90 {p90 * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms"
    )
    sys.exit(0 if statuses == Counter({200: args.pages}) else 1)


if __name__ == "__main__":
    main()
