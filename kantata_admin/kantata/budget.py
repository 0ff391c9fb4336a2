"""What the requestor asks before each send when a rate budget is given (no Django here:
the budget itself lives in `kantata_admin.ratebudget`)."""

from __future__ import annotations

from typing import Protocol


class RateBudget(Protocol):
    """A share of one Kantata account's request rate, for one kind of caller (a page or a
    background job)."""

    def wait_turn(self, remaining: float) -> None:
        """Block until one more request may be sent, for at most about `remaining` seconds."""

    def answered(self, status: int | None) -> None:
        """What the request got: an HTTP status, or None when nothing came back. A 429
        tells the budget that the account is over Kantata's limit."""
