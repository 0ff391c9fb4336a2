"""A token never appears in clear: not in a database dump, a log line, or any page or
header of the flow, including a refresh and a disconnect."""

import io
import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from kantata_admin.connections import crypto
from kantata_admin.connections.models import KantataConnection
from kantata_admin.connections.services import client_for
from tests.connections.flow import CALLBACK, Flow
from tests.sandbox_harness import ADMIN_EMAIL, DASHBOARD_CLIENT_ID


@pytest.fixture
def expiring_flow(sandbox_expiring, settings, client) -> Flow:
    sandbox_expiring.register_redirect_uri(DASHBOARD_CLIENT_ID, CALLBACK)
    settings.KANTATA_API_URL = sandbox_expiring.api_url
    settings.KANTATA_OAUTH_URL = sandbox_expiring.oauth_url
    return Flow(client, sandbox_expiring)


def _tokens(connection: KantataConnection) -> set[str]:
    connection.refresh_from_db()
    return {
        crypto.unseal(
            connection.access_token_encrypted, owner_id=connection.user_id, purpose="access"
        ),
        crypto.unseal(
            connection.refresh_token_encrypted, owner_id=connection.user_id, purpose="refresh"
        ),
    }


def _dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


def _texts(responses) -> list[str]:
    return [
        response.content.decode(errors="replace") + repr(sorted(response.items()))
        for response in responses
    ]


def test_no_token_in_clear_anywhere(expiring_flow, team_admin, login, caplog):
    caplog.set_level(logging.DEBUG)
    flow = expiring_flow
    client = login(team_admin)
    flow.start(next_url="/kantata/")
    flow.land(flow.callback(flow.approve(ADMIN_EMAIL)))
    connection = KantataConnection.objects.get(user=team_admin)
    seen = _tokens(connection)
    first_ciphertext = connection.access_token_encrypted
    dumps = [_dump()]

    # A refresh, then every page the member and the back office show.
    KantataConnection.objects.filter(pk=connection.pk).update(refresh_due_at=timezone.now())
    client_for(team_admin).users.me()
    seen |= _tokens(connection)
    assert len(seen) == 4
    for path in (
        "/",
        "/kantata/",
        "/admin/connections/kantataconnection/",
        f"/admin/connections/kantataconnection/{connection.pk}/change/",
        "/admin/socialaccount/socialaccount/",
    ):
        flow.pages.append(client.get(path))
    flow.pages.append(client.post("/kantata/personal-token/", {"token": "wrong-token"}))
    dumps.append(_dump())
    flow.pages.append(client.post("/kantata/disconnect/", follow=True))
    dumps.append(_dump())

    assert all(page.status_code < 500 for page in flow.pages)
    haystacks = {"dumpdata": "\n".join(dumps), "logs": caplog.text}
    haystacks.update({f"page {i}": text for i, text in enumerate(_texts(flow.pages))})
    leaks = [
        (where, token[:6]) for where, text in haystacks.items() for token in seen if token in text
    ]
    assert leaks == []
    # The scan is real: the dump held the connection, the logs the flow.
    assert first_ciphertext in dumps[0]
    assert "connected Kantata OX user" in caplog.text
    assert timezone.now() - connection.connected_at < timedelta(minutes=5)
