"""Password hashing, verification and the strength rule."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from tests.auth.conftest import PASSWORDS
from tma_metrics.auth.passwords import (
    MIN_PASSWORD_LENGTH,
    WeakPasswordError,
    check_password_strength,
    hash_password,
    looks_like_argon2id,
    needs_rehash,
    verify_password,
)

#: A hash made with weaker parameters than today's defaults (an older installation).
OLD_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.mark.parametrize(
    ("owner", "password", "expected"),
    [
        ("alice", PASSWORDS["alice"], True),
        ("alice", PASSWORDS["alice"] + " ", False),
        ("alice", PASSWORDS["alice"].upper(), False),
        ("alice", "mauvais-mot-de-passe", False),
        ("alice", PASSWORDS["paul"], False),
        ("paul", PASSWORDS["alice"], False),
        ("alice", "", False),
    ],
    ids=[
        "right-password",
        "trailing-space",
        "wrong-case",
        "wrong-password",
        "another-users-password",
        "another-users-hash",
        "empty-password",
    ],
)
def test_verify_password(hashes: dict[str, str], owner: str, password: str, expected: bool) -> None:
    assert verify_password(hashes[owner], password) is expected


@pytest.mark.parametrize(
    "stored",
    ["", None, "alice-correct-horse-1", "$argon2id$v=19$garbage", "$2b$12$bcryptlookalike"],
    ids=["empty-hash", "no-hash", "clear-text-stored", "truncated-hash", "bcrypt-hash"],
)
def test_a_malformed_hash_refuses_without_raising(stored: str | None) -> None:
    assert verify_password(stored, PASSWORDS["alice"]) is False


def test_hashes_are_salted_argon2id_and_never_contain_the_password(hashes: dict[str, str]) -> None:
    again = hash_password(PASSWORDS["alice"])
    assert again != hashes["alice"]  # a new salt each time
    for login, password in PASSWORDS.items():
        assert hashes[login].startswith("$argon2id$")
        assert looks_like_argon2id(hashes[login])
        assert password not in hashes[login]
    assert verify_password(again, PASSWORDS["alice"])


@pytest.mark.parametrize("password", ["", "x" * 1025], ids=["empty", "absurdly-long"])
def test_hash_password_refuses_unusable_input(password: str) -> None:
    with pytest.raises(WeakPasswordError):
        hash_password(password)


def test_needs_rehash_spots_weaker_parameters(hashes: dict[str, str]) -> None:
    old = OLD_HASHER.hash(PASSWORDS["alice"])
    assert verify_password(old, PASSWORDS["alice"])  # still accepted…
    assert needs_rehash(old)  # …but due for an upgrade
    assert not needs_rehash(hashes["alice"])
    assert not needs_rehash("not a hash")


@pytest.mark.parametrize(
    ("password", "login", "message"),
    [
        ("court", "", "au moins 12 caractères (saisi : 5)"),
        ("a" * (MIN_PASSWORD_LENGTH - 1), "", "au moins 12 caractères (saisi : 11)"),
        ("Bonjour-paul-2026", "Paul", "ne doit pas contenir l'identifiant"),
        ("abababababababab", "", "au moins 4 caractères différents"),
        ("x" * 1025 + "yzw", "", "au plus 1024 caractères"),
    ],
    ids=["too-short", "one-short-of-minimum", "contains-login", "too-repetitive", "too-long"],
)
def test_weak_passwords_are_refused_in_french(password: str, login: str, message: str) -> None:
    with pytest.raises(WeakPasswordError, match="Mot de passe trop") as error:
        check_password_strength(password, login)
    assert message in str(error.value)


@pytest.mark.parametrize(
    "password",
    ["exactement12", "une phrase de passe assez longue", "Été-à-Nantes-2026"],
    ids=["exactly-minimum", "passphrase", "accents"],
)
def test_acceptable_passwords_pass(password: str) -> None:
    check_password_strength(password, "paul")
