"""The sandbox's clock for token and code lifetimes, which tests may move forward.

Now is the real time plus an offset that only the test controls change (`POST
/controls/clock`, docs/sandbox.md), so an expiry test moves the clock instead of
sleeping. The offset lives in this process: the sandbox runs as one process (threads),
as `make run` and the test harness start it.
"""

import threading
from datetime import datetime, timedelta

from django.utils import timezone

_lock = threading.Lock()
_offset = timedelta(0)


def now() -> datetime:
    """The sandbox's time: the real time, moved by what tests advanced."""
    return timezone.now() + _offset


def offset() -> timedelta:
    return _offset


def advance(seconds: float) -> timedelta:
    """Move the clock forward (never back: a lifetime already over stays over)."""
    global _offset
    if seconds < 0:
        raise ValueError("the clock only moves forward")
    with _lock:
        _offset += timedelta(seconds=seconds)
        return _offset
