"""One wording and one status for each upstream failure, whether the page read or wrote
(issue 17 item 2)."""

import pytest

from kantata_admin.groups.problems import problem_for
from kantata_admin.kantata import (
    BadRequest,
    ConnectionFailed,
    MalformedResponse,
    PermissionDenied,
    RateLimited,
    ServiceUnavailable,
    Timeout,
)

ERRORS = [
    BadRequest("x", status=400),
    PermissionDenied("x", status=403),
    RateLimited("x", status=429, retry_after=7),
    ServiceUnavailable("x", status=503),
    Timeout("x"),
    ConnectionFailed("x"),
    MalformedResponse("x", request_id="req-9"),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_a_list_and_a_save_answer_the_same_status_and_title(error):
    read = problem_for(error, writing=False, doing="search")
    write = problem_for(error, writing=True, doing="save")
    assert read.status == write.status
    assert (read.can_retry, read.request_id) == (write.can_retry, write.request_id)


def test_a_refused_connection_is_unavailable_on_a_list_and_on_a_save():
    for writing in (False, True):
        assert problem_for(ConnectionFailed("x"), writing=writing).status == 503
        assert problem_for(Timeout("x"), writing=writing).status == 504
        assert problem_for(BadRequest("x", status=400), writing=writing).status == 400


def test_a_refusal_without_a_reason_reads_as_a_sentence():
    problem = problem_for(BadRequest("x", status=400), writing=False, doing="search")
    assert problem.message == (
        "Kantata OX refused to search: no reason given. Change the filters and try again."
    )


def test_a_write_says_what_was_not_done_and_carries_the_request_id():
    error = ServiceUnavailable("x", status=503, request_id="req-1")
    assert str(problem_for(error, writing=True, doing="delete")) == (
        "Kantata OX is unavailable right now. Nothing was deleted: delete again in a moment."
        " Request id: req-1."
    )
