"""Contracts without TOML: imported projects no contract covers, and the form that adds one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tma_metrics.auth.principal import Principal, Role
from tma_metrics.store import Store
from tma_metrics.store.contracts_file import (
    ContractDraft,
    load_contracts,
    local_scope,
    versions_folder,
)
from tma_metrics.ui.contracts_write import ContractsWriteDenied, create_contract, save_contracts

APP = str(Path(__file__).resolve().parents[2] / "app.py")
CONTRACTS = '[[contract]]\nname = "Existant"\nprojects = ["ancien"]\nmodel = "regie"\n'
TIMES = (
    "date;personne;heures;demande;projet;activité;commentaire\n"
    "05/10/2026;Léa;6;S-1;Site vitrine;Dév;\n"
    "12/10/2026;Hugo;4;S-2;Site vitrine;Dév;\n"
    "02/11/2026;Hugo;3;;Intranet <b>RH</b>;Pilotage;\n"
)


@pytest.fixture
def app(tmp_path, monkeypatch) -> Path:
    db = tmp_path / "app.duckdb"
    store = Store(db)
    assert store.import_file(TIMES.encode(), "temps.csv", scope=local_scope(())).imported
    store.close()
    contracts = tmp_path / "contrats.toml"
    contracts.write_text(CONTRACTS, encoding="utf-8")
    monkeypatch.setenv("TMA_METRICS_DB", str(db))
    monkeypatch.setenv("TMA_METRICS_CONTRACTS", str(contracts))
    monkeypatch.setenv("TMA_METRICS_DEMO", "0")
    monkeypatch.setenv("TMA_METRICS_USERS", str(tmp_path / "users.toml"))
    return contracts


def texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in (*at.warning, *at.success, *at.error, *at.caption))


@pytest.mark.parametrize("page", ["portefeuille.py", "import_donnees.py", "contrats.py"])
def test_projects_without_contract_are_named(app, page) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page(f"pages/{page}")
    at.run()
    assert not at.exception, at.exception
    warning = next(str(w.value) for w in at.warning if "aucun contrat" in str(w.value))
    assert warning.startswith("2 projets importés n'appartiennent à aucun contrat")
    assert "« Site vitrine »" in warning
    assert "Intranet \\<b\\>RH\\</b\\>" in warning  # markup from a file stays text


def test_the_form_creates_the_contract_and_says_so_after_the_rerun(app) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.text_input(key="name-portefeuille").input("Delta - Site vitrine")
    at.multiselect(key="projects-portefeuille").set_value(["Site vitrine"])
    at.text_input(key="days-portefeuille").input("12,5")
    at.date_input(key="start-portefeuille").set_value(date(2026, 10, 1))
    next(b for b in at.button if b.label == "Créer le contrat").click()
    at.run()
    assert not at.exception, at.exception
    (message,) = [str(s.value) for s in at.success if str(s.value).startswith("Contrat")]
    assert message.startswith(f"Contrat « Delta - Site vitrine » enregistré dans {app} ;")
    assert "la version précédente est gardée dans" in message
    made = {c.name: c for c in load_contracts(app)}
    assert set(made) == {"Existant", "Delta - Site vitrine"}
    delta = made["Delta - Site vitrine"]
    assert delta.projects == ("Site vitrine",)
    assert [(c.start, c.days) for c in delta.carnets] == [(date(2026, 10, 1), 12.5)]
    (kept,) = versions_folder(app).iterdir()
    assert kept.read_text(encoding="utf-8") == CONTRACTS
    # the project now belongs to a contract: only the other one is left
    warning = next(str(w.value) for w in at.warning if "aucun contrat" in str(w.value))
    assert warning.startswith("1 projet importé n'appartient à aucun contrat")
    assert "Site vitrine" not in warning


@pytest.mark.parametrize(
    ("days", "message"),
    [("", "« Jours achetés » est vide"), ("douze", "attend un nombre positif"), ("-3", "positif")],
    ids=["empty", "not-a-number", "negative"],
)
def test_a_wrong_form_says_why_and_writes_nothing(app, days, message) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.text_input(key="name-portefeuille").input("Delta")
    at.text_input(key="days-portefeuille").input(days)
    next(b for b in at.button if b.label == "Créer le contrat").click()
    at.run()
    assert any(message in str(e.value) for e in at.error), [e.value for e in at.error]
    assert app.read_text(encoding="utf-8") == CONTRACTS


PM = Principal(login="paul", name="Paul", role=Role.PM, contracts=("Existant",))
CLIENT = Principal(login="cli", name="Cli", role=Role.CLIENT, contracts=("Existant",))


@pytest.mark.parametrize("who", [PM, CLIENT], ids=["project-manager", "client"])
def test_only_a_manager_writes_the_contracts(app, who) -> None:
    with pytest.raises(ContractsWriteDenied, match="seul un responsable"):
        save_contracts(CONTRACTS + "\n# modifié\n", who)
    with pytest.raises(ContractsWriteDenied):
        create_contract(ContractDraft("X", ("x",), "regie"), who)
    assert app.read_text(encoding="utf-8") == CONTRACTS
    assert not versions_folder(app).exists()
