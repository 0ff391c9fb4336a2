"""What a member is told when Kantata OX does not do what they asked: one sentence per
failure and action, and the status code of the page that says it."""

from kantata_admin.groups.read_back import NOT_SAVED, WriteAnswerLost
from kantata_admin.groups.value_writes import ValueWrites
from kantata_admin.kantata import (
    KantataError,
    MalformedResponse,
    PermissionDenied,
    RateLimited,
    ServiceUnavailable,
    TransportError,
    UpstreamBusy,
)


def upstream_problem(error: KantataError, *, doing: str = "save") -> str:
    """The sentence shown when Kantata did not do what the member asked (`doing`: "create",
    "save", "delete", "search" or "load"); a form keeps everything typed."""
    if isinstance(error, WriteAnswerLost | MalformedResponse):
        return _with_request_id(answer_lost_problem(error, doing=doing), error)
    if isinstance(error, PermissionDenied):
        if doing == "create":
            return "Your Kantata account may not create workspace groups."
        return "Your Kantata account may not change this group."
    nothing_done = {"search": "", "load": "", "delete": "Nothing was deleted: "}.get(
        doing, "Nothing was saved: "
    )
    if isinstance(error, RateLimited):
        wait = f"about {round(error.retry_after)} seconds" if error.retry_after else "a minute"
        text = f"Kantata OX is receiving too many requests. {nothing_done}wait {wait}"
        text += f" and {doing} again."
    elif isinstance(error, UpstreamBusy):
        text = f"Kantata OX is busy: too many pages are waiting for it. {nothing_done}"
        text += f"{doing} again in a moment." if nothing_done else "Try again in a moment."
    elif isinstance(error, ServiceUnavailable):
        advice = f"{nothing_done}{doing} again in a moment."
        text = f"Kantata OX is unavailable right now. {advice[0].upper()}{advice[1:]}"
    elif isinstance(error, TransportError) and doing == "create":
        text = (
            "Kantata OX did not answer in time. The group may have been created: look for it "
            "in the list before creating it again."
        )
    elif isinstance(error, TransportError) and doing in ("save", "delete"):
        text = (
            f"Kantata OX did not answer in time, so the {doing} may or may not have gone "
            "through. Open the group in another tab to check before trying again."
        )
    elif isinstance(error, TransportError):
        text = "Kantata OX did not answer in time. Try again in a moment."
    else:
        detail = "; ".join(m for m in error.messages if m) or "no reason given"
        text = f"Kantata OX refused to {doing} ({detail})."
    request_id = getattr(error, "request_id", None)
    return f"{text} Request id: {request_id}." if request_id else text


def answer_lost_problem(error: KantataError, *, doing: str) -> str:
    """A write whose answer was lost or unreadable, as the group read back says it stands
    (issue 14: "saved" goes on as a success; these are the other outcomes)."""
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


def _with_request_id(text: str, error: KantataError) -> str:
    request_id = getattr(error, "request_id", None)
    return f"{text} Request id: {request_id}." if request_id else text


def status_for(error: KantataError) -> int:
    if isinstance(error, PermissionDenied):
        return 403
    if isinstance(error, RateLimited):
        return 429
    if isinstance(error, TransportError):
        return 504
    return 502 if not isinstance(error, ServiceUnavailable) else 503


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
    elif isinstance(error, RateLimited):
        why = "Kantata OX is receiving too many requests: wait a minute and save again."
    elif isinstance(error, ServiceUnavailable):
        why = "Kantata OX is unavailable right now: save again in a moment."
    elif isinstance(error, MalformedResponse) and error.write_checked:
        why = "Kantata OX's answer was lost, and they were not found there: save them again."
    elif isinstance(error, TransportError | MalformedResponse):
        why = (
            "Kantata OX's answer did not arrive whole, so the last of them may have been saved: "
            "open the group in another tab to check before saving again."
        )
    else:
        detail = "; ".join(m for m in error.messages if m) or "no reason given"
        why = f"Kantata OX refused them ({detail})."
    request_id = getattr(error, "request_id", None)
    return f"{text} {why} Request id: {request_id}." if request_id else f"{text} {why}"
