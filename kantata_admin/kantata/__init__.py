"""A client for the Kantata OX API. No Django in here: settings are passed in.

client = KantataClient(token, base_url=settings.KANTATA_API_URL)
page = client.workspace_groups.list(WorkspaceGroupFilters(companies_only=True))
for group in client.workspace_groups.iter_all(include=["workspaces"]): ...
"""

from .budget import RateBudget
from .client import DEFAULT_BASE_URL, USER_AGENT, KantataClient
from .custom_value_filters import ChoiceValue, CurrencyValue, DateRange, NumberValue, TextValue
from .encoding import is_currency_code, is_kantata_id
from .errors import (
    APIError,
    AuthenticationError,
    BadRequest,
    ConnectionFailed,
    ErrorDetail,
    InsecureBaseURL,
    InvalidRequest,
    KantataError,
    MalformedResponse,
    NotFound,
    NotModified,
    PermissionDenied,
    RateLimited,
    ServiceUnavailable,
    Timeout,
    TLSOrProxyError,
    TransportError,
    UpstreamBusy,
    ValidationFailed,
    error_for_response,
)
from .filters import (
    WORKSPACE_GROUP_INCLUDES,
    WORKSPACE_GROUP_ORDERS,
    WORKSPACE_INCLUDES,
    WORKSPACE_ORDERS,
    WorkspaceFilters,
    WorkspaceGroupFilters,
)
from .observability import Call, CallRecorder, track_calls
from .pagination import Page
from .payloads import (
    GROUP_TEXT_FIELDS,
    GROUP_VALUE_FIELDS,
    VALUE_CREATE_CAP,
    CustomFieldValueInput,
    ExternalReferenceInput,
    WorkspaceGroupInput,
)
from .records import (
    CustomField,
    CustomFieldChoice,
    CustomFieldValue,
    ExternalReference,
    RateCardSet,
    User,
    Workspace,
    WorkspaceGroup,
)
from .retry import NO_RETRIES, RetryPolicy
from .typed_values import Money, TypedValue, json_value, typed_value

__all__ = [
    "DEFAULT_BASE_URL",
    "GROUP_TEXT_FIELDS",
    "GROUP_VALUE_FIELDS",
    "NO_RETRIES",
    "USER_AGENT",
    "VALUE_CREATE_CAP",
    "WORKSPACE_GROUP_INCLUDES",
    "WORKSPACE_GROUP_ORDERS",
    "WORKSPACE_INCLUDES",
    "WORKSPACE_ORDERS",
    "APIError",
    "AuthenticationError",
    "BadRequest",
    "Call",
    "CallRecorder",
    "ChoiceValue",
    "ConnectionFailed",
    "CurrencyValue",
    "CustomField",
    "CustomFieldChoice",
    "CustomFieldValue",
    "CustomFieldValueInput",
    "DateRange",
    "ErrorDetail",
    "ExternalReference",
    "ExternalReferenceInput",
    "InsecureBaseURL",
    "InvalidRequest",
    "KantataClient",
    "KantataError",
    "MalformedResponse",
    "Money",
    "NotFound",
    "NotModified",
    "NumberValue",
    "Page",
    "PermissionDenied",
    "RateBudget",
    "RateCardSet",
    "RateLimited",
    "RetryPolicy",
    "ServiceUnavailable",
    "TLSOrProxyError",
    "TextValue",
    "Timeout",
    "TransportError",
    "TypedValue",
    "UpstreamBusy",
    "User",
    "ValidationFailed",
    "Workspace",
    "WorkspaceFilters",
    "WorkspaceGroup",
    "WorkspaceGroupFilters",
    "WorkspaceGroupInput",
    "error_for_response",
    "is_currency_code",
    "is_kantata_id",
    "json_value",
    "track_calls",
    "typed_value",
]
