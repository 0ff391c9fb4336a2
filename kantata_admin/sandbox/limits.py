"""The sandbox's stated limits on what a request may carry (docs/sandbox.md).

Past them a request is refused with a clear answer, never a 5xx: a body over
MAX_BODY_BYTES is 413, JSON nested deeper than MAX_NESTING is 400.
"""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest

MAX_BODY_BYTES = 1024 * 1024
MAX_NESTING = 32
# An oversized body up to this size is read and thrown away before the 413, so that the
# client, still sending, sees the answer rather than a reset connection; beyond it the
# answer goes out at once.
DRAIN_BYTES = 8 * MAX_BODY_BYTES


class BodyRefused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _too_large() -> BodyRefused:
    return BodyRefused(413, f"The request body is larger than {MAX_BODY_BYTES} bytes.")


def checked_body(request: HttpRequest) -> bytes:
    """The raw body, or BodyRefused when it is over MAX_BODY_BYTES (or unreadable)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise BodyRefused(400, "The Content-Length header is not a number.") from None
    if declared > MAX_BODY_BYTES:
        _drain(request, declared)
        raise _too_large()
    try:
        raw = request.body
    except RequestDataTooBig:
        raise _too_large() from None
    except OSError:  # the client went away or sent less than it declared
        raise BodyRefused(400, "The request body could not be read.") from None
    if len(raw) > MAX_BODY_BYTES:
        raise _too_large()
    return raw


def _drain(request: HttpRequest, declared: int) -> None:
    if declared > DRAIN_BYTES:
        return
    try:
        while request.read(64 * 1024):
            pass
    except OSError:
        pass  # the client gave up: nothing left to be polite to


def too_deep(value: object) -> bool:
    """Whether a parsed JSON value nests deeper than MAX_NESTING (walked without recursion)."""
    stack = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            node = list(node.values())
        if isinstance(node, list):
            if depth + 1 > MAX_NESTING:
                return True
            stack.extend((child, depth + 1) for child in node)
    return False


NESTING_MESSAGE = f"The request body is nested deeper than {MAX_NESTING} levels."
