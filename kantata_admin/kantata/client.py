"""`KantataClient`: one object per token, holding its requestor and resource namespaces.

As in stripe's `StripeClient`: the client owns the settings (base URL, timeouts, retry
policy) through one requestor (requestor.py), and hands that requestor to each resource
namespace (`client.workspace_groups` and so on, resources.py). Nothing below imports this
module.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from .budget import RateBudget
from .custom_field_value_resource import CustomFieldValues
from .errors import InvalidRequest
from .observability import ClientCounters
from .records import Record
from .recovery import create_once
from .requestor import Requestor
from .resources import (
    CustomFieldChoices,
    CustomFields,
    ExternalReferences,
    RateCardSets,
    Users,
    WorkspaceGroups,
    Workspaces,
)
from .retry import RetryPolicy
from .transport import USER_AGENT, BearerAuth, session_for

DEFAULT_BASE_URL = "https://api.mavenlink.com/api/v1"

# session_for: the pooled sessions are per thread and origin, shared by every client.
__all__ = ["DEFAULT_BASE_URL", "USER_AGENT", "KantataClient", "session_for"]


class KantataClient:
    """The Kantata OX API for one token.

    Settings are passed in (no Django here). Safe to share between threads; connections are
    pooled per thread and base URL, not per client.
    """

    def __init__(
        self,
        token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        token_provider: Callable[[], str | None] | None = None,
        rate_budget: RateBudget | None = None,
    ) -> None:
        """`token_provider`, when given, is called after a 401 for a new token (or None when
        there is none); the refused request alone is sent once more with it."""
        if not isinstance(token, str) or not token or any(c.isspace() for c in token):
            raise InvalidRequest("token must be a non-empty string without whitespace")
        # Wrapped and dropped before anything else can raise: a traceback that records its
        # frames' locals (error trackers, capture_locals) must not find the token here.
        self._auth = BearerAuth(token)
        del token
        self._requestor = Requestor(
            self._auth,
            base_url=base_url,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retry=retry or RetryPolicy(),
            sleep=sleep,
            token_provider=token_provider,
            rate_budget=rate_budget,
        )
        self.workspace_groups = WorkspaceGroups(self._requestor)
        self.workspaces = Workspaces(self._requestor)
        self.custom_fields = CustomFields(self._requestor)
        self.custom_field_choices = CustomFieldChoices(self._requestor)
        self.custom_field_values = CustomFieldValues(self._requestor)
        self.rate_card_sets = RateCardSets(self._requestor)
        self.external_references = ExternalReferences(self._requestor)
        self.users = Users(self._requestor)

    def __repr__(self) -> str:
        # getattr: a traceback may show the client before __init__ has made its requestor.
        requestor = getattr(self, "_requestor", None)
        base_url = requestor.base_url if requestor is not None else None
        return f"KantataClient(base_url={base_url!r}, token=***)"

    @property
    def base_url(self) -> str:
        return self._requestor.base_url

    @property
    def timeout(self) -> tuple[float, float]:
        """(connect, read) seconds for each attempt."""
        return self._requestor.timeout

    @property
    def retry(self) -> RetryPolicy:
        return self._requestor.retry

    @property
    def counters(self) -> ClientCounters:
        """This client's calls, retries and failures so far."""
        return self._requestor.counters

    def deadline(self) -> float:
        """A `time.monotonic()` deadline for one call: now plus the policy's total budget."""
        return self._requestor.deadline()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        deadline: float | None = None,
    ) -> Any:
        """Any call the resources do not cover: the decoded JSON body, or None when empty,
        with the same retries, errors and call log as theirs."""
        return self._requestor.request(method, path, params=params, json=json, deadline=deadline)

    def create[R: Record](
        self,
        path: str,
        cls: type[R],
        *,
        json: Any,
        sent: Mapping[str, Any],
        find_existing: Callable[[float], R | None],
        params: Mapping[str, str] | None = None,
    ) -> R:
        """A create the resources do not cover, never duplicated: see
        `recovery.create_once`, which `workspace_groups.create` uses too."""
        return create_once(
            self._requestor,
            path,
            cls,
            json=json,
            sent=sent,
            find_existing=find_existing,
            params=params,
        )
