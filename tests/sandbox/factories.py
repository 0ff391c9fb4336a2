"""Small in-process fixture data for tests that talk to the sandbox through Django's Client."""

from dataclasses import dataclass

from kantata_admin.sandbox.credentials import issue_token, personal_token
from kantata_admin.sandbox.models import (
    Account,
    ExternalReference,
    OAuthApplication,
    RateCardSet,
    SandboxUser,
    Workspace,
    WorkspaceGroup,
)


@dataclass
class Fixture:
    account: Account
    user: SandboxUser
    token: str


def build(groups: int = 10) -> Fixture:
    account = Account.objects.create(name="Fixture Co", time_zone="America/Los_Angeles")
    user = SandboxUser.objects.create(
        account=account, email="fixture@sandbox.test", full_name="Fix Ture", password="!"
    )
    spaces = Workspace.objects.bulk_create(
        [Workspace(account=account, title=f"Project {i}") for i in range(6)]
    )
    Workspace.participants.through.objects.bulk_create(
        [Workspace.participants.through(workspace_id=s.pk, sandboxuser_id=user.pk) for s in spaces]
    )
    cards = RateCardSet.objects.bulk_create(
        [RateCardSet(account=account, title=f"Rates {i}") for i in range(3)]
    )
    made = WorkspaceGroup.objects.bulk_create(
        [WorkspaceGroup(account=account, name=f"Group {i:04d}") for i in range(groups)]
    )
    space_link = WorkspaceGroup.workspaces.through
    card_link = WorkspaceGroup.rate_card_sets.through
    space_link.objects.bulk_create(
        [
            space_link(workspacegroup_id=g.pk, workspace_id=spaces[i % 6].pk)
            for i, g in enumerate(made)
        ]
        + [
            space_link(workspacegroup_id=g.pk, workspace_id=spaces[(i + 1) % 6].pk)
            for i, g in enumerate(made)
        ]
    )
    card_link.objects.bulk_create(
        [
            card_link(workspacegroup_id=g.pk, ratecardset_id=cards[i % 3].pk)
            for i, g in enumerate(made)
        ]
    )
    ExternalReference.objects.bulk_create(
        [
            ExternalReference(
                account=account,
                subject_id=g.pk,
                service_name="salesforce",
                service_model="Account",
                service_model_ref=str(1000 + i),
            )
            for i, g in enumerate(made)
        ]
    )
    return Fixture(account=account, user=user, token=personal_token(user))


def application(client_id: str = "fixture-app") -> OAuthApplication:
    return OAuthApplication.objects.create(
        name="Fixture app",
        client_id=client_id,
        client_secret_hash="0" * 64,
        redirect_uris=["http://127.0.0.1/cb"],
    )


__all__ = ["Fixture", "application", "build", "issue_token"]
