"""The ``user`` command: add users, list them, change a password (never shows a hash).

``python -m tma_metrics user add LOGIN --role pm --contract "Mairie de Lyon"`` asks the
password twice on a terminal, or reads one line with ``--password-stdin``.
"""

from __future__ import annotations

import argparse
import getpass
import json
import stat
import sys
from collections.abc import Sequence
from typing import TextIO

from tma_metrics.auth.principal import ROLES, Role, unknown_contract_names
from tma_metrics.auth.users import (
    USERS_ENV,
    UserRecord,
    UsersFileError,
    WeakPasswordError,
    add_user,
    load_users,
    resolve_users_path,
    set_password,
)
from tma_metrics.errors import InputError

__all__ = [
    "EXIT_ERROR",
    "EXIT_OK",
    "PasswordInputError",
    "add_user_parser",
    "cmd_user",
    "main",
    "read_password",
]

EXIT_OK = 0
EXIT_ERROR = 1


class PasswordInputError(InputError):
    """No password could be read; the message (French) says how to give one."""


def add_user_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the ``user`` command (add, list, passwd) on a subparsers action."""
    parser = sub.add_parser("user", help="utilisateurs du mode serveur (fichier users.toml)")
    users_help = f"fichier des utilisateurs (défaut : ${USERS_ENV} ou data/users.toml)"
    actions = parser.add_subparsers(dest="user_command", required=True, metavar="ACTION")

    p = actions.add_parser("add", help="ajouter un utilisateur")
    p.add_argument("login", metavar="IDENTIFIANT")
    p.add_argument("--name", help="nom affiché (défaut : l'identifiant)")
    p.add_argument("--role", required=True, choices=ROLES, help="manager, pm ou client")
    p.add_argument(
        "--contract",
        dest="contracts",
        action="append",
        default=[],
        metavar="CONTRAT",
        help="contrat attribué (rôles pm et client ; répéter l'option pour plusieurs)",
    )
    p.add_argument("--email", help="adresse e-mail (connexion OIDC)")
    p.add_argument("--users", help=users_help)
    _password_options(p)
    p.add_argument(
        "--no-password",
        action="store_true",
        help="pas de mot de passe : connexion OIDC seulement (exige --email)",
    )

    p = actions.add_parser("list", help="lister les utilisateurs (sans les hachages)")
    p.add_argument("--users", help=users_help)
    p.add_argument("--json", action="store_true", help="sortie JSON")

    p = actions.add_parser("passwd", help="changer le mot de passe d'un utilisateur")
    p.add_argument("login", metavar="IDENTIFIANT")
    p.add_argument("--users", help=users_help)
    _password_options(p)
    return parser


def _password_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="lire le mot de passe sur l'entrée standard (une ligne)",
    )


def cmd_user(args: argparse.Namespace) -> int:
    """Run ``user add|list|passwd``; return the process exit code."""
    try:
        if args.user_command == "add":
            return _cmd_add(args)
        if args.user_command == "passwd":
            return _cmd_passwd(args)
        return _cmd_list(args)
    except (UsersFileError, WeakPasswordError, PasswordInputError) as exc:
        print(exc, file=sys.stderr)
        return EXIT_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``user ...`` on its own (the app's CLI registers the same parser)."""
    parser = argparse.ArgumentParser(prog="python -m tma_metrics")
    add_user_parser(parser.add_subparsers(dest="command", required=True, metavar="COMMANDE"))
    return cmd_user(parser.parse_args(argv))


def read_password(from_stdin: bool, stdin: TextIO | None = None) -> str:
    """Return the new password: one line of stdin, or typed twice on a terminal."""
    stream = stdin if stdin is not None else sys.stdin
    if from_stdin:
        line = stream.readline()
        if not line:
            raise PasswordInputError("Entrée standard vide : aucun mot de passe lu.")
        return line.rstrip("\r\n")
    if not stream.isatty():
        raise PasswordInputError(
            "Pas de terminal pour saisir le mot de passe : passez-le sur l'entrée standard "
            "avec --password-stdin."
        )
    first = getpass.getpass("Mot de passe : ")
    if getpass.getpass("Confirmez le mot de passe : ") != first:
        raise PasswordInputError("Les deux saisies diffèrent : mot de passe non enregistré.")
    return first


def _cmd_add(args: argparse.Namespace) -> int:
    if args.no_password:
        if not args.email:
            raise PasswordInputError(
                "--no-password exige --email : sans mot de passe, seule la connexion OIDC "
                "(par adresse e-mail) est possible."
            )
        password = None
    else:
        password = read_password(args.password_stdin)
    record = add_user(
        args.users,
        args.login,
        args.name or args.login,
        args.role,
        args.contracts,
        password,
        email=args.email,
    )
    file = resolve_users_path(args.users)
    print(f"Utilisateur « {record.login} » ajouté ({_describe(record)}) dans {file}.")
    _warn_unknown_contracts([record])
    return EXIT_OK


def _cmd_passwd(args: argparse.Namespace) -> int:
    set_password(args.users, args.login, read_password(args.password_stdin))
    print(f"Mot de passe de « {args.login.strip()} » changé.")
    return EXIT_OK


def _cmd_list(args: argparse.Namespace) -> int:
    file = resolve_users_path(args.users)
    users = load_users(file)
    if args.json:
        rows = [
            {
                "login": u.login,
                "name": u.name,
                "role": str(u.role),
                "contracts": None if u.contracts is None else list(u.contracts),
                "email": u.email,
                "password": u.password_hash is not None,
            }
            for u in users
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not len(users) and file.exists():
        print(
            f"Aucun utilisateur dans {file} : l'application reste fermée (aucune connexion "
            "possible). Ajoutez un utilisateur avec « user add », ou supprimez le fichier pour "
            "revenir au mode local (sans connexion, sur cette machine)."
        )
    elif not len(users):
        print(f"Pas de fichier {file} : mode local (sans connexion, sur cette machine).")
    else:
        table = [("Identifiant", "Nom", "Rôle", "Contrats", "E-mail", "Mot de passe")]
        table += [
            (
                u.login,
                u.name,
                str(u.role),
                "(tous)" if u.contracts is None else ", ".join(u.contracts) or "(aucun)",
                u.email or "",
                "oui" if u.password_hash else "non (OIDC)",
            )
            for u in users
        ]
        widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
        for row in table:
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    if file.exists() and stat.S_IMODE(file.stat().st_mode) & 0o077:
        print(
            f"Attention : {file} est lisible par d'autres comptes de la machine "
            f"(droits {stat.S_IMODE(file.stat().st_mode):04o}) ; conseillé : chmod 600.",
            file=sys.stderr,
        )
    _warn_unknown_contracts(list(users))
    return EXIT_OK


def _describe(record: UserRecord) -> str:
    if record.role == Role.MANAGER:
        return "manager, tous les contrats"
    return f"{record.role}, contrats : {', '.join(record.contracts or ()) or 'aucun'}"


def _warn_unknown_contracts(records: Sequence[UserRecord]) -> None:
    """Warn about assigned names that match no contract (they give access to nothing)."""
    from tma_metrics.domain.contracts.model import ContractError
    from tma_metrics.store.contracts_file import load_contracts

    try:
        contracts = load_contracts()
    except ContractError:
        return  # no readable contracts file: nothing to compare with
    for record in records:
        unknown = unknown_contract_names(record.principal(), contracts)
        if unknown:
            print(
                f"Attention : « {record.login} » a des contrats absents du fichier des "
                f"contrats (ils ne donnent accès à rien) : {', '.join(unknown)}.",
                file=sys.stderr,
            )
