"""The per-token rate limit holds across threads and across server processes."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.sandbox_harness import (
    SandboxServer,
    listening_socket,
    spawn_gunicorn,
    wait_until_serving,
)


def call(api_url: str, token: str) -> int:
    response = requests.get(
        f"{api_url}/users/me.json", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    return response.status_code


@pytest.fixture(scope="module")
def second_server(sandbox: SandboxServer):
    """Another gunicorn process over the same sandbox database, as a second host would be."""
    listener = listening_socket()
    port = listener.getsockname()[1]
    process = spawn_gunicorn(listener, {**sandbox.env(), "PORT": str(port)})
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, process)
        yield f"{base}/api/v1"
    finally:
        process.terminate()
        process.wait(timeout=10)
        listener.close()


def test_two_server_processes_share_one_budget(sandbox, second_server, fresh_token):
    sandbox.set_rate_limit(fresh_token, 4)
    first = [call(api, fresh_token) for api in (sandbox.api_url, second_server) * 2]
    assert first == [200, 200, 200, 200]
    assert call(sandbox.api_url, fresh_token) == 429
    assert call(second_server, fresh_token) == 429
    sandbox.set_rate_limit(fresh_token, None)


def test_concurrent_calls_are_counted_exactly(sandbox, second_server, fresh_token):
    sandbox.set_rate_limit(fresh_token, 5)
    targets = [sandbox.api_url, second_server] * 8
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda api: call(api, fresh_token), targets))
    assert sorted(statuses) == [200] * 5 + [429] * 11
    sandbox.set_rate_limit(fresh_token, None)
