"""The ``user`` command: add, list and passwd, with the password given on stdin."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import pytest

from tests.auth.conftest import PASSWORDS
from tma_metrics.auth.users import authenticate, load_users
from tma_metrics.cli import users as cli

STRONG = "une-phrase-de-passe-solide"
CONTRACTS = """
[[contract]]
name = "Mairie de Lyon"
projects = ["lyon"]
model = "regie"
"""


@pytest.fixture(autouse=True)
def contracts_file(tmp_path: Path, monkeypatch) -> None:
    """Point the contracts file at a one-contract file (for the unknown-name warning)."""
    path = tmp_path / "contracts.toml"
    path.write_text(CONTRACTS, encoding="utf-8")
    monkeypatch.setenv("TMA_METRICS_CONTRACTS", str(path))


def run(argv: list[str], monkeypatch, stdin: str = "", tty: bool = False) -> int:
    stream = io.StringIO(stdin)
    stream.isatty = lambda: tty  # type: ignore[method-assign]
    monkeypatch.setattr("sys.stdin", stream)
    return cli.main(argv)


def test_add_then_list_never_shows_a_hash_or_the_password(tmp_path: Path, monkeypatch, capsys):
    users = tmp_path / "users.toml"
    argv = ["user", "add", "paul", "--name", "Paul Durand", "--role", "pm"]
    argv += ["--contract", "Mairie de Lyon", "--contract", "Lille", "--users", str(users)]
    assert run([*argv, "--password-stdin"], monkeypatch, STRONG + "\n") == 0
    out, err = capsys.readouterr()
    assert "Utilisateur « paul » ajouté (pm, contrats : Mairie de Lyon, Lille)" in out
    assert "contrats absents du fichier des contrats (ils ne donnent accès à rien) : Lille" in err
    assert stat.S_IMODE(users.stat().st_mode) == 0o600
    assert authenticate(load_users(users), "paul", STRONG).contracts == ("Mairie de Lyon", "Lille")

    assert run(["user", "list", "--users", str(users)], monkeypatch) == 0
    out, _ = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].split()[:5] == ["Identifiant", "Nom", "Rôle", "Contrats", "E-mail"]
    assert lines[1].startswith("paul ") and "Mairie de Lyon, Lille" in lines[1]
    assert "$argon2" not in out and STRONG not in out

    assert run(["user", "list", "--users", str(users), "--json"], monkeypatch) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows == [
        {
            "login": "paul",
            "name": "Paul Durand",
            "role": "pm",
            "contracts": ["Mairie de Lyon", "Lille"],
            "email": None,
            "password": True,
        }
    ]


def test_list_of_the_test_users_shows_roles_and_contracts(users_file: Path, monkeypatch, capsys):
    users_file.chmod(0o644)
    assert run(["user", "list", "--users", str(users_file)], monkeypatch) == 0
    out, err = capsys.readouterr()
    table = {line.split()[0]: line for line in out.splitlines()[1:]}
    assert "manager" in table["alice"] and "(tous)" in table["alice"]
    assert "client" in table["chloe"] and "CHU Nantes" in table["chloe"]
    assert "$argon2" not in out
    assert "lisible par d'autres comptes" in err
    assert "CHU Nantes" in err  # not in the one-contract file: warned


def test_list_without_users_says_local_mode(tmp_path: Path, monkeypatch, capsys) -> None:
    assert run(["user", "list", "--users", str(tmp_path / "absent.toml")], monkeypatch) == 0
    assert "mode local" in capsys.readouterr().out


def test_list_of_a_file_without_users_says_the_app_stays_closed(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    path = tmp_path / "users.toml"
    path.write_text("# personne\n", encoding="utf-8")
    assert run(["user", "list", "--users", str(path)], monkeypatch) == 0
    out = capsys.readouterr().out
    assert "l'application reste fermée" in out and "mode local (" not in out.split("revenir")[0]


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("court\n", "Mot de passe trop faible : au moins 12 caractères (saisi : 5)."),
        ("\n", "au moins 12 caractères (saisi : 0)"),
        ("", "Entrée standard vide : aucun mot de passe lu."),
        ("paul-paul-paul-paul\n", "il ne doit pas contenir l'identifiant"),
    ],
    ids=["too-short", "empty-line", "no-input", "contains-login"],
)
def test_add_refuses_weak_or_missing_passwords(
    tmp_path: Path, monkeypatch, capsys, stdin: str, message: str
) -> None:
    users = tmp_path / "users.toml"
    argv = ["user", "add", "paul", "--role", "manager", "--users", str(users), "--password-stdin"]
    assert run(argv, monkeypatch, stdin) == cli.EXIT_ERROR
    assert message in capsys.readouterr().err
    assert not users.exists()


def test_without_a_terminal_the_password_must_come_from_stdin(tmp_path: Path, monkeypatch, capsys):
    argv = ["user", "add", "paul", "--role", "manager", "--users", str(tmp_path / "u.toml")]
    assert run(argv, monkeypatch, STRONG + "\n", tty=False) == cli.EXIT_ERROR
    assert "--password-stdin" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("typed", "code"),
    [((STRONG, STRONG), 0), ((STRONG, STRONG + "x"), cli.EXIT_ERROR)],
    ids=["confirmed", "confirmation-differs"],
)
def test_on_a_terminal_the_password_is_typed_twice(
    tmp_path: Path, monkeypatch, capsys, typed: tuple[str, str], code: int
) -> None:
    answers = iter(typed)
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt: next(answers))
    users = tmp_path / "users.toml"
    argv = ["user", "add", "alice", "--role", "manager", "--users", str(users)]
    assert run(argv, monkeypatch, tty=True) == code
    assert users.exists() is (code == 0)
    if code:
        assert "Les deux saisies diffèrent" in capsys.readouterr().err


def test_the_trailing_newline_is_not_part_of_the_password(tmp_path: Path, monkeypatch) -> None:
    users = tmp_path / "users.toml"
    argv = ["user", "add", "alice", "--role", "manager", "--users", str(users), "--password-stdin"]
    assert run(argv, monkeypatch, STRONG + "\r\n") == 0
    assert authenticate(load_users(users), "alice", STRONG) is not None


def test_an_oidc_only_user_needs_an_email(tmp_path: Path, monkeypatch, capsys) -> None:
    users = tmp_path / "users.toml"
    base = ["user", "add", "ana", "--role", "client", "--contract", "Mairie de Lyon"]
    assert run([*base, "--no-password", "--users", str(users)], monkeypatch) == cli.EXIT_ERROR
    assert "--no-password exige --email" in capsys.readouterr().err
    argv = [*base, "--no-password", "--email", "ana@lyon.fr", "--users", str(users)]
    assert run(argv, monkeypatch) == 0
    assert load_users(users).find_email("ana@lyon.fr").login == "ana"


def test_add_an_existing_login_fails_in_french(users_file: Path, monkeypatch, capsys) -> None:
    argv = ["user", "add", "alice", "--role", "manager", "--users", str(users_file)]
    assert run([*argv, "--password-stdin"], monkeypatch, STRONG + "\n") == cli.EXIT_ERROR
    assert "l'utilisateur « alice » existe déjà" in capsys.readouterr().err


def test_passwd_changes_the_password(users_file: Path, monkeypatch, capsys) -> None:
    argv = ["user", "passwd", "chloe", "--users", str(users_file), "--password-stdin"]
    assert run(argv, monkeypatch, STRONG + "\n") == 0
    assert "Mot de passe de « chloe » changé." in capsys.readouterr().out
    users = load_users(users_file)
    assert authenticate(users, "chloe", STRONG) is not None
    assert authenticate(users, "chloe", PASSWORDS["chloe"]) is None
    assert run(argv, monkeypatch, "court\n") == cli.EXIT_ERROR


def test_the_parser_plugs_into_the_apps_command_line() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    cli.add_user_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["user", "add", "x", "--role", "client", "--contract", "A"])
    assert (args.command, args.user_command, args.contracts) == ("user", "add", ["A"])
    with pytest.raises(SystemExit):
        parser.parse_args(["user", "add", "x", "--role", "admin"])
