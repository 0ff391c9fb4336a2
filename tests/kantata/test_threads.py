"""One client shared by many threads: every call succeeds, each thread keeps one pooled
session, and the client's counters add up exactly."""

import threading
from concurrent.futures import ThreadPoolExecutor

from kantata_admin.kantata import KantataClient
from kantata_admin.kantata.client import session_for

THREADS = 8
CALLS_EACH = 5


def test_threads_sharing_a_client_each_use_one_session(sandbox, admin_token):
    client = KantataClient(admin_token, base_url=sandbox.api_url)
    origin = sandbox.base
    everyone_started = threading.Barrier(THREADS)

    def work() -> tuple[int, set[int], list[str]]:
        # All threads at once, so the pool cannot hand two tasks to one thread.
        everyone_started.wait(timeout=10)
        sessions, emails = set(), []
        for _ in range(CALLS_EACH):
            emails.append(client.users.me().email_address)
            sessions.add(id(session_for(origin)))
        return threading.get_ident(), sessions, emails

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = [f.result() for f in [pool.submit(work) for _ in range(THREADS)]]

    assert len({ident for ident, _, _ in results}) == THREADS
    assert all(len(sessions) == 1 for _, sessions, _ in results)
    assert len({next(iter(sessions)) for _, sessions, _ in results}) == THREADS
    assert all(len(emails) == CALLS_EACH and all(emails) for _, _, emails in results)
    counters = client.counters
    assert (counters.calls, counters.retries, counters.failures) == (THREADS * CALLS_EACH, 0, 0)
