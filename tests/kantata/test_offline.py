"""Checks that need no server: status mapping, retry policy, construction, bodies, records."""

import random
import subprocess
import sys

import pytest

from kantata_admin import __version__
from kantata_admin.kantata import (
    USER_AGENT,
    APIError,
    AuthenticationError,
    BadRequest,
    ConnectionFailed,
    CustomField,
    InsecureBaseURL,
    InvalidRequest,
    KantataClient,
    MalformedResponse,
    NotFound,
    Page,
    PermissionDenied,
    RateLimited,
    RetryPolicy,
    ServiceUnavailable,
    Timeout,
    ValidationFailed,
    WorkspaceGroup,
    error_for_response,
)
from kantata_admin.kantata.observability import Call, ClientCounters, record_call, track_calls
from kantata_admin.kantata.pagination import records_from_envelope
from kantata_admin.kantata.payloads import (
    ExternalReferenceInput,
    WorkspaceGroupInput,
    workspace_group_body,
)


@pytest.mark.parametrize(
    ("status", "body", "cls"),
    [
        (
            401,
            {"errors": [{"type": "oauth", "message": "Invalid OAuth 2 Request"}]},
            AuthenticationError,
        ),
        (403, {"errors": [{"type": "system", "message": "no"}]}, PermissionDenied),
        (404, None, NotFound),
        (
            422,
            {"errors": [{"type": "validation", "message": "taken", "field": "name"}]},
            ValidationFailed,
        ),
        (429, {}, RateLimited),
        (400, {"errors": [{"type": "system", "message": "bad"}]}, BadRequest),
        (503, "<html>", ServiceUnavailable),
        (502, None, ServiceUnavailable),
        (409, None, APIError),
    ],
)
def test_each_status_maps_to_one_class(status, body, cls):
    error = error_for_response(status, body, path="/workspace_groups.json", method="GET")
    assert type(error) is cls
    assert error.status == status
    assert error.path == "/workspace_groups.json"
    assert str(status) in str(error)


def test_validation_errors_carry_each_field_and_message():
    body = {
        "errors": [
            {"type": "validation", "message": "Name has already been taken", "field": "name"},
            {"type": "validation", "message": "Email is invalid", "field": "email"},
        ]
    }
    error = error_for_response(422, body, path="/workspace_groups.json")
    assert [(e.field, e.message) for e in error.errors] == [
        ("name", "Name has already been taken"),
        ("email", "Email is invalid"),
    ]
    assert error.field_errors == {
        "name": ["Name has already been taken"],
        "email": ["Email is invalid"],
    }
    assert error.messages == ("Name has already been taken", "Email is invalid")


def test_retry_after_is_read_in_seconds():
    error = error_for_response(429, {}, path="/x.json", headers={"Retry-After": "3"})
    assert error.retry_after == 3.0
    assert (
        error_for_response(429, {}, path="/x.json", headers={"Retry-After": "soon"}).retry_after
        is None
    )


def test_retry_policy_retries_only_what_is_safe():
    policy = RetryPolicy()
    unavailable = ServiceUnavailable("x", status=503)
    dropped = ConnectionFailed("x")
    refused = ConnectionFailed("x", maybe_processed=False)
    limited = RateLimited("x", status=429)
    for method in ("GET", "PUT", "DELETE"):
        for error in (unavailable, dropped, Timeout("x"), limited):
            assert policy.is_retryable(method, error)
    assert policy.is_retryable("POST", limited)
    assert policy.is_retryable("POST", refused)
    for error in (unavailable, dropped, Timeout("x")):
        assert not policy.is_retryable("POST", error)
    assert not policy.is_retryable("GET", NotFound("x", status=404))


def test_backoff_is_capped_jittered_and_bounded():
    policy = RetryPolicy(max_attempts=10, backoff_base=1, backoff_cap=4, total_budget=100)
    rng = random.Random(1)
    error = ServiceUnavailable("x", status=503)
    delays = [
        policy.next_delay("GET", error, attempt=n, remaining=100, rng=rng) for n in range(1, 10)
    ]
    assert all(0 < d <= 4 for d in delays)
    assert delays[-1] >= 2  # capped at 4, jittered within its upper half
    assert policy.next_delay("GET", error, attempt=10, remaining=100) is None
    # A wait must leave time to send again within the call's budget.
    assert policy.next_delay("GET", error, attempt=1, remaining=0.1) is None
    honoured = RateLimited("x", status=429, retry_after=3)
    assert 3 <= policy.next_delay("GET", honoured, attempt=1, remaining=100) < 3.1
    too_long = RateLimited("x", status=429, retry_after=600)
    assert policy.next_delay("GET", too_long, attempt=1, remaining=1000) is None


@pytest.mark.parametrize(
    "url",
    [
        "http://api.mavenlink.com/api/v1",
        "http://10.0.0.5:8000/api/v1",
        "ftp://127.0.0.1/api",
        "https://user:pw@api.example.com/api/v1",
        "https://api.example.com/api/v1?x=1",
    ],
)
def test_https_is_required_except_on_loopback(url):
    with pytest.raises(InsecureBaseURL):
        KantataClient("token", base_url=url)


@pytest.mark.parametrize(
    "url",
    [
        "https://api.mavenlink.com/api/v1",
        "http://127.0.0.1:8000/sandbox/api/v1/",
        "http://127.9.9.9/api/v1",
        "http://[::1]:8000/api/v1",
        "http://localhost:8000/api/v1",
    ],
)
def test_loopback_and_https_are_accepted(url):
    client = KantataClient("token", base_url=url)
    assert not client.base_url.endswith("/")
    assert "token" not in repr(client).replace("token=***", "")


def test_tokens_must_be_plain_strings():
    for token in ("", "a b", "abc\r\nX-Evil: 1"):
        with pytest.raises(InvalidRequest):
            KantataClient(token)


def test_user_agent_names_product_and_version():
    assert USER_AGENT.startswith(f"KantataAdmin/{__version__}")


def test_write_bodies_send_only_what_was_given():
    body = workspace_group_body(
        WorkspaceGroupInput(
            name="Acme",
            add_workspace_ids=["5", 6],
            external_reference=ExternalReferenceInput(
                "salesforce", "Account", "1", status="failed"
            ),
        ),
        creating=True,
    )
    assert body == {
        "workspace_group": {
            "name": "Acme",
            "add_workspace_ids": [5, 6],
            "external_reference": {
                "service_name": "salesforce",
                "service_model": "Account",
                "service_model_ref": "1",
                "status": "failed",
            },
        }
    }


@pytest.mark.parametrize(
    ("payload", "creating"),
    [
        ({}, False),
        ({"notes": "x"}, True),
        ({"name": "x", "colour": "red"}, True),
        ({"name": "x", "remove_workspace_ids": [1]}, True),
        ({"name": "x", "company": "yes"}, True),
        ({"name": "x", "add_workspace_ids": ["a"]}, True),
        ({"name": "x", "external_reference": {"service_name": "s"}}, True),
        (
            {"name": "x", "external_reference": ExternalReferenceInput("s", "m", "1", status="ok")},
            True,
        ),
    ],
)
def test_bad_write_bodies_are_refused(payload, creating):
    with pytest.raises(InvalidRequest):
        workspace_group_body(payload, creating=creating)


def test_503_carries_retry_after_too():
    error = error_for_response(503, None, path="/x.json", headers={"Retry-After": "2"})
    assert error.retry_after == 2.0
    assert ConnectionFailed("x").status is None


def test_the_client_package_imports_no_django():
    code = (
        "import sys, kantata_admin.kantata; print(any(m.startswith('django') for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_track_calls_nests_and_stops_at_the_block_end():
    counters = ClientCounters()
    call = Call("GET", "/x.json", 200, 1.0, 0)
    with track_calls() as outer:
        record_call(call, counters)
        with track_calls() as inner:
            record_call(call, counters)
    record_call(call, counters)
    assert (outer.count, inner.count, counters.calls) == (2, 1, 3)


REAL_LIST = {  # a real list response from the service, trimmed (docs: kantata-api-notes.md)
    "count": 390,
    "results": [{"key": "workspace_groups", "id": "2186095"}],
    "workspace_groups": {
        "2186095": {
            "created_at": "2019-08-19T09:41:55-07:00",
            "updated_at": "2020-04-21T04:26:22-07:00",
            "name": "3AYEZ INC.",
            "company": True,
            "contact_name": "Abdel Morsy",
            "email": "abdel@3ayez.com",
            "phone_number": "",
            "address": "",
            "website": "",
            "notes": None,
            "id": "2186095",
        }
    },
    "meta": {"count": 390, "page_count": 20, "page_number": 1, "page_size": 20},
}


def test_a_real_response_parses_into_a_page():
    page = Page.from_envelope(REAL_LIST, WorkspaceGroup, path="/x.json", page=1, per_page=20)
    (group,) = page.records
    assert (page.count, page.page_count, page.page_number, page.page_size) == (390, 20, 1, 20)
    assert group.id == "2186095" and group.name == "3AYEZ INC." and group.company
    assert group.notes == "" and group.phone_number == ""  # null and "" both empty
    assert group.created_at.utcoffset().total_seconds() == -7 * 3600
    assert group.raw is REAL_LIST["workspace_groups"]["2186095"]


def test_results_decide_order_and_membership_not_the_keyed_objects():
    body = {
        "count": 2,
        "results": [{"key": "custom_fields", "id": "2"}, {"key": "custom_fields", "id": "1"}],
        "custom_fields": {
            "1": {"id": "1", "name": "A", "value_type": "single", "choice_ids": ["7", "8"]},
            "2": {"id": "2", "name": "B", "value_type": "string"},
            "3": {"id": "3", "name": "included only", "value_type": "string"},
        },
        "custom_field_choices": {"7": {"id": "7", "label": "Seven", "position": 0}},
    }
    records = records_from_envelope(body, CustomField, path="/x.json")
    assert [r.id for r in records] == ["2", "1"]
    assert records[0].choices is None  # not included
    assert [c.label for c in records[1].choices] == ["Seven"]  # 8 was not sent: skipped


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {"count": 1},
        {"results": [{"key": "workspace_groups", "id": "1"}]},
        {"results": [{"id": "1"}]},
        {
            "results": [{"key": "workspace_groups", "id": "1"}],
            "workspace_groups": {"1": {"id": "1", "created_at": "soon"}},
        },
    ],
)
def test_bodies_without_the_envelope_are_malformed(body):
    with pytest.raises(MalformedResponse):
        records_from_envelope(body, WorkspaceGroup, path="/x.json")
