"""When a failed call may be sent again, and how long to wait first."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .errors import (
    ConnectionFailed,
    KantataError,
    RateLimited,
    ServiceUnavailable,
    Timeout,
    TLSOrProxyError,
    TransportError,
)

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE"})


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded, jittered exponential backoff that honours `Retry-After`.

    `max_attempts` counts the first try. `total_budget` (seconds, from the first send) caps
    the whole call including waits: the client cuts each attempt's timeouts to what is left,
    and a wait that would use up the rest is not taken. The default budget is twice the
    client's default 30 s read timeout, so a read that timed out can be tried once more.
    """

    max_attempts: int = 4
    backoff_base: float = 0.25
    backoff_cap: float = 8.0
    total_budget: float = 60.0
    # Longest Retry-After we are willing to sleep through inside one request.
    max_retry_after: float = 20.0
    retry_statuses: frozenset[int] = field(default=frozenset({429, 503}))

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.backoff_base < 0 or self.backoff_cap < 0 or self.total_budget < 0:
            raise ValueError("backoff and budget must not be negative")

    def is_retryable(self, method: str, error: KantataError) -> bool:
        """Whether sending the same request again cannot do harm.

        Other failures may have been processed upstream: only idempotent methods repeat
        them. A create that may have gone through is handled by the caller's lookup, never
        here. A TLS or proxy failure would only fail again.
        """
        if isinstance(error, RateLimited):
            # Even a POST: a 429 is a refusal before any processing, and the seed's "Rate
            # limiting" section says to "simply retry your request after a small delay".
            return 429 in self.retry_statuses
        if isinstance(error, TLSOrProxyError):
            return False
        if isinstance(error, TransportError) and not error.maybe_processed:
            return True
        if method.upper() not in IDEMPOTENT_METHODS:
            return False
        if isinstance(error, ServiceUnavailable):
            return error.status in self.retry_statuses
        return isinstance(error, ConnectionFailed | Timeout)

    def next_delay(
        self,
        method: str,
        error: KantataError,
        *,
        attempt: int,
        remaining: float,
        rng: random.Random | None = None,
    ) -> float | None:
        """Seconds to wait before retry number `attempt` (1 for the first), or None to stop.

        `remaining` is what is left of the call's budget; a wait must leave time to send.
        """
        if attempt >= self.max_attempts or not self.is_retryable(method, error):
            return None
        retry_after = error.retry_after
        if retry_after is not None:
            if retry_after > self.max_retry_after:
                return None
            # The server said when; a little jitter keeps many clients from returning at once.
            delay = retry_after + (rng or random).uniform(0, 0.05)
        else:
            ceiling = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
            delay = (rng or random).uniform(ceiling / 2, ceiling)
        return delay if delay < remaining else None


NO_RETRIES = RetryPolicy(max_attempts=1)
