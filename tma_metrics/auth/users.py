"""The users file (`data/users.toml` by default): load it, add users, change hashes.

The file never holds a clear password: only salted argon2id hashes. It is rewritten
atomically (temporary file then rename) with mode 0600, and every new text goes through
the same checks as loading (`user_records.parse_users`) before it is written, so a bad
user is never stored.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from tma_metrics.auth.passwords import (
    WeakPasswordError,
    check_password_strength,
    dummy_hash,
    hash_password,
    needs_rehash,
    verify_password,
)
from tma_metrics.auth.principal import Principal, Role
from tma_metrics.auth.user_records import (
    HEADER,
    UserRecord,
    Users,
    UsersFileError,
    normalise_login,
    parse_users,
    render_block,
)
from tma_metrics.config import settings

__all__ = [
    "DEFAULT_USERS",
    "USERS_ENV",
    "UserRecord",
    "Users",
    "UsersFileError",
    "WeakPasswordError",
    "add_user",
    "authenticate",
    "hash_password",
    "load_users",
    "normalise_login",
    "parse_users",
    "rehash_if_needed",
    "resolve_users_path",
    "set_password",
    "verify_password",
]

#: Environment variable that overrides the default users file.
USERS_ENV = "TMA_METRICS_USERS"
DEFAULT_USERS = Path(__file__).resolve().parents[2] / "data" / "users.toml"


def resolve_users_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the users file: the explicit one, else $TMA_METRICS_USERS, else data/."""
    return settings(users_path=explicit).users_path


def load_users(path: str | os.PathLike[str] | None = None) -> Users:
    """Read and check the users file; an absent file means no users (local mode)."""
    file = resolve_users_path(path)
    if not file.exists():
        return Users()
    try:
        return parse_users(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise UsersFileError(
            f"{file} : fichier des utilisateurs illisible (attendu UTF-8)."
        ) from None
    except UsersFileError as exc:
        raise UsersFileError(f"{file} : {exc}") from None


def authenticate(users: Users, login: str, password: str) -> Principal | None:
    """Return the principal whose login and password match, else ``None``.

    An unknown login still costs one hash check, so timing does not reveal which logins
    exist.
    """
    record = users.find_login(login) if login else None
    stored = record.password_hash if record is not None else None
    matches = verify_password(stored or dummy_hash(), password)
    if record is None or stored is None or not matches:
        return None
    return record.principal()


def add_user(
    path: str | os.PathLike[str] | None,
    login: str,
    name: str,
    role: str,
    contracts: Sequence[str] | None,
    password: str | None,
    email: str | None = None,
) -> UserRecord:
    """Append a user to the users file (created if absent); return the stored record.

    ``password`` is checked (`check_password_strength`) and only its hash is written;
    ``None`` makes an OIDC-only user, which needs ``email``. A manager sees every
    contract, so its ``contracts`` must be empty.
    """
    file = resolve_users_path(path)
    current = file.read_text(encoding="utf-8") if file.exists() else HEADER
    users = _parse_for(file, current)
    if users.find_login(login) is not None:
        raise UsersFileError(
            f"{file} : l'utilisateur « {login.strip()} » existe déjà (changez son mot de passe "
            "avec « user passwd », ou modifiez le fichier)."
        )
    if password is not None:
        check_password_strength(password, login)
    block: dict[str, Any] = {"login": login.strip(), "name": (name or login).strip(), "role": role}
    if role != Role.MANAGER or contracts:
        block["contracts"] = list(contracts or ())
    if email:
        block["email"] = email.strip()
    if password is not None:
        block["password_hash"] = hash_password(password)
    text = current.rstrip("\n") + "\n\n" + render_block(block)
    users = _parse_for(file, text)  # the same checks as loading: a bad user is never written
    _write_private(file, text)
    record = users.find_login(login)
    assert record is not None
    return record


def set_password(path: str | os.PathLike[str] | None, login: str, password: str) -> None:
    """Replace the password hash of ``login`` (strength checked, file rewritten atomically)."""
    check_password_strength(password, login)
    _replace_hash(resolve_users_path(path), login, hash_password(password))


def rehash_if_needed(path: str | os.PathLike[str] | None, login: str, password: str) -> bool:
    """Re-hash a verified password made with older parameters; return True if rewritten."""
    file = resolve_users_path(path)
    record = load_users(file).find_login(login)
    if record is None or not record.password_hash or not needs_rehash(record.password_hash):
        return False
    if not verify_password(record.password_hash, password):
        return False
    _replace_hash(file, login, hash_password(password))
    return True


def _replace_hash(file: Path, login: str, new_hash: str) -> None:
    # Edit the text in place so the administrator's comments and layout survive; the
    # result goes through the full checks before it replaces the file.
    text = file.read_text(encoding="utf-8") if file.exists() else ""
    record = _parse_for(file, text).find_login(login)
    if record is None:
        raise UsersFileError(f"{file} : aucun utilisateur « {login.strip()} ».")
    if record.password_hash is not None and text.count(record.password_hash) == 1:
        updated = text.replace(record.password_hash, new_hash)
    else:
        # An OIDC-only user gets its first hash on the line after its login.
        login_line = re.compile(
            rf"^[ \t]*login[ \t]*=[ \t]*[\"']{re.escape(record.login)}[\"'].*$", re.MULTILINE
        )
        matches = list(login_line.finditer(text))
        if record.password_hash is not None or len(matches) != 1:
            raise UsersFileError(
                f"{file} : utilisateur « {record.login} », clé « password_hash » : modification "
                "automatique impossible (bloc inhabituel) ; remplacez le hachage à la main."
            )
        end = matches[0].end()
        updated = f'{text[:end]}\npassword_hash = "{new_hash}"{text[end:]}'
    if _parse_for(file, updated).find_login(login) != replace(record, password_hash=new_hash):
        raise UsersFileError(
            f"{file} : utilisateur « {record.login} » : modification automatique impossible ; "
            "remplacez le hachage à la main."
        )
    _write_private(file, updated)


def _parse_for(file: Path, text: str) -> Users:
    try:
        return parse_users(text)
    except UsersFileError as exc:
        raise UsersFileError(f"{file} : {exc}") from None


def _write_private(file: Path, text: str) -> None:
    """Write ``text`` to ``file`` atomically, readable by its owner only (0600)."""
    file.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp creates the file with mode 0600 before anything is written into it.
    descriptor, temporary = tempfile.mkstemp(dir=file.parent, prefix=".users-", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, file)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
