"""Each error class from a real sandbox answer or injected fault; retries; safe creates."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from kantata_admin.kantata import (
    NO_RETRIES,
    AuthenticationError,
    BadRequest,
    ConnectionFailed,
    KantataClient,
    MalformedResponse,
    NotFound,
    PermissionDenied,
    RateLimited,
    RetryPolicy,
    ServiceUnavailable,
    Timeout,
    ValidationFailed,
    WorkspaceGroupFilters,
    track_calls,
)
from tests.kantata.conftest import FAST_RETRIES
from tests.sandbox_harness import (
    ADMIN_EMAIL,
    IMPATIENT_TIMEOUT,
    LATE_MS,
    SANDBOX_PASSWORD,
    unique_name,
)


def test_unknown_token_is_an_authentication_error(sandbox):
    client = KantataClient("not-a-real-token", base_url=sandbox.api_url)
    with pytest.raises(AuthenticationError) as caught:
        client.users.me()
    assert caught.value.status == 401
    assert caught.value.messages == ("Invalid OAuth 2 Request",)
    assert caught.value.path == "/users/me.json"
    assert "not-a-real-token" not in str(caught.value)


def _oauth_token(sandbox, email: str, client_id: str) -> str:
    """A token through the real authorization-code flow, for an application of its own."""
    secret, redirect = "test-secret", "http://127.0.0.1:1/callback"
    sandbox.register_application(client_id, secret, [redirect])
    browser = requests.Session()
    signin = f"{sandbox.url}/signin"
    browser.get(signin)
    # The sandbox's CSRF cookie has a name of its own (it shares cookies with the dashboard).
    csrf = {"csrfmiddlewaretoken": browser.cookies.get("kantata_sandbox_csrftoken", "")}
    browser.post(signin, data={**csrf, "email": email, "password": SANDBOX_PASSWORD})
    flow = {"client_id": client_id, "redirect_uri": redirect, "response_type": "code"}
    answer = browser.post(
        f"{sandbox.url}/oauth/authorize",
        data={**flow, **csrf, "decision": "approve"},
        allow_redirects=False,
    )
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    token = requests.post(
        f"{sandbox.url}/oauth/token",
        data={
            "client_id": client_id,
            "client_secret": secret,
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect,
        },
    )
    return token.json()["access_token"]


def test_revoked_token_is_an_authentication_error(sandbox):
    client_id = f"revoke-test-{time.time_ns()}"
    token = _oauth_token(sandbox, ADMIN_EMAIL, client_id)
    client = KantataClient(token, base_url=sandbox.api_url)
    assert client.users.me().email_address == ADMIN_EMAIL
    sandbox.revoke_access(ADMIN_EMAIL, client_id)
    with pytest.raises(AuthenticationError) as caught:
        client.users.me()
    assert caught.value.messages == ("Invalid OAuth 2 Request",)


def test_readonly_user_may_not_write(sandbox, readonly_token):
    client = KantataClient(readonly_token, base_url=sandbox.api_url)
    with pytest.raises(PermissionDenied) as caught:
        client.workspace_groups.create({"name": unique_name()})
    assert caught.value.status == 403
    assert caught.value.path == "/workspace_groups.json"


def test_missing_group_is_not_found(client):
    with pytest.raises(NotFound) as caught:
        client.workspace_groups.get(999999999)
    assert caught.value.status == 404
    assert caught.value.path == "/workspace_groups/999999999.json"


def test_other_accounts_group_is_not_found(sandbox, client, other_account_token):
    other = KantataClient(other_account_token, base_url=sandbox.api_url)
    foreign = other.workspace_groups.list(per_page=1).records[0]
    with pytest.raises(NotFound):
        client.workspace_groups.get(foreign.id)


def test_duplicate_name_fails_validation_with_its_field(client, new_group):
    group = new_group()
    with pytest.raises(ValidationFailed) as caught:
        client.workspace_groups.create({"name": group.name.upper()})
    error = caught.value
    assert error.status == 422
    assert "name" in error.field_errors
    assert all(e.field and e.message for e in error.errors)


def test_bad_query_is_a_bad_request_with_its_request_id(client, caplog):
    # The client refuses bad values itself, so go under it to reach the server's 400. (An
    # unknown order is not one: like the real service, the sandbox falls back to its
    # default order.)
    with (
        caplog.at_level("INFO", logger="kantata_admin.kantata"),
        pytest.raises(BadRequest) as caught,
    ):
        client.request("GET", "/workspace_groups.json", params={"created_after": "soon"})
    error = caught.value
    assert error.status == 400
    assert error.details[0].type == "system"
    # The answer's X-Request-Id: on the error, in its message, and in the call's log line.
    assert error.request_id and len(error.request_id) >= 8
    assert str(error).endswith(f"(request id {error.request_id})")
    assert [r.kantata_request_id for r in caplog.records] == [error.request_id]


def test_rate_limit_is_reported_with_retry_after(sandbox, fresh_token):
    sandbox.set_rate_limit(fresh_token, 1)
    try:
        client = KantataClient(fresh_token, base_url=sandbox.api_url, retry=NO_RETRIES)
        client.users.me()
        with pytest.raises(RateLimited) as caught:
            client.users.me()
        assert caught.value.status == 429
        assert 0 < caught.value.retry_after <= 60
    finally:
        sandbox.set_rate_limit(fresh_token, None)


def test_429_with_retry_after_is_retried_after_that_delay(sandbox, fresh_token, faulty, sleeps):
    sandbox.fault(fresh_token, kind="429", retry_after=1)
    with track_calls() as calls:
        assert faulty.users.me().email_address
    assert [c.status for c in calls.calls] == [429, 200]
    assert calls.calls[1].retries == 1
    assert len(sleeps) == 1 and 1 <= sleeps[0] < 1.1


def test_429_without_retry_after_backs_off(sandbox, fresh_token, faulty, sleeps):
    sandbox.fault(fresh_token, kind="429", count=2)
    with track_calls() as calls:
        faulty.workspace_groups.list(per_page=1)
    assert [c.status for c in calls.calls] == [429, 429, 200]
    assert len(sleeps) == 2 and all(0 < s <= FAST_RETRIES.backoff_cap for s in sleeps)


def test_503_is_retried_then_given_up(sandbox, fresh_token, faulty):
    sandbox.fault(fresh_token, kind="503", count=10)
    with track_calls() as calls, pytest.raises(ServiceUnavailable) as caught:
        faulty.users.me()
    assert calls.count == FAST_RETRIES.max_attempts
    assert caught.value.status == 503 and caught.value.messages


def test_a_create_is_not_repeated_on_503(sandbox, fresh_token, faulty):
    sandbox.fault(fresh_token, kind="503")
    with track_calls() as calls, pytest.raises(ServiceUnavailable):
        faulty.workspace_groups.create({"name": unique_name()})
    assert calls.count == 1


def test_a_create_is_retried_after_429(sandbox, fresh_token, faulty, client):
    sandbox.fault(fresh_token, kind="429", retry_after=0)
    name = unique_name()
    group = faulty.workspace_groups.create({"name": name})
    try:
        assert group.name == name
        assert len(client.workspace_groups.list(WorkspaceGroupFilters(matching=name)).records) == 1
    finally:
        client.workspace_groups.delete(group.id)


def test_malformed_json_is_reported(sandbox, fresh_token, faulty):
    sandbox.fault(fresh_token, kind="malformed")
    with pytest.raises(MalformedResponse) as caught:
        faulty.workspace_groups.list()
    assert caught.value.path == "/workspace_groups.json"
    # An answer that does not parse is still one Kantata's support can look up.
    request_id = caught.value.request_id
    assert request_id and str(caught.value).endswith(f"(request id {request_id})")


def test_dropped_connection_on_a_read_is_retried(sandbox, fresh_token, faulty):
    sandbox.fault(fresh_token, kind="drop")
    with track_calls() as calls:
        assert faulty.users.me()
    assert [c.status for c in calls.calls] == [None, 200]


def test_dropped_connection_without_retries_is_connection_failed(sandbox, fresh_token):
    client = KantataClient(fresh_token, base_url=sandbox.api_url, retry=NO_RETRIES)
    sandbox.fault(fresh_token, kind="drop")
    with pytest.raises(ConnectionFailed) as caught:
        client.users.me()
    assert caught.value.maybe_processed
    assert caught.value.path == "/users/me.json"


def test_read_timeout_is_reported_and_retried_for_reads(sandbox, fresh_token, slow):
    once = KantataClient(
        fresh_token, base_url=sandbox.api_url, read_timeout=IMPATIENT_TIMEOUT, retry=NO_RETRIES
    )
    sandbox.fault(fresh_token, kind="delay", delay_ms=LATE_MS)
    with pytest.raises(Timeout) as caught:
        once.users.me()
    assert "?" not in str(caught.value)
    sandbox.fault(fresh_token, kind="delay", delay_ms=LATE_MS)
    with track_calls() as calls:
        slow.users.me()
    assert [c.status for c in calls.calls] == [None, 200]


def test_refused_connection_is_connection_failed():
    client = KantataClient(
        "token",
        base_url="http://127.0.0.1:9/api/v1",
        retry=RetryPolicy(max_attempts=2, backoff_base=0),
    )
    with track_calls() as calls, pytest.raises(ConnectionFailed) as caught:
        client.users.me()
    assert not caught.value.maybe_processed
    assert calls.count == 2


def test_timed_out_create_is_not_duplicated(sandbox, fresh_token, slow, client):
    """The create lands, its answer is late; the client finds it instead of sending again."""
    sandbox.fault(fresh_token, kind="delay", delay_ms=LATE_MS)
    name = unique_name()
    with track_calls() as calls:
        group = slow.workspace_groups.create({"name": name, "notes": "once"})
    try:
        assert group.name == name and group.notes == "once"
        assert [(c.method, c.status) for c in calls.calls] == [("POST", None), ("GET", 200)]
        same_name = client.workspace_groups.list(WorkspaceGroupFilters(matching=name))
        assert [g.id for g in same_name] == [group.id]
    finally:
        client.workspace_groups.delete(group.id)


def test_dropped_create_is_not_duplicated(sandbox, fresh_token, faulty, client):
    sandbox.fault(fresh_token, kind="drop")
    name = unique_name()
    with track_calls() as calls:
        group = faulty.workspace_groups.create({"name": name})
    try:
        assert [c.method for c in calls.calls] == ["POST", "GET"]
        assert [
            g.id for g in client.workspace_groups.list(WorkspaceGroupFilters(matching=name))
        ] == [group.id]
    finally:
        client.workspace_groups.delete(group.id)


def test_retries_of_an_update_and_delete(sandbox, fresh_token, faulty, new_group):
    group = new_group()
    sandbox.fault(fresh_token, kind="503")
    assert faulty.workspace_groups.update(group.id, {"notes": "retried"}).notes == "retried"
    sandbox.fault(fresh_token, kind="429", retry_after=0)
    with track_calls() as calls:
        faulty.workspace_groups.delete(group.id)
    assert [c.status for c in calls.calls] == [429, 204]


def test_dropped_delete_is_retried_and_counts_as_done(sandbox, fresh_token, faulty, client):
    group = client.workspace_groups.create({"name": unique_name()})
    sandbox.fault(fresh_token, kind="drop")
    with track_calls() as calls:
        faulty.workspace_groups.delete(group.id)
    assert [c.status for c in calls.calls] == [None, 404]
    with pytest.raises(NotFound):
        client.workspace_groups.get(group.id)


def test_timed_out_update_is_retried(sandbox, fresh_token, slow, new_group):
    group = new_group()
    sandbox.fault(fresh_token, kind="delay", delay_ms=LATE_MS)
    with track_calls() as calls:
        updated = slow.workspace_groups.update(group.id, {"name": group.name, "notes": "late"})
    assert updated.notes == "late"
    assert [(c.method, c.status) for c in calls.calls] == [("PUT", None), ("PUT", 200)]


def test_workspaces_of_another_account_fail_validation_on_that_field(
    sandbox, client, new_group, other_account_token
):
    other = KantataClient(other_account_token, base_url=sandbox.api_url)
    foreign = other.workspaces.list(per_page=1).records[0]
    group = new_group()
    with pytest.raises(ValidationFailed) as caught:
        client.workspace_groups.add_workspace_ids(group.id, [foreign.id], name=group.name)
    assert list(caught.value.field_errors) == ["add_workspace_ids"]
    assert foreign.id in caught.value.field_errors["add_workspace_ids"][0]


def test_404_after_a_429_on_delete_is_not_found(sandbox, fresh_token, faulty):
    # The 429 was refused unprocessed, so the 404 that follows is about the id itself.
    sandbox.fault(fresh_token, kind="429", retry_after=0)
    with track_calls() as calls, pytest.raises(NotFound):
        faulty.workspace_groups.delete(999999999)
    assert [c.status for c in calls.calls] == [429, 404]


def test_none_fields_of_a_dict_update_are_not_sent(client, new_group):
    group = new_group(notes="kept", contact_name="Ann")
    with track_calls() as calls:
        updated = client.workspace_groups.update(
            group.id, {"name": None, "notes": None, "contact_name": "Bea"}
        )
    assert (updated.name, updated.notes, updated.contact_name) == (group.name, "kept", "Bea")
    # No name given, so it was read first.
    assert [c.method for c in calls.calls] == ["GET", "PUT"]
