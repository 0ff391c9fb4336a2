"""The Kantata OX page, disconnect, the personal token and the back office."""

import pytest
from allauth.socialaccount.models import SocialAccount

from kantata_admin.connections import crypto
from kantata_admin.connections.models import KantataConnection
from kantata_admin.connections.oauth import TokenGrant
from kantata_admin.connections.services import client_with_token, connection_save_checked
from kantata_admin.kantata import AuthenticationError
from tests.sandbox_harness import ADMIN_EMAIL, EDITOR_EMAIL


def test_the_page_shows_the_connection(connect, viewer, login):
    connection = connect(viewer)
    html = login(viewer).get("/kantata/").content.decode()
    assert "Avery Admin" in html and ADMIN_EMAIL in html
    assert connection.account_id in html
    assert "Connected since" in html and "Reconnect" in html and "Disconnect" in html
    # Viewers are offered no personal token.
    assert "personal token" not in html.lower()


def test_the_page_offers_to_connect_when_not_connected(kantata_sandbox, viewer, login):
    html = login(viewer).get("/kantata/").content.decode()
    assert "Not connected" in html
    assert 'action="/accounts/kantata/login/?process=connect&amp;next=%2Fkantata%2F"' in html


def test_the_navigation_links_to_the_page(kantata_sandbox, viewer, login):
    assert 'href="/kantata/"' in login(viewer).get("/").content.decode()


def test_disconnect_deletes_the_tokens_and_revokes_them_upstream(kantata_sandbox, viewer, login):
    answer = kantata_sandbox.token_answer(ADMIN_EMAIL)
    connection_save_checked(viewer, TokenGrant.from_answer(answer))
    SocialAccount.objects.create(user=viewer, provider="kantata", uid="1")

    response = login(viewer).post("/kantata/disconnect/", follow=True)

    assert "the tokens are deleted and revoked" in response.content.decode()
    assert "Not connected" in response.content.decode()
    assert not KantataConnection.objects.filter(user=viewer).exists()
    assert not SocialAccount.objects.filter(user=viewer).exists()
    with pytest.raises(AuthenticationError):
        client_with_token(answer["access_token"]).users.me()


def test_disconnect_is_a_post(connect, viewer, login):
    connect(viewer)
    assert login(viewer).get("/kantata/disconnect/").status_code == 405
    assert KantataConnection.objects.filter(user=viewer).exists()


def test_an_admin_connects_with_a_personal_token(kantata_sandbox, team_admin, login):
    token = kantata_sandbox.token(EDITOR_EMAIL)
    response = login(team_admin).post("/kantata/personal-token/", {"token": token}, follow=True)
    html = response.content.decode()
    assert "Kantata OX is connected as Eden Editor" in html
    assert token not in html
    connection = KantataConnection.objects.get(user=team_admin)
    assert (connection.kind, connection.email) == ("personal", EDITOR_EMAIL)
    assert (
        crypto.unseal(
            connection.access_token_encrypted, owner_id=team_admin.pk, purpose=crypto.ACCESS
        )
        == token
    )


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("not-a-real-token", "Kantata OX did not accept this token"),
        ("two words", "That is not a Kantata OX token"),
        ("", "This field is required."),
    ],
)
def test_a_personal_token_is_checked_before_it_is_saved(
    kantata_sandbox, team_admin, login, token, message
):
    response = login(team_admin).post("/kantata/personal-token/", {"token": token})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    # The field comes back empty: a token is never sent back to the browser.
    assert 'type="password" name="token"' in html
    assert not token or token not in html.split('name="token"')[1].split(">")[0]
    assert not KantataConnection.objects.filter(user=team_admin).exists()


def test_only_admins_may_use_a_personal_token(kantata_sandbox, editor, login):
    response = login(editor).post("/kantata/personal-token/", {"token": "x"})
    assert response.status_code == 403
    assert not KantataConnection.objects.exists()


def test_the_back_office_lists_connections_without_any_token(connect, viewer, team_admin, login):
    connection = connect(viewer)
    token = crypto.unseal(
        connection.access_token_encrypted, owner_id=viewer.pk, purpose=crypto.ACCESS
    )
    client = login(team_admin)
    pages = [
        client.get("/admin/connections/kantataconnection/"),
        client.get(f"/admin/connections/kantataconnection/{connection.pk}/change/"),
    ]
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert viewer.email in html and "Avery Admin" in html
        assert token not in html and token[:8] not in html
        assert connection.access_token_encrypted[:20] not in html
    assert "/admin/socialaccount/socialtoken/" not in client.get("/admin/").content.decode()


def test_the_back_office_disconnect_action(connect, viewer, team_admin, login):
    connection = connect(viewer)
    response = login(team_admin).post(
        "/admin/connections/kantataconnection/",
        {"action": "disconnect", "_selected_action": [connection.pk]},
        follow=True,
    )
    assert "Disconnected 1 Kantata OX connection" in response.content.decode()
    assert not KantataConnection.objects.exists()


def test_the_back_office_is_for_admins_only(connect, viewer, editor, login):
    connect(viewer)
    response = login(editor).get("/admin/connections/kantataconnection/")
    assert response.status_code in (302, 403)


def test_allauths_third_party_page_points_to_the_kantata_page(connect, viewer, login):
    connect(viewer)
    html = login(viewer).get("/accounts/3rdparty/").content.decode()
    assert 'href="/kantata/"' in html and "Go to the Kantata OX page" in html
