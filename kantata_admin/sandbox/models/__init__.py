"""The sandbox's data model: an emulated Kantata OX account directory, its workspace
groups and related objects, and the OAuth 2.0 server's applications, codes and tokens."""

from kantata_admin.sandbox.models.directory import Account, SandboxUser, Workspace
from kantata_admin.sandbox.models.groups import (
    CustomField,
    CustomFieldChoice,
    ExternalReference,
    RateCardSet,
    WorkspaceGroup,
)
from kantata_admin.sandbox.models.limits import RateWindow
from kantata_admin.sandbox.models.oauth import (
    AccessToken,
    AuthorizationCode,
    Fault,
    OAuthApplication,
)
from kantata_admin.sandbox.models.values import CustomFieldValue

__all__ = [
    "AccessToken",
    "Account",
    "AuthorizationCode",
    "CustomField",
    "CustomFieldChoice",
    "CustomFieldValue",
    "ExternalReference",
    "Fault",
    "OAuthApplication",
    "RateCardSet",
    "RateWindow",
    "SandboxUser",
    "Workspace",
    "WorkspaceGroup",
]
