"""A log line and a count for every upstream HTTP call.

`track_calls()` lets a test or benchmark assert how many calls a piece of work made; it
follows the current context (thread or task), so parallel requests do not mix counts.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

logger = logging.getLogger("kantata_admin.kantata")


@dataclass(frozen=True, slots=True)
class Call:
    """One HTTP request sent upstream. `status` and `request_id` (the answer's
    `X-Request-Id`) are None when no response arrived."""

    method: str
    path: str
    status: int | None
    milliseconds: float
    retries: int
    request_id: str | None = None


@dataclass
class CallRecorder:
    calls: list[Call] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.calls)

    @property
    def retries(self) -> int:
        return sum(1 for call in self.calls if call.retries)


_recorders: ContextVar[tuple[CallRecorder, ...]] = ContextVar("kantata_recorders", default=())


@contextmanager
def track_calls() -> Iterator[CallRecorder]:
    """Record every upstream call made in this context until the block ends; nests."""
    recorder = CallRecorder()
    token = _recorders.set((*_recorders.get(), recorder))
    try:
        yield recorder
    finally:
        _recorders.reset(token)


class ClientCounters:
    """Per-client totals; a client may be shared between threads, hence the lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.calls = 0
        self.retries = 0
        self.failures = 0

    def add(self, call: Call) -> None:
        with self._lock:
            self.calls += 1
            self.retries += 1 if call.retries else 0
            self.failures += 1 if call.status is None or call.status >= 400 else 0

    def __repr__(self) -> str:
        return (
            f"ClientCounters(calls={self.calls}, retries={self.retries}, failures={self.failures})"
        )


def record_call(call: Call, counters: ClientCounters) -> None:
    """Log the call at INFO and count it everywhere that is listening."""
    logger.info(
        "%s %s -> %s in %.0fms (retries=%d, request id %s)",
        call.method,
        call.path,
        call.status if call.status is not None else "no response",
        call.milliseconds,
        call.retries,
        call.request_id or "none",
        extra={
            "kantata_method": call.method,
            "kantata_path": call.path,
            "kantata_status": call.status,
            "kantata_ms": round(call.milliseconds, 1),
            "kantata_retries": call.retries,
            "kantata_request_id": call.request_id,
        },
    )
    counters.add(call)
    for recorder in _recorders.get():
        recorder.calls.append(call)
