"""From an import to a contract, in the browser, on a server of its own (it writes):
an import of a project no contract covers is named on the page, the form creates its
contract (confirmed after the rerun), the Portefeuille then lists it, a wrong TOML is
refused, and the import is undone (confirmed too). The repository's seed never changes."""

from __future__ import annotations

import hashlib
import shutil

import pytest

from tests.browser.conftest import AppServer, wait_idle
from tests.browser.walk import assert_presentable, check, full_screenshot, type_date
from tests.conftest import DEMO_AS_OF
from tma_metrics.store.contracts_file import DEFAULT_CONTRACTS, load_contracts

pytestmark = pytest.mark.browser

TIMES = (
    "date;personne;heures;demande;projet;activité;commentaire\n"
    "02/11/2026;Léa;6;D-1;Delta site;Dév;\n"
    "09/11/2026;Hugo;4;D-2;Delta site;Dév;\n"
    "16/11/2026;Hugo;2;;Delta site;Pilotage;\n"
)


@pytest.fixture(scope="module")
def server(demo, tmp_path_factory):
    db, _ = demo
    folder = tmp_path_factory.mktemp("server-contracts")
    copy = folder / "served.duckdb"
    shutil.copy(db, copy)
    app = AppServer(
        copy,
        {"TMA_METRICS_USERS": str(folder / "users.toml"), "TMA_METRICS_DEMO": "0"},
        folder / "streamlit.log",
    )
    yield app
    app.stop()


def seed_digest() -> str:
    return hashlib.sha256(DEFAULT_CONTRACTS.read_bytes()).hexdigest()


def success(page) -> str:
    return "\n".join(page.locator('[data-testid="stAlertContentSuccess"]').all_inner_texts())


def test_an_imported_project_gets_its_contract_without_toml(
    server, context, tmp_path, artifacts
) -> None:
    seed = seed_digest()
    page = context.new_page()
    page.goto(server.url)
    wait_idle(page)
    page.goto(f"{server.url}/import")
    check(page, "import")
    export = tmp_path / "temps-delta.csv"
    export.write_text(TIMES, encoding="utf-8")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(export))
    page.get_by_role("button", name="Importer").click()
    check(page, "import d'un projet sans contrat")
    warning = page.get_by_text("n'appartient à aucun contrat", exact=False).first
    assert "« Delta site »" in warning.inner_text()
    page.get_by_text("Créer un contrat pour ces projets").click()
    wait_idle(page)
    page.get_by_role("textbox", name="Nom du contrat").fill("Delta - Agglomération du Val")
    page.get_by_role("textbox", name="Jours achetés").fill("12,5")
    type_date(page, "Début du carnet", "01", "11", "2026")
    page.get_by_role("button", name="Créer le contrat").click()
    check(page, "création du contrat")
    # confirmed after the rerun, and the project is no longer without contract
    assert "Contrat « Delta - Agglomération du Val » enregistré dans" in success(page)
    assert "le fichier de démonstration du dépôt reste inchangé" in success(page)
    assert page.get_by_text("n'appartient à aucun contrat", exact=False).count() == 0
    full_screenshot(page, artifacts / "walk-import-apres-contrat.png")
    written = server.db.with_name("served.contracts.toml")
    names = [c.name for c in load_contracts(written)]
    assert names[-1] == "Delta - Agglomération du Val" and len(names) == 4
    assert seed_digest() == seed, "the repository's seed is never written"

    page.get_by_role("link", name="Portefeuille").click()
    wait_idle(page)
    page.goto(f"{server.url}/?au={DEMO_AS_OF.isoformat()}")
    assert_presentable(page, "portefeuille à quatre contrats")
    assert "4 contrat(s)" in page.locator('[data-testid="stMain"]').inner_text()

    page.goto(f"{server.url}/contrats")
    check(page, "contrats")
    editor = page.get_by_role("textbox", name="Fichier served.contracts.toml")
    editor.fill('[[contract]]\nname = "Sans projets"\n')
    page.get_by_role("button", name="Valider et enregistrer").click()
    check(page, "fichier refusé")
    error = page.locator('[data-testid="stAlertContentError"]').first.inner_text()
    assert error.startswith("Fichier non enregistré.")
    assert [c.name for c in load_contracts(written)] == names

    page.goto(f"{server.url}/import")
    check(page, "import, annulation")
    page.get_by_text("Je confirme : cet import ne compte plus").click()
    page.get_by_role("button", name="Annuler cet import").click()
    check(page, "annulation de l'import")
    assert "Import n° 5 annulé" in success(page)
