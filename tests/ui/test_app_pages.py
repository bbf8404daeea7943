"""Every registered page runs through app.py without exception (Streamlit AppTest).

Each page runs twice: on an empty database (a first start) and on the demo database
(three contracts, a year of tickets and time), where it must show its data.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import DEMO_AS_OF
from tma_metrics.ui.frame import PAGE_TABLE

APP = str(Path(__file__).resolve().parents[2] / "app.py")

CONTRACTS = """
[[contract]]
name = "Client Test"
projects = ["test"]
[[contract.carnet]]
start = 2026-01-01
days = 20
"""

#: The only contract of the empty database's contracts file.
TEST = "Client Test"
#: The first contract of the demo, in alphabetical order: where a meeting page opens.
ALPHA = "Alpha - Mairie de Valbonne-sur-Loire"

#: (page file, title on the empty database, title on the demo, shows metric cards on the
#: demo), written by hand from what a user reads at the top of each page.
PAGES = [
    ("portefeuille.py", "Portefeuille des contrats", "Portefeuille des contrats", False),
    ("point_tma.py", f"Point TMA — {TEST}", f"Point TMA — {ALPHA}", True),
    ("bilan_mensuel.py", f"Bilan mensuel — {TEST}", f"Bilan mensuel — {ALPHA}", True),
    ("copil.py", f"Copil — {TEST}", f"Copil — {ALPHA}", True),
    ("import_donnees.py", "Import des exports", "Import des exports", False),
    ("contrats.py", "Contrats", "Contrats", False),
    ("sources.py", "Sources", "Sources", False),
    ("glossaire.py", "Glossaire des indicateurs", "Glossaire des indicateurs", False),
    ("solde_rapide.py", "Solde rapide", "Solde rapide", False),
]


def test_the_table_covers_every_registered_page() -> None:
    assert sorted(page for page, *_ in PAGES) == sorted(row[1] for row in PAGE_TABLE)


@pytest.fixture
def empty_env(tmp_path, monkeypatch):
    contracts = tmp_path / "contracts.toml"
    contracts.write_text(CONTRACTS, encoding="utf-8")
    monkeypatch.setenv("TMA_METRICS_DB", str(tmp_path / "app.duckdb"))
    monkeypatch.setenv("TMA_METRICS_CONTRACTS", str(contracts))
    monkeypatch.setenv("TMA_METRICS_DEMO", "0")
    # a developer's real users file must not switch the test to the login screen
    monkeypatch.setenv("TMA_METRICS_USERS", str(tmp_path / "users.toml"))


@pytest.fixture
def demo_env(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("TMA_METRICS_DB", str(demo[0]))
    monkeypatch.delenv("TMA_METRICS_CONTRACTS", raising=False)
    monkeypatch.setenv("TMA_METRICS_USERS", str(tmp_path / "users.toml"))


def run(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page(f"pages/{page}")
    at.query_params["au"] = DEMO_AS_OF.isoformat()
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(
    ("page", "title"), [(p, empty) for p, empty, _, _ in PAGES], ids=[p for p, *_ in PAGES]
)
def test_page_runs_on_an_empty_database(empty_env, page: str, title: str) -> None:
    at = run(page)
    assert [t.value for t in at.title] == [title]


@pytest.mark.parametrize(
    ("page", "title", "cards"),
    [(p, demo, cards) for p, _, demo, cards in PAGES],
    ids=[p for p, *_ in PAGES],
)
def test_page_runs_on_the_demo_database(demo_env, page: str, title: str, cards: bool) -> None:
    at = run(page)
    assert [t.value for t in at.title] == [title]
    assert bool(at.metric) == cards
