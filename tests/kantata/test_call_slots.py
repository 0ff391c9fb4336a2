"""A per-process cap on calls in flight (issue 14, defect 8): a call that finds every slot
taken waits briefly, then fails fast with UpstreamBusy, sending nothing, instead of
holding one more of the server's threads for up to the read timeout."""

import threading
import time

import pytest

from kantata_admin.kantata import KantataClient, UpstreamBusy, track_calls
from kantata_admin.kantata.transport import call_slots
from tests.kantata.conftest import FAST_RETRIES


@pytest.fixture
def two_slots():
    limit, wait = call_slots.limit, call_slots.wait
    call_slots.configure(2, wait=0.3)
    yield
    call_slots.configure(limit, wait=wait)


def test_a_call_beyond_the_cap_fails_fast_and_sends_nothing(sandbox, two_slots):
    slow_tokens = sandbox.tokens("admin@sandbox.test", 2)
    waiting = KantataClient(sandbox.token(), base_url=sandbox.api_url, retry=FAST_RETRIES)
    for token in slow_tokens:
        sandbox.fault(token, kind="delay", delay_ms=2500)
    slow = [KantataClient(t, base_url=sandbox.api_url, retry=FAST_RETRIES) for t in slow_tokens]
    holding = [threading.Thread(target=client.users.me) for client in slow]
    for thread in holding:
        thread.start()
    time.sleep(0.8)  # both slots taken, their answers 1.7 s away

    started = time.monotonic()
    with track_calls() as calls, pytest.raises(UpstreamBusy) as busy:
        waiting.users.me()
    waited = time.monotonic() - started

    assert 0.25 <= waited < 1.0  # the short wait, not the slow calls' 1.7 s
    assert busy.value.status == 503
    assert [c.status for c in calls.calls] == [None]  # one attempt, never retried or sent
    for thread in holding:
        thread.join(10)
    assert waiting.users.me().email_address == "admin@sandbox.test"  # free again
