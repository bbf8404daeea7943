"""The Import page as each role: the history and the undo list are the store's, scoped."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tma_metrics.auth.passwords import hash_password
from tma_metrics.auth.users import USERS_ENV

APP = str(Path(__file__).resolve().parents[2] / "app.py")
BETA = "Beta - Comptoir des Bastides"
PASSWORDS = {"alice": "cheval-correct-agrafe-1", "paul": "batterie-agrafe-cheval-2"}
DEMO_FILES = [
    "gamma-canonique.xlsx",
    "jira-beta.csv",
    "redmine-alpha-temps.csv",
    "redmine-alpha-demandes.csv",
]


@pytest.fixture(scope="module")
def users_text() -> str:
    alice, paul = (hash_password(PASSWORDS[login]) for login in ("alice", "paul"))
    return (
        f'[[user]]\nlogin = "alice"\nname = "Alice"\nrole = "manager"\n'
        f'password_hash = "{alice}"\n\n'
        f'[[user]]\nlogin = "paul"\nname = "Paul"\nrole = "pm"\ncontracts = ["{BETA}"]\n'
        f'password_hash = "{paul}"\n'
    )


@pytest.fixture
def server_mode(demo, tmp_path, monkeypatch, users_text):
    db, _ = demo
    copy = tmp_path / "served.duckdb"
    shutil.copy(db, copy)
    users = tmp_path / "users.toml"
    users.write_text(users_text, encoding="utf-8")
    monkeypatch.setenv("TMA_METRICS_DB", str(copy))
    monkeypatch.setenv(USERS_ENV, str(users))


def import_page_as(login: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/connexion.py")
    at.run()
    at.text_input[0].input(login)
    at.text_input[1].input(PASSWORDS[login])
    next(b for b in at.button if b.label == "Se connecter").click()
    at.run()
    at.switch_page("pages/import_donnees.py")
    at.run()
    assert not at.exception, at.exception
    return at


def history_files(at: AppTest) -> list[str]:
    (table,) = [df.value for df in at.dataframe if "Fichier" in df.value.columns]
    return table["Fichier"].tolist()


@pytest.mark.parametrize(
    ("login", "files"),
    [("alice", DEMO_FILES), ("paul", ["jira-beta.csv"])],
    ids=["manager-sees-every-import", "pm-sees-the-imports-of-their-contract"],
)
def test_the_import_page_lists_and_offers_only_the_users_imports(
    server_mode, login: str, files: list[str]
) -> None:
    at = import_page_as(login)
    assert history_files(at) == files
    (undo,) = [s for s in at.selectbox if s.label == "Import à annuler"]
    assert [option.split(" — ")[1] for option in undo.options] == files
