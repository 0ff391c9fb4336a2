"""Any view that needs Kantata OX: the connect / reconnect prompt instead of an error."""

from urllib.parse import quote

import pytest

from kantata_admin.connections.models import KantataConnection
from kantata_admin.connections.oauth import TokenGrant, revoke_token
from kantata_admin.connections.services import connection_save_checked
from tests.sandbox_harness import ADMIN_EMAIL

pytestmark = pytest.mark.urls("tests.connections.urls")


def test_a_connected_member_sees_the_page(connect, viewer, login):
    connect(viewer)
    response = login(viewer).get("/test/whoami/")
    assert response.status_code == 200
    assert f"Kantata user: Avery Admin ({ADMIN_EMAIL})" in response.text


def test_without_a_connection_the_page_offers_to_connect_and_come_back(
    kantata_sandbox, viewer, login
):
    response = login(viewer).get("/test/whoami/?page=2")
    assert response.status_code == 200
    assert "<h1>Connect Kantata OX</h1>" in response.text
    assert 'action="/accounts/kantata/login/?process=connect&amp;next=' in response.text
    assert quote("/test/whoami/?page=2", safe="") in response.text
    assert response["Cache-Control"].startswith("max-age=0")


def test_htmx_requests_get_the_prompt_fragment_in_main(kantata_sandbox, viewer, login):
    response = login(viewer).get(
        "/test/whoami/",
        headers={
            "HX-Request": "true",
            "HX-Target": "results",
            "HX-Current-URL": "http://testserver/groups/?q=acme",
        },
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#main"
    assert response["HX-Reswap"] == "innerHTML"
    assert "<html" not in response.text
    assert 'id="connection-prompt"' in response.text
    # The link brings the member back to the page in the address bar, not the fragment.
    assert quote("/groups/?q=acme", safe="") in response.text


def test_a_revoked_token_marks_the_connection_and_every_page_offers_to_reconnect(
    kantata_sandbox, viewer, login
):
    answer = kantata_sandbox.token_answer(ADMIN_EMAIL)
    connection_save_checked(viewer, TokenGrant.from_answer(answer))
    assert revoke_token(answer["access_token"], hint="access_token")

    client = login(viewer)
    response = client.get("/test/whoami/")
    assert response.status_code == 200
    assert "<h1>Reconnect Kantata OX</h1>" in response.text
    assert KantataConnection.objects.get(user=viewer).needs_reconnect
    # From now on no call is even tried: the prompt comes straight away.
    assert "<h1>Reconnect Kantata OX</h1>" in client.get("/test/whoami/").text


def test_an_htmx_history_restore_gets_the_whole_page(kantata_sandbox, viewer, login):
    response = login(viewer).get(
        "/test/whoami/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.text and "HX-Retarget" not in response
    assert "Vary" in response and "HX-Request" in response["Vary"]
