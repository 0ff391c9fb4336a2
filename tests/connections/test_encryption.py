"""Tokens at rest: encrypted, bound to their owner, rotated, and failing closed."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.checks import Tags, run_checks
from django.core.management import CommandError, call_command

from kantata_admin.connections import crypto
from kantata_admin.connections.errors import ReconnectNeeded, TokenUnreadable
from kantata_admin.connections.models import KantataConnection
from kantata_admin.connections.services import KEY_PROBLEM, client_for
from tests.sandbox_harness import ADMIN_EMAIL, EDITOR_EMAIL


def _plain_token(connection: KantataConnection) -> str:
    return crypto.unseal(
        connection.access_token_encrypted, owner_id=connection.user_id, purpose=crypto.ACCESS
    )


def test_the_token_is_stored_only_encrypted(connect, viewer):
    connection = connect(viewer)
    token = _plain_token(connection)
    stored = KantataConnection.objects.filter(pk=connection.pk).values().get()
    assert all(token not in str(value) for value in stored.values())


def test_a_ciphertext_copied_to_another_member_does_not_decrypt_as_theirs(connect, viewer, editor):
    theirs = connect(viewer, ADMIN_EMAIL)
    mine = connect(editor, EDITOR_EMAIL)
    mine.access_token_encrypted = theirs.access_token_encrypted
    mine.save()

    with pytest.raises(ReconnectNeeded):
        client_for(editor)
    with pytest.raises(TokenUnreadable):
        _plain_token(mine)
    assert client_for(viewer).users.me().email_address == ADMIN_EMAIL


def test_a_refresh_token_cannot_stand_in_for_an_access_token(db, viewer):
    sealed = crypto.seal("abc", owner_id=viewer.pk, purpose=crypto.REFRESH)
    with pytest.raises(TokenUnreadable):
        crypto.unseal(sealed, owner_id=viewer.pk, purpose=crypto.ACCESS)


def test_a_wrong_key_fails_closed_with_a_clear_error(connect, viewer, settings, caplog):
    connect(viewer)
    settings.TOKEN_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(ReconnectNeeded) as raised:
        client_for(viewer)
    assert raised.value.message == KEY_PROBLEM
    assert "not in TOKEN_ENCRYPTION_KEYS" in caplog.text
    # A configuration fault: the connection is left as it was, so the key repairs it.
    assert KantataConnection.objects.get(user=viewer).status == "active"


def test_key_rotation_then_old_key_removed_then_every_token_still_works(
    connect, viewer, editor, settings
):
    connect(viewer, ADMIN_EMAIL)
    connect(editor, EDITOR_EMAIL)
    old = settings.TOKEN_ENCRYPTION_KEYS[0]
    new = Fernet.generate_key().decode()
    settings.TOKEN_ENCRYPTION_KEYS = [new, old]

    out = io.StringIO()
    call_command("rotate_token_keys", stdout=out)
    assert out.getvalue().strip() == "Re-encrypted 2 tokens."

    settings.TOKEN_ENCRYPTION_KEYS = [new]
    assert client_for(viewer).users.me().email_address == ADMIN_EMAIL
    assert client_for(editor).users.me().email_address == EDITOR_EMAIL
    # And the old key alone no longer reads them: they really moved.
    settings.TOKEN_ENCRYPTION_KEYS = [old]
    with pytest.raises(ReconnectNeeded):
        client_for(viewer)


def test_rotation_reports_tokens_no_key_can_read(connect, viewer, settings):
    connect(viewer)
    settings.TOKEN_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(CommandError, match="1 connection could not be read"):
        call_command("rotate_token_keys", stdout=io.StringIO())


def test_a_malformed_key_fails_the_system_check(settings):
    settings.TOKEN_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), "not-a-key"]
    errors = [e for e in run_checks(tags=[Tags.security]) if e.id == "connections.E001"]
    assert [e.msg for e in errors] == [
        "TOKEN_ENCRYPTION_KEYS entry 2 is not a Fernet key "
        "(32 random bytes, url-safe base64: Fernet.generate_key())."
    ]
