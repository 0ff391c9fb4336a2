"""Fault injection and the per-token rate limit, driven over HTTP as client tests do."""

import time
import uuid

import pytest
import requests

from tests.sandbox_harness import IMPATIENT_TIMEOUT, LATE_MS


def groups(sandbox, token, **kwargs) -> requests.Response:
    return requests.get(
        f"{sandbox.api_url}/workspace_groups.json",
        headers={"Authorization": f"Bearer {token}"},
        **kwargs,
    )


def test_a_429_fault_answers_the_next_n_calls_then_stops(sandbox, fresh_token):
    sandbox.fault(fresh_token, kind="429", count=2, retry_after=3)
    first, second, third = (groups(sandbox, fresh_token) for _ in range(3))
    assert first.status_code == second.status_code == 429
    assert first.headers["Retry-After"] == "3"
    assert first.json()["errors"][0]["type"] == "system"
    assert third.status_code == 200


def test_a_429_fault_may_come_without_retry_after(sandbox, fresh_token):
    sandbox.fault(fresh_token, kind="429")
    response = groups(sandbox, fresh_token)
    assert response.status_code == 429 and "Retry-After" not in response.headers


def test_a_503_fault(sandbox, fresh_token):
    sandbox.fault(fresh_token, kind="503")
    response = groups(sandbox, fresh_token)
    assert response.status_code == 503 and response.json()["errors"][0]["type"] == "system"


def test_faults_apply_only_to_their_token(sandbox, fresh_token, admin_token):
    sandbox.fault(fresh_token, kind="503")
    assert groups(sandbox, admin_token).status_code == 200
    assert groups(sandbox, fresh_token).status_code == 503


def test_faults_queue_in_order(sandbox, fresh_token):
    sandbox.fault(fresh_token, kind="503")
    sandbox.fault(fresh_token, kind="429")
    assert [groups(sandbox, fresh_token).status_code for _ in range(3)] == [503, 429, 200]


def test_clearing_faults(sandbox, fresh_token):
    sandbox.fault(fresh_token, kind="503", count=5)
    sandbox.clear_faults(fresh_token)
    assert groups(sandbox, fresh_token).status_code == 200


def test_a_delay_fault_answers_late_but_the_write_happened(sandbox, fresh_token):
    name = f"Delayed {uuid.uuid4().hex[:8]}"
    sandbox.fault(fresh_token, kind="delay", delay_ms=LATE_MS)
    with pytest.raises(requests.Timeout):
        requests.post(
            f"{sandbox.api_url}/workspace_groups.json",
            json={"workspace_group": {"name": name}},
            headers={"Authorization": f"Bearer {fresh_token}"},
            timeout=IMPATIENT_TIMEOUT,
        )
    found = groups(sandbox, fresh_token, params={"matching": name}).json()
    assert found["count"] == 1
    pk = found["results"][0]["id"]
    requests.delete(
        f"{sandbox.api_url}/workspace_groups/{pk}.json",
        headers={"Authorization": f"Bearer {fresh_token}"},
    )


def test_a_delay_fault_still_answers_in_full(sandbox, fresh_token):
    on_time = groups(sandbox, fresh_token).json()
    sandbox.fault(fresh_token, kind="delay", delay_ms=300)
    started = time.monotonic()
    response = groups(sandbox, fresh_token)
    assert response.status_code == 200 and time.monotonic() - started >= 0.3
    assert response.json() == on_time  # late, but the same full answer


def test_a_drop_fault_cuts_the_connection(sandbox, fresh_token):
    sandbox.fault(fresh_token, kind="drop")
    with pytest.raises(requests.ConnectionError):
        groups(sandbox, fresh_token)
    assert groups(sandbox, fresh_token).status_code == 200


def test_a_malformed_fault_answers_broken_json(sandbox, fresh_token):
    sandbox.fault(fresh_token, kind="malformed")
    response = groups(sandbox, fresh_token)
    assert response.status_code == 200
    with pytest.raises(requests.JSONDecodeError):
        response.json()


@pytest.mark.parametrize("kind", ["malformed", "drop"])
def test_a_fault_before_the_work_loses_the_answer_and_does_nothing(sandbox, fresh_token, kind):
    name = f"Never made {uuid.uuid4().hex[:8]}"
    sandbox.fault(fresh_token, kind=kind, before_work=True)
    with pytest.raises((requests.JSONDecodeError, requests.ConnectionError)):
        requests.post(
            f"{sandbox.api_url}/workspace_groups.json",
            json={"workspace_group": {"name": name}},
            headers={"Authorization": f"Bearer {fresh_token}"},
            timeout=10,
        ).json()
    assert groups(sandbox, fresh_token, params={"matching": name}).json()["count"] == 0


@pytest.mark.parametrize(
    "body",
    [{"kind": "explode"}, {"kind": "429", "count": -1}, {"kind": "delay", "delay_ms": "soon"}],
)
def test_bad_fault_requests_are_400(sandbox, fresh_token, body):
    response = requests.post(
        f"{sandbox.url}/faults", json=body, headers={"Authorization": f"Bearer {fresh_token}"}
    )
    assert response.status_code == 400


def test_faults_need_a_token(sandbox):
    assert requests.post(f"{sandbox.url}/faults", json={"kind": "503"}).status_code == 401


def test_the_rate_limit_answers_429_past_the_per_minute_budget(sandbox, fresh_token):
    sandbox.set_rate_limit(fresh_token, 3)
    statuses = [groups(sandbox, fresh_token).status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
    limited = groups(sandbox, fresh_token)
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.json()["errors"][0]["type"] == "system"
    sandbox.set_rate_limit(fresh_token, None)  # back to settings: 0 = unlimited
    assert groups(sandbox, fresh_token).status_code == 200
