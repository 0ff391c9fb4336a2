"""Kantata's own "no" to a member's writes, remembered for their connection.

A dashboard editor may be connected as a Kantata user who may only read. When Kantata
answers 403 to one of the member's writes, the refusal is remembered for that connection
(in the shared cache, so every app process knows it) for REMEMBER_FOR; pages then show the
write controls as unavailable with the reason instead of offering a save Kantata will
refuse. A later write that succeeds (Kantata's permissions may have changed) forgets it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone

from kantata_admin.connections.models import KantataConnection

REMEMBER_FOR = 15 * 60  # seconds
REASON = "Kantata OX lets your account read these groups but not change them."


@dataclass(frozen=True)
class WriteRefusal:
    """Kantata refused a write by this connection: when, and what it said."""

    reason: str
    at: datetime


def _key(connection: KantataConnection) -> str:
    return f"groups:write-refused:v1:{connection.pk}"


def remember_refusal(connection: KantataConnection, message: str = "") -> None:
    """Kantata answered 403 to a write by this connection. `message` is Kantata's own
    wording, shown after the dashboard's explanation."""
    reason = f"{REASON} Kantata OX said: {message}" if message else REASON
    cache.set(_key(connection), {"reason": reason, "at": timezone.now()}, REMEMBER_FOR)


def refusal_for(connection: KantataConnection | None) -> WriteRefusal | None:
    """The remembered refusal for this connection, or None (also for no connection)."""
    if connection is None or connection.pk is None:
        return None
    stored = cache.get(_key(connection))
    if not stored:
        return None
    return WriteRefusal(reason=stored["reason"], at=stored["at"])


def clear_refusal(connection: KantataConnection) -> None:
    """A write by this connection succeeded: Kantata lets it write again."""
    cache.delete(_key(connection))
