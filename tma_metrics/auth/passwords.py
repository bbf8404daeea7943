"""Password hashing (argon2id, salted) and the strength rule for new passwords.

Verification is argon2's own constant-time comparison; a malformed or foreign hash is
a refusal, never an exception, so a login form cannot be made to crash.
"""

from __future__ import annotations

import functools
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tma_metrics.errors import InputError

__all__ = [
    "ARGON2ID_PREFIX",
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "WeakPasswordError",
    "check_password_strength",
    "dummy_hash",
    "hash_password",
    "looks_like_argon2id",
    "needs_rehash",
    "verify_password",
]

MIN_PASSWORD_LENGTH = 12
#: Longer inputs are refused before hashing: nobody types them, an attacker might.
MAX_PASSWORD_LENGTH = 1024
ARGON2ID_PREFIX = "$argon2id$"

_HASHER = PasswordHasher()  # argon2id with RFC 9106's low-memory parameters


class WeakPasswordError(InputError):
    """A new password is refused; the message (French) says why."""


def hash_password(password: str) -> str:
    """Return a salted argon2id hash of ``password`` (a new salt each call)."""
    if not password:
        raise WeakPasswordError("Mot de passe vide : refusé.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPasswordError(
            f"Mot de passe trop long : au plus {MAX_PASSWORD_LENGTH} caractères."
        )
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Say whether ``password`` matches ``password_hash``; False for any malformed input."""
    if not password_hash or not password or len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Say whether ``password_hash`` was made with weaker parameters than today's."""
    try:
        return _HASHER.check_needs_rehash(password_hash)
    except (InvalidHashError, ValueError):
        return False


def looks_like_argon2id(value: str) -> bool:
    """Say whether ``value`` has the shape of an argon2id hash (not a clear password).

    >>> looks_like_argon2id("$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA")
    True
    >>> looks_like_argon2id("MonMotDePasse")
    False
    """
    return value.startswith(ARGON2ID_PREFIX) and value.count("$") == 5


@functools.cache
def dummy_hash() -> str:
    """Return a hash no password matches, checked when a login is unknown.

    Checking it costs the same time as a real check, so the response time does not tell
    whether a login exists.
    """
    return _HASHER.hash(secrets.token_urlsafe(32))


def check_password_strength(password: str, login: str = "") -> None:
    """Raise `WeakPasswordError` (French) when ``password`` is too weak to be set."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPasswordError(
            f"Mot de passe trop faible : au moins {MIN_PASSWORD_LENGTH} caractères "
            f"(saisi : {len(password)})."
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPasswordError(
            f"Mot de passe trop long : au plus {MAX_PASSWORD_LENGTH} caractères."
        )
    if login and login.strip().casefold() in password.casefold():
        raise WeakPasswordError("Mot de passe trop faible : il ne doit pas contenir l'identifiant.")
    if len(set(password)) < 4:
        raise WeakPasswordError("Mot de passe trop faible : au moins 4 caractères différents.")
