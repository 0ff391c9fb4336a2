"""Kantata OX tokens encrypted at rest: cryptography's MultiFernet over
settings.TOKEN_ENCRYPTION_KEYS (newest first; older keys still decrypt).

Fernet has no associated data, so the owner is bound inside the plaintext: what is
encrypted is `<member id>:<purpose>:<token>`, and decryption checks both. A ciphertext
copied onto another member's row, or from the refresh-token column into the access-token
column, does not decrypt as theirs. Any failure raises TokenUnreadable: a ciphertext is
never handed out as if it were a token.
"""

from __future__ import annotations

import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from kantata_admin.connections.errors import TokenUnreadable

ACCESS = "access"
REFRESH = "refresh"


def key_problems(keys: list[str] | tuple[str, ...]) -> list[str]:
    """What is wrong with a TOKEN_ENCRYPTION_KEYS value, in plain words (empty when fine)."""
    if not keys:
        return ["TOKEN_ENCRYPTION_KEYS is empty: no Kantata OX token can be stored or read."]
    problems = []
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            problems.append(
                f"TOKEN_ENCRYPTION_KEYS entry {position} is not a Fernet key "
                "(32 random bytes, url-safe base64: Fernet.generate_key())."
            )
    return problems


@functools.lru_cache(maxsize=4)
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    problems = key_problems(keys)
    if problems:
        raise ImproperlyConfigured(" ".join(problems))
    return MultiFernet([Fernet(key) for key in keys])


def _fernet() -> MultiFernet:
    # Read on every call, not at import: tests and key rotation change the setting.
    return _multi_fernet(tuple(settings.TOKEN_ENCRYPTION_KEYS))


def _binding(owner_id: int, purpose: str) -> bytes:
    return f"{owner_id}:{purpose}:".encode()


def seal(token: str, *, owner_id: int, purpose: str) -> str:
    """The token encrypted under the newest key, bound to its owner and purpose."""
    return _fernet().encrypt(_binding(owner_id, purpose) + token.encode()).decode("ascii")


def unseal(ciphertext: str, *, owner_id: int, purpose: str) -> str:
    """The token, if `ciphertext` was sealed for this owner and purpose with a known key."""
    try:
        plaintext = _fernet().decrypt(ciphertext.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError):
        raise TokenUnreadable(
            "A stored Kantata OX token could not be decrypted: it was encrypted with a key "
            "that is not in TOKEN_ENCRYPTION_KEYS (a wrong or removed key)."
        ) from None
    binding = _binding(owner_id, purpose)
    if not plaintext.startswith(binding):
        raise TokenUnreadable(
            "A stored Kantata OX token does not belong to this member: it was copied from "
            "another row."
        )
    return plaintext[len(binding) :].decode()


def reseal(ciphertext: str) -> str:
    """The same plaintext (owner binding included) re-encrypted under the newest key."""
    try:
        return _fernet().rotate(ciphertext.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeEncodeError):
        raise TokenUnreadable(
            "A stored Kantata OX token could not be decrypted with any key in "
            "TOKEN_ENCRYPTION_KEYS."
        ) from None
