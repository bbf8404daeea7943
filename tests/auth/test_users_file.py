"""Reading and writing the users file: absent file, atomic 0600 writes, no clear password."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from tests.auth.conftest import PASSWORDS
from tma_metrics.auth.passwords import needs_rehash
from tma_metrics.auth.principal import Principal, Role
from tma_metrics.auth.users import (
    USERS_ENV,
    UsersFileError,
    WeakPasswordError,
    add_user,
    authenticate,
    load_users,
    rehash_if_needed,
    resolve_users_path,
    set_password,
    verify_password,
)

NEW_PASSWORD = "une-phrase-de-passe-solide"


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_an_absent_file_means_no_users(tmp_path: Path) -> None:
    assert len(load_users(tmp_path / "absent.toml")) == 0


def test_the_environment_overrides_the_default_path(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(USERS_ENV, str(tmp_path / "ailleurs.toml"))
    assert resolve_users_path() == tmp_path / "ailleurs.toml"
    assert resolve_users_path(tmp_path / "explicite.toml") == tmp_path / "explicite.toml"
    monkeypatch.delenv(USERS_ENV)
    assert resolve_users_path().parts[-2:] == ("data", "users.toml")


def test_load_names_the_file_in_its_error(tmp_path: Path) -> None:
    path = tmp_path / "users.toml"
    path.write_text('[[user]]\nlogin = "alice"\nrole = "admin"\n', encoding="utf-8")
    with pytest.raises(UsersFileError, match=r"users\.toml : Utilisateur « alice », clé « role »"):
        load_users(path)


def test_add_user_writes_a_private_file_without_the_clear_password(tmp_path: Path) -> None:
    path = tmp_path / "sous-dossier" / "users.toml"
    record = add_user(
        path, "paul", "Paul Durand", "pm", ["Mairie de Lyon"], NEW_PASSWORD, email="p@a.fr"
    )
    assert mode_of(path) == 0o600
    text = path.read_text(encoding="utf-8")
    assert NEW_PASSWORD not in text
    assert "$argon2id$" in text
    assert [p.name for p in path.parent.iterdir()] == ["users.toml"]  # no temporary left over
    loaded = load_users(path).find_login("paul")
    assert loaded == record
    assert loaded.principal() == Principal("paul", "Paul Durand", Role.PM, ("Mairie de Lyon",))
    assert verify_password(loaded.password_hash, NEW_PASSWORD)


def test_add_user_keeps_existing_users_and_comments(users_file: Path) -> None:
    users_file.chmod(0o644)
    add_user(users_file, "zoe", "Zoé", "client", ["CHU Nantes"], NEW_PASSWORD)
    text = users_file.read_text(encoding="utf-8")
    assert text.startswith("# a comment the administrator wrote")
    assert [u.login for u in load_users(users_file)] == ["alice", "paul", "chloe", "zoe"]
    assert mode_of(users_file) == 0o600  # tightened on rewrite


def test_an_oidc_only_user_is_stored_without_hash(tmp_path: Path) -> None:
    path = tmp_path / "users.toml"
    add_user(path, "ana", "Ana", "client", ["CHU Nantes"], None, email="ana@chu.fr")
    assert load_users(path).find_email("ANA@chu.fr").password_hash is None
    assert "password_hash" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("login", "role", "contracts", "password", "email", "error", "message"),
    [
        ("paul", "pm", ["A"], NEW_PASSWORD, None, UsersFileError, "« paul » existe déjà"),
        ("PAUL", "pm", ["A"], NEW_PASSWORD, None, UsersFileError, "« PAUL » existe déjà"),
        ("zoe", "pm", ["A"], "court", None, WeakPasswordError, "au moins 12 caractères"),
        ("zoe", "admin", ["A"], NEW_PASSWORD, None, UsersFileError, "clé « role »"),
        ("zoe", "manager", ["A"], NEW_PASSWORD, None, UsersFileError, "clé « contracts »"),
        ("zoe", "client", [], None, None, UsersFileError, "clé « password_hash »"),
        ("zoe", "client", ["A"], NEW_PASSWORD, "chloe@chu-nantes.fr", UsersFileError, "en double"),
        ("zoe x", "client", ["A"], NEW_PASSWORD, None, UsersFileError, "clé « login »"),
    ],
    ids=[
        "existing-login",
        "existing-login-other-case",
        "weak-password",
        "unknown-role",
        "manager-with-contracts",
        "no-password-no-email",
        "email-already-used",
        "login-with-space",
    ],
)
def test_add_user_refuses_and_leaves_the_file_untouched(
    users_file: Path,
    login: str,
    role: str,
    contracts: list[str],
    password: str | None,
    email: str | None,
    error: type[Exception],
    message: str,
) -> None:
    before = users_file.read_bytes()
    with pytest.raises(error, match=message):
        add_user(users_file, login, login, role, contracts, password, email=email)
    assert users_file.read_bytes() == before


@pytest.mark.parametrize(
    ("login", "password", "expected"),
    [
        ("alice", PASSWORDS["alice"], "alice"),
        ("  Alice ", PASSWORDS["alice"], "alice"),
        ("alice", PASSWORDS["paul"], None),
        ("paul", PASSWORDS["alice"], None),
        ("bob", PASSWORDS["alice"], None),
        ("", PASSWORDS["alice"], None),
        ("alice", "", None),
    ],
    ids=[
        "right",
        "login-case-and-spaces",
        "other-users-password",
        "password-of-another",
        "unknown-login",
        "empty-login",
        "empty-password",
    ],
)
def test_authenticate(users_file: Path, login: str, password: str, expected: str | None) -> None:
    principal = authenticate(load_users(users_file), login, password)
    assert (principal.login if principal else None) == expected


def test_set_password_replaces_only_that_hash(users_file: Path) -> None:
    before = load_users(users_file)
    set_password(users_file, "paul", NEW_PASSWORD)
    after = load_users(users_file)
    assert authenticate(after, "paul", NEW_PASSWORD) is not None
    assert authenticate(after, "paul", PASSWORDS["paul"]) is None
    assert after.find_login("alice") == before.find_login("alice")
    assert users_file.read_text(encoding="utf-8").startswith("# a comment")
    assert mode_of(users_file) == 0o600


def test_set_password_gives_an_oidc_only_user_its_first_hash(tmp_path: Path) -> None:
    path = tmp_path / "users.toml"
    add_user(path, "ana", "Ana", "client", ["CHU Nantes"], None, email="ana@chu.fr")
    set_password(path, "ana", NEW_PASSWORD)
    assert authenticate(load_users(path), "ana", NEW_PASSWORD).contracts == ("CHU Nantes",)


@pytest.mark.parametrize(
    ("login", "password", "message"),
    [("bob", NEW_PASSWORD, "aucun utilisateur « bob »"), ("paul", "court", "au moins 12")],
    ids=["unknown-login", "weak-password"],
)
def test_set_password_refusals(users_file: Path, login: str, password: str, message: str) -> None:
    with pytest.raises((UsersFileError, WeakPasswordError), match=message):
        set_password(users_file, login, password)


def test_an_old_hash_is_upgraded_at_the_next_good_login(tmp_path: Path) -> None:
    old = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(NEW_PASSWORD)
    path = tmp_path / "users.toml"
    path.write_text(
        f'[[user]]\nlogin = "paul"\nrole = "pm"\ncontracts = []\npassword_hash = "{old}"\n',
        encoding="utf-8",
    )
    assert rehash_if_needed(path, "paul", "mauvais-mot-de-passe") is False
    assert load_users(path).find_login("paul").password_hash == old
    assert rehash_if_needed(path, "paul", NEW_PASSWORD) is True
    upgraded = load_users(path).find_login("paul").password_hash
    assert upgraded != old and not needs_rehash(upgraded)
    assert verify_password(upgraded, NEW_PASSWORD)
    assert rehash_if_needed(path, "paul", NEW_PASSWORD) is False  # nothing left to upgrade
