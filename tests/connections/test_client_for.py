"""client_for(user), the one place pages get a client, against the real sandbox."""

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext

from kantata_admin.connections.errors import NotConnected, ReconnectNeeded
from kantata_admin.connections.models import KantataConnection
from kantata_admin.connections.services import client_for
from tests.sandbox_harness import ADMIN_EMAIL, EDITOR_EMAIL


def test_a_member_without_a_connection_is_not_connected(kantata_sandbox, viewer):
    with pytest.raises(NotConnected):
        client_for(viewer)


def test_two_members_connected_at_once_each_see_only_their_own_identity(connect, viewer, editor):
    connect(viewer, ADMIN_EMAIL)
    connect(editor, EDITOR_EMAIL)

    assert client_for(viewer).users.me().email_address == ADMIN_EMAIL
    assert client_for(editor).users.me().email_address == EDITOR_EMAIL
    stored = {c.user.email: c.email for c in KantataConnection.objects.select_related("user")}
    assert stored == {viewer.email: ADMIN_EMAIL, editor.email: EDITOR_EMAIL}


def test_client_uses_the_timeouts_and_api_url_from_settings(connect, viewer, settings):
    settings.KANTATA_CONNECT_TIMEOUT, settings.KANTATA_READ_TIMEOUT = 2.5, 7.0
    connect(viewer)
    client = client_for(viewer)
    assert client.timeout == (2.5, 7.0)
    assert client.base_url == settings.KANTATA_API_URL


def test_a_connection_needing_reconnect_is_not_used(connect, viewer):
    connection = connect(viewer)
    connection.status = KantataConnection.Status.NEEDS_RECONNECT
    connection.save()
    with pytest.raises(ReconnectNeeded):
        client_for(viewer)


def test_last_used_is_written_at_most_once_a_minute(connect, viewer):
    connect(viewer)
    client_for(viewer)
    first = KantataConnection.objects.get(user=viewer).last_used_at
    assert first is not None
    with CaptureQueriesContext(db_connection) as queries:
        client_for(viewer)
    assert [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")] == []
    assert KantataConnection.objects.get(user=viewer).last_used_at == first
