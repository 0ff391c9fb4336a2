"""Sixteen list pages at once all answer (issue 14, defect 8): with Kantata OX slow, the
process lets only so many upstream calls be in flight; a page that finds none free waits
briefly, then says "Kantata OX is busy" (503) instead of holding a thread for a minute."""

import threading
import time

import pytest
import requests
from django.conf import settings

from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.services import connection_save_checked
from kantata_admin.kantata.transport import call_slots
from tests.groups.browse_fixtures import listed_ids

PAGES = 16


@pytest.fixture
def four_slots():
    limit, wait = call_slots.limit, call_slots.wait
    call_slots.configure(4, wait=1.5)
    yield
    call_slots.configure(limit, wait=wait)


@pytest.mark.django_db(transaction=True)
def test_sixteen_list_pages_at_once_all_answer(
    live_server, kantata_sandbox, make_member, login, fresh_token, four_slots
):
    member = make_member("viewer")
    connection_save_checked(member, TokenGrant(fresh_token))
    cookie = {
        settings.SESSION_COOKIE_NAME: login(member).cookies[settings.SESSION_COOKIE_NAME].value
    }
    url = f"{live_server.url}/groups/"
    assert listed_ids(requests.get(url, cookies=cookie, timeout=30).text)  # definitions cached
    # From now on every upstream call of the member's takes a second to answer.
    kantata_sandbox.fault(fresh_token, kind="delay", delay_ms=1000, count=PAGES)
    answers: list[tuple[int, str, float]] = []

    def page() -> None:
        started = time.monotonic()
        response = requests.get(url, cookies=cookie, timeout=60)
        answers.append((response.status_code, response.text, time.monotonic() - started))

    threads = [threading.Thread(target=page) for _ in range(PAGES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert len(answers) == PAGES
    statuses = sorted(status for status, _, _ in answers)
    assert set(statuses) <= {200, 503}, statuses
    assert statuses.count(200) >= 4  # the slots kept working through the queue
    assert statuses.count(503) >= 1  # and the pages beyond them were told at once
    for status, text, _ in answers:
        if status == 503:
            assert "Kantata OX is busy" in text and "Try again in a moment" in text
        else:
            assert listed_ids(text)
    assert max(seconds for _, _, seconds in answers) < 15  # nobody waited for a minute
    kantata_sandbox.clear_faults(fresh_token)
