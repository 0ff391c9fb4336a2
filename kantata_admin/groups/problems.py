"""What a member is told when Kantata OX does not do what a page asked: one mapping from a
client error, and whether the page read or wrote, to the title, the message, the status of
the page that says it, whether a retry can help, and Kantata's request id.

Every group page uses it: the list, a group's page, the export, the forms, the picker, and
the partial saves (some custom field values written, some not).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kantata_admin.groups.read_back import NOT_SAVED, WriteAnswerLost
from kantata_admin.groups.value_writes import ValueWrites
from kantata_admin.kantata import (
    BadRequest,
    KantataError,
    MalformedResponse,
    PermissionDenied,
    RateLimited,
    ServiceUnavailable,
    Timeout,
    TransportError,
    UpstreamBusy,
)

logger = logging.getLogger(__name__)

# What a write had done when it failed, by what it was doing.
_NOTHING_DONE = {"create": "Nothing was saved: ", "save": "Nothing was saved: "}
_NOTHING_DONE["delete"] = "Nothing was deleted: "


@dataclass(frozen=True)
class Problem:
    """What the page says when Kantata OX did not give an answer it can use."""

    title: str
    message: str
    status: int
    request_id: str | None = None
    can_retry: bool = True

    def __str__(self) -> str:
        """The message with Kantata's request id: what a form shows above its fields."""
        rid = self.request_id
        return f"{self.message} Request id: {rid}." if rid else self.message


def status_for(error: KantataError) -> int:
    """The status of the page that shows `error`, whether it read or wrote."""
    if isinstance(error, PermissionDenied):
        return 403
    if isinstance(error, RateLimited):
        return 429
    if isinstance(error, Timeout):
        return 504
    if isinstance(error, TransportError | ServiceUnavailable):
        # Not reached, or said it cannot serve now: unavailable, worth a retry later.
        return 503
    if isinstance(error, BadRequest):
        return 400  # what was asked (the filters, the form as typed) was refused
    return 502


def _said(error: KantataError) -> str:
    said = "; ".join(m for m in error.messages if m) or "no reason given"
    return said if said.endswith((".", "!", "?")) else f"{said}."


def _title(error: KantataError, doing: str) -> str:
    if isinstance(error, RateLimited | UpstreamBusy):
        return "Kantata OX is busy"
    if isinstance(error, ServiceUnavailable):
        return "Kantata OX is unavailable"
    if isinstance(error, Timeout):
        return "Kantata OX did not answer in time"
    if isinstance(error, TransportError):
        return "Kantata OX could not be reached"
    if isinstance(error, BadRequest):
        return (
            "Kantata OX refused this query"
            if doing == "search"
            else f"Kantata OX refused to {doing}"
        )
    if isinstance(error, PermissionDenied):
        return "Kantata OX does not allow this"
    return "Kantata OX gave an answer this page cannot read"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _answer_lost(error: KantataError, doing: str) -> str:
    """A write whose answer was lost or unreadable, as the group read back says it stands
    ("saved" goes on as a success; these are the other outcomes)."""
    lost = "Kantata OX's answer was lost"
    if isinstance(error, WriteAnswerLost) and error.outcome == NOT_SAVED:
        if error.doing == "delete":
            return f"{lost}, and the group is still there: it was not deleted. Delete again."
        return f"{lost}, and the group holds none of this change: nothing was saved. Save again."
    if isinstance(error, WriteAnswerLost):
        return (
            f"{lost}, and the group holds part of this change: it may have been saved. "
            f"Kantata OX holds now: {error.holds_now()}. Check the form before saving again."
        )
    if doing == "create" and error.write_checked:
        return f"{lost}, and no group it made was found: nothing was created. Create again."
    if doing == "create":
        return f"{lost}. The group may have been created: look for it in the list first."
    return f"{lost}, so the {doing} may or may not have gone through. Open the group to check."


def _situation_and_advice(
    error: KantataError, doing: str, *, writing: bool, done: str
) -> tuple[str, str]:
    """What happened, and what to do now. `done` says what a failed write had done
    ("Nothing was saved: "), "" when part of it went through."""
    if writing and isinstance(error, WriteAnswerLost | MalformedResponse):
        return _answer_lost(error, doing), ""
    if isinstance(error, PermissionDenied):
        if writing:
            what = "create workspace groups" if doing == "create" else "change this group"
        else:
            what = "see what this page asked for"
        return f"Your Kantata account may not {what}.", ""
    if isinstance(error, RateLimited):
        wait = f"about {round(error.retry_after)} seconds" if error.retry_after else "a minute"
        return "Kantata OX is receiving too many requests.", f"{done}wait {wait} and {doing} again."
    if isinstance(error, UpstreamBusy):
        again = f"{done}{doing} again in a moment." if done else "try again in a moment."
        return "Too many pages are waiting for Kantata OX right now.", again
    if isinstance(error, ServiceUnavailable):
        return "Kantata OX is unavailable right now.", f"{done}{doing} again in a moment."
    if isinstance(error, TransportError) and writing and doing == "create":
        return (
            "Kantata OX did not answer in time.",
            "The group may have been created: look for it in the list before creating it again.",
        )
    if isinstance(error, TransportError) and writing:
        return (
            f"Kantata OX did not answer in time, so the {doing} may or may not have gone through.",
            "Open the group in another tab to check before trying again.",
        )
    if isinstance(error, TransportError):
        return f"{_title(error, doing)}.", f"{doing} again in a moment."
    if isinstance(error, BadRequest) or writing:
        fix = " Change the filters and try again." if doing == "search" else ""
        return f"Kantata OX refused to {doing}: {_said(error)}{fix}", ""
    logger.warning("group page: unexpected upstream failure: %s", error)
    return (
        "Kantata OX gave an answer this page cannot read.",
        "Retry; if it keeps happening, tell your administrator its request id.",
    )


def problem_for(error: KantataError, *, writing: bool, doing: str = "") -> Problem:
    """The one wording of `error` for a page that read (`writing` False: `doing` "load" or
    "search") or wrote (`doing` "create", "save" or "delete"); a form keeps everything
    typed."""
    doing = doing or ("save" if writing else "load")
    done = _NOTHING_DONE.get(doing, "") if writing else ""
    situation, advice = _situation_and_advice(error, doing, writing=writing, done=done)
    message = f"{situation} {_capital(advice)}" if advice else situation
    return Problem(
        title=_title(error, doing),
        message=message,
        status=status_for(error),
        request_id=getattr(error, "request_id", None),
        can_retry=not isinstance(error, BadRequest | PermissionDenied),
    )


def upstream_problem(error: KantataError) -> Problem:
    """The list's wording (a search), for the browse pages' callers."""
    return problem_for(error, writing=False, doing="search")


def values_problem(
    writes: ValueWrites, *, group_name: str, group_written: bool, created: bool = False
) -> str:
    """Which part of a save went through and which did not, when the group was written (or
    needed no write) but some custom field values were not."""
    names = ", ".join(writes.not_saved) or "some custom field values"
    if group_written:
        done = f"Created “{group_name}”" if created else f"Saved the group “{group_name}”"
        text = f"{done}, but not these custom field values: {names}."
    elif writes.saved:
        text = f"Saved some custom field values, but not these: {names}."
    else:
        text = f"Nothing was saved: Kantata OX did not save these custom field values: {names}."
    error = writes.failure
    if error is None:
        return f"{text} Correct them below and save again."
    if isinstance(error, PermissionDenied):
        why = "Your Kantata account may not change them."
    elif isinstance(error, MalformedResponse) and error.write_checked:
        why = "Kantata OX's answer was lost, and they were not found there: save them again."
    elif isinstance(error, TransportError | MalformedResponse):
        why = (
            "Kantata OX's answer did not arrive whole, so the last of them may have been saved: "
            "open the group in another tab to check before saving again."
        )
    elif isinstance(error, RateLimited | ServiceUnavailable):  # UpstreamBusy too
        situation, advice = _situation_and_advice(error, "save", writing=True, done="")
        why = f"{situation[:-1]}: {advice}"
    else:
        why = f"Kantata OX refused them: {_said(error)}"
    request_id = getattr(error, "request_id", None)
    return f"{text} {why} Request id: {request_id}." if request_id else f"{text} {why}"
