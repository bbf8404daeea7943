"""The « Sources » page through app.py (AppTest): configure, sync, report; managers only."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.sources.live.fake_redmine import KEY, FakeRedmine
from tests.sources.live.recorded import RecordedServer
from tma_metrics.auth.passwords import hash_password
from tma_metrics.sources.live import SourceBook, book_path, secrets_path

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PASSWORD = "mot-de-passe-chef-de-projet-1"


@pytest.fixture
def fake():
    with RecordedServer(FakeRedmine()) as server:
        yield server


@pytest.fixture
def local(tmp_path, monkeypatch) -> Path:
    db = tmp_path / "app.duckdb"
    monkeypatch.setenv("TMA_METRICS_DB", str(db))
    monkeypatch.setenv("TMA_METRICS_CONTRACTS", str(tmp_path / "contracts.toml"))
    monkeypatch.setenv("TMA_METRICS_DEMO", "0")
    monkeypatch.setenv("TMA_METRICS_USERS", str(tmp_path / "users.toml"))
    monkeypatch.delenv("REDMINE_API_KEY", raising=False)
    return db


def texts(at: AppTest) -> str:
    parts = [e.value for e in (*at.title, *at.caption, *at.markdown, *at.success, *at.error,
                               *at.warning, *at.info)]  # fmt: skip
    parts += [m.label + " " + m.value for m in at.metric]
    parts += [df.value.to_csv() for df in at.dataframe]
    parts += [t.value for t in at.text_input]
    return "\n".join(str(p) for p in parts)


def open_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/sources.py")
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_manager_configures_a_source_syncs_it_and_reads_the_report(local, fake) -> None:
    at = open_page()
    assert at.title[0].value == "Sources"
    inputs = {t.label: t for t in at.text_input}
    inputs["Adresse du serveur"].input(fake.url)
    inputs["Projets Redmine (identifiants séparés par des virgules ; vide : tous)"].input("essai")
    inputs["Clé d'API Redmine"].input(KEY)
    next(b for b in at.button if b.label == "Enregistrer la source").click()
    at.run()
    assert not at.exception, at.exception
    assert "Source enregistrée" in texts(at)
    assert KEY not in texts(at)
    assert stat.S_IMODE(secrets_path(local).stat().st_mode) == 0o600
    assert KEY not in book_path(local).read_text(encoding="utf-8")
    next(b for b in at.button if b.label == "Synchroniser maintenant").click()
    at.run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Synchronisation complète terminée (import n° 1)" in shown
    assert "Ajoutées 20" in shown  # 5 tickets, 5 entries, 2 status rows per ticket
    assert KEY not in shown
    (source,) = SourceBook.load(book_path(local)).sources
    assert SourceBook.load(book_path(local)).last_run(source.id).ok


def test_a_failed_sync_shows_the_french_message(local, fake) -> None:
    at = open_page()
    inputs = {t.label: t for t in at.text_input}
    inputs["Adresse du serveur"].input(fake.url)
    inputs["Clé d'API Redmine"].input("mauvaise-cle")
    next(b for b in at.button if b.label == "Enregistrer la source").click()
    at.run()
    next(b for b in at.button if b.label == "Synchroniser maintenant").click()
    at.run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert any("Rien n'a été écrit" in e and "HTTP 401" in e for e in errors), errors


def test_a_project_manager_cannot_configure_sources(local, tmp_path) -> None:
    (tmp_path / "users.toml").write_text(
        f'[[user]]\nlogin = "paul"\nname = "Paul"\nrole = "pm"\ncontracts = []\n'
        f'password_hash = "{hash_password(PASSWORD)}"\n',
        encoding="utf-8",
    )
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/connexion.py")
    at.run()
    at.text_input[0].input("paul")
    at.text_input[1].input(PASSWORD)
    next(b for b in at.button if b.label == "Se connecter").click()
    at.run()
    try:
        at.switch_page("pages/sources.py")
    except ValueError:
        return  # not even registered for a project manager
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Cette page est réservée aux responsables."]
    assert not at.text_input and not at.button


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("[clic](javascript:alert(1))", "\\[clic\\](javascript:alert(1))"),
        ("<img src=x onerror=alert(1)>", "\\<img src=x onerror=alert(1)\\>"),
        ("coût $x$ ~barré~", "coût \\$x\\$ \\~barré\\~"),
        ("https://r.fr/projets/site_web-2", "https://r.fr/projets/site_web-2"),
        ("**gras** `code` # titre | col", "\\*\\*gras\\*\\* \\`code\\` \\# titre \\| col"),
    ],
    ids=["link", "html", "latex-strike", "url-kept", "formatting"],
)
def test_server_texts_are_escaped_before_markdown(text: str, shown: str) -> None:
    from tma_metrics.ui.sources_page import md

    assert md(text) == shown
