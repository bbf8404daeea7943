"""The users file's text: parse and check it into frozen records, render new blocks (pure).

A file holds one ``[[user]]`` block per person::

    [[user]]
    login = "paul"
    name = "Paul Martin"
    role = "pm"                       # manager, pm or client
    contracts = ["Mairie de Lyon"]    # pm and client only: contract names
    email = "paul@agence.fr"          # optional: OIDC login
    password_hash = "$argon2id$v=19$..."

Errors are `UsersFileError` with a French message naming the user and the key. Reading
and writing the file itself is `tma_metrics.auth.users`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from tma_metrics.auth.passwords import looks_like_argon2id
from tma_metrics.auth.principal import Principal, Role
from tma_metrics.errors import ConfigurationError

__all__ = [
    "HEADER",
    "USER_KEYS",
    "UserRecord",
    "Users",
    "UsersFileError",
    "normalise_login",
    "parse_users",
    "render_block",
]

USER_KEYS = ("login", "name", "role", "contracts", "email", "password_hash")
_LOGIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
HEADER = (
    "# Utilisateurs de TMA Metrics (mode serveur), un bloc [[user]] par personne.\n"
    "# Écrit par « python -m tma_metrics user add » : des hachages argon2id, jamais de mot\n"
    "# de passe en clair. Rôles : manager (tous les contrats), pm (contrats attribués),\n"
    "# client (ses contrats, en lecture seule). Droits du fichier : 0600.\n"
)


class UsersFileError(ConfigurationError):
    """The users file is wrong; the message (French) names the user and the key."""


def normalise_login(text: str) -> str:
    """Return the form logins and e-mails are compared in.

    >>> normalise_login("  Paul.Martin ")
    'paul.martin'
    """
    return text.strip().casefold()


@dataclass(frozen=True)
class UserRecord:
    """One user of the file; the hash never appears in its repr."""

    login: str
    name: str
    role: Role
    contracts: tuple[str, ...] | None
    email: str | None = None
    password_hash: str | None = field(default=None, repr=False)

    def principal(self) -> Principal:
        """Return the principal this user logs in as."""
        return Principal(self.login, self.name, self.role, self.contracts)


@dataclass(frozen=True)
class Users:
    """Every user of the file, looked up by login or e-mail (case-insensitive)."""

    records: tuple[UserRecord, ...] = ()

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[UserRecord]:
        return iter(self.records)

    def find_login(self, login: str) -> UserRecord | None:
        """Return the user whose login is ``login``, if any."""
        wanted = normalise_login(login)
        return next((u for u in self.records if normalise_login(u.login) == wanted), None)

    def find_email(self, email: str) -> UserRecord | None:
        """Return the user whose e-mail is ``email``, if any."""
        wanted = normalise_login(email)
        return next(
            (u for u in self.records if u.email and normalise_login(u.email) == wanted), None
        )


def parse_users(text: str) -> Users:
    """Parse the users TOML text; raise `UsersFileError` on any fault.

    >>> parse_users('[[user]]\\nlogin = "ana"\\nrole = "client"\\ncontracts = ["Alpha"]\\n'
    ...             'email = "ana@client.fr"').find_login("ANA").contracts
    ('Alpha',)
    """
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsersFileError(f"Fichier des utilisateurs illisible (TOML invalide) : {exc}") from exc
    extra = sorted(set(doc) - {"user"})
    if extra:
        raise UsersFileError(f"Clé « {extra[0]} » inconnue : attendu des blocs [[user]].")
    raw_users = doc.get("user", [])
    if not isinstance(raw_users, list):
        raise UsersFileError("Clé « user » : attendu des blocs [[user]], trouvé une valeur seule.")
    records = tuple(_parse_user(raw, i) for i, raw in enumerate(raw_users, 1))
    _refuse_duplicates(records, lambda u: normalise_login(u.login), "Identifiant")
    _refuse_duplicates(
        tuple(u for u in records if u.email),
        lambda u: normalise_login(u.email or ""),
        "Adresse e-mail",
    )
    return Users(records)


def _refuse_duplicates(
    records: tuple[UserRecord, ...], key: Callable[[UserRecord], str], what: str
) -> None:
    seen: dict[str, str] = {}
    for record in records:
        value = key(record)
        if value in seen:
            raise UsersFileError(
                f"{what} en double : « {value} » (utilisateurs « {seen[value]} » et "
                f"« {record.login} »)."
            )
        seen[value] = record.login


def _parse_user(raw: Any, index: int) -> UserRecord:
    """Return user n° ``index`` of the file, every key checked."""
    login = _login(raw, index)
    extra = sorted(set(raw) - set(USER_KEYS))
    if extra:
        raise _user_fail(
            login, extra[0], "une des clés " + ", ".join(USER_KEYS), "une clé inconnue"
        )
    name = raw.get("name", login)
    if not isinstance(name, str) or not name.strip():
        raise _user_fail(login, "name", "un nom affiché", _shown(name))
    role = raw.get("role")
    if not isinstance(role, str) or role not in set(Role):
        raise _user_fail(login, "role", "manager, pm ou client", _shown(role))
    contracts = _contracts(raw, login, role)
    email = raw.get("email")
    if email is not None and (not isinstance(email, str) or not _EMAIL.match(email)):
        raise _user_fail(login, "email", "une adresse e-mail", _shown(email))
    password_hash = _password_hash(raw, login, email)
    return UserRecord(
        login=login,
        name=name.strip(),
        role=Role(role),
        contracts=None if contracts is None else tuple(c.strip() for c in contracts),
        email=email,
        password_hash=password_hash,
    )


def _login(raw: Any, index: int) -> str:
    """Return the user's login, checking the user is a table with a valid one."""
    if not isinstance(raw, dict):
        raise UsersFileError(f"Utilisateur n° {index} : attendu un bloc [[user]].")
    login = raw.get("login")
    if not isinstance(login, str) or not _LOGIN.match(login):
        raise UsersFileError(
            f"Utilisateur n° {index}, clé « login » : attendu un identifiant (lettres, "
            f"chiffres, « . _ - @ », 64 caractères au plus), trouvé {_shown(login)}."
        )
    return login


def _user_fail(login: str, key: str, expected: str, found: Any) -> UsersFileError:
    """Return the error saying what ``key`` of user ``login`` should hold and what it holds."""
    return UsersFileError(
        f"Utilisateur « {login} », clé « {key} » : attendu {expected}, trouvé {found}."
    )


def _contracts(raw: dict, login: str, role: str) -> Any:
    """Return the contracts a user is given: none for a manager, a list of names otherwise."""
    contracts = raw.get("contracts")
    if role == Role.MANAGER:
        if contracts is not None:
            raise _user_fail(
                login,
                "contracts",
                "aucune liste (un responsable voit tous les contrats)",
                _shown(contracts),
            )
    elif contracts is None:
        raise _user_fail(
            login, "contracts", f"la liste des contrats attribués (rôle {role})", "aucune valeur"
        )
    elif not isinstance(contracts, list) or not all(
        isinstance(c, str) and c.strip() for c in contracts
    ):
        raise _user_fail(login, "contracts", "une liste de noms de contrats", _shown(contracts))
    return contracts


def _password_hash(raw: dict, login: str, email: str | None) -> str | None:
    """Return the argon2id hash (optional with an e-mail for OIDC); never echo its value."""
    password_hash = raw.get("password_hash")
    if password_hash is None and email is None:
        raise _user_fail(
            login,
            "password_hash",
            "un hachage argon2id (créé par « python -m tma_metrics user add »), ou une clé "
            "email pour une connexion OIDC seulement",
            "aucune valeur",
        )
    if password_hash is not None and (
        not isinstance(password_hash, str) or not looks_like_argon2id(password_hash)
    ):
        # Never echo the value: it may be a clear password typed in by hand.
        raise _user_fail(
            login,
            "password_hash",
            "un hachage argon2id « $argon2id$… »",
            "autre chose (mot de passe en clair ?)",
        )
    return password_hash


def _shown(value: Any) -> str:
    return "aucune valeur" if value is None else repr(value)


def _toml_string(text: str) -> str:
    """Return ``text`` as a TOML basic string.

    >>> _toml_string('Zoé "Z" \\\\ Dupont')
    '"Zoé \\\\"Z\\\\" \\\\\\\\ Dupont"'
    """
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", escaped)
    return f'"{escaped}"'


def render_block(block: dict[str, Any]) -> str:
    lines = ["[[user]]"]
    for key in USER_KEYS:
        if key not in block:
            continue
        value = block[key]
        if isinstance(value, list):
            rendered = "[" + ", ".join(_toml_string(str(v)) for v in value) + "]"
        else:
            rendered = _toml_string(str(value))
        lines.append(f"{key} = {rendered}")
    return "\n".join(lines) + "\n"
