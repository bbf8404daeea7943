"""Server mode in a real browser: the quick balance is private to each session, a client
cannot open internal pages by URL, hostile text stays text."""

from __future__ import annotations

import hashlib
import shutil

import openpyxl
import pytest

from tests.browser.conftest import AppServer, wait_idle
from tma_metrics.auth.passwords import hash_password

ALPHA = "Alpha - Mairie de Valbonne-sur-Loire"
PASSWORD = "mot-de-passe-client-alpha-1"
TIMES = (
    "date;personne;heures;demande;projet;activité;commentaire\n"
    "05/01/2026;Léa;6;A-1;site;Dév;\n"
    "06/01/2026;Léa;5;A-1;site;Dév;\n"
    "12/01/2026;Hugo;4;A-2;site;Dév;\n"
    "02/02/2026;Hugo;3;;site;Pilotage;\n"
)
TICKETS = (
    "clé;projet;titre;type;priorité;statut;créé le;estimation (h)\n"
    'A-1;site;<script>alert("titre")</script>;evolutive;mineure;Fermé;05/01/2026 10:00;8\n'
    "A-2;site;<img src=x onerror=alert(1)> **gras**;corrective;majeure;Fermé;12/01/2026 09:00;\n"
)


@pytest.fixture(scope="module")
def server(demo, tmp_path_factory):
    """The app in password mode (one client user) on its own copy of the demo database."""
    db, _ = demo
    folder = tmp_path_factory.mktemp("server-mode")
    copy = folder / "served.duckdb"
    shutil.copy(db, copy)
    users = folder / "users.toml"
    users.write_text(
        f'[[user]]\nlogin = "claire"\nname = "Claire Client"\nrole = "client"\n'
        f'contracts = ["{ALPHA}"]\npassword_hash = "{hash_password(PASSWORD)}"\n',
        encoding="utf-8",
    )
    app = AppServer(copy, {"TMA_METRICS_USERS": str(users)}, folder / "streamlit.log")
    yield app
    app.stop()


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def upload(page, tmp_path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    wait_idle(page)


@pytest.mark.browser
def test_an_upload_in_one_session_is_invisible_to_another(
    server, browser, tmp_path, artifacts
) -> None:
    first = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    second = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    a, b = first.new_page(), second.new_page()
    for page in (a, b):
        page.goto(server.url)
        wait_idle(page)
    before = digest(server.db)
    assert b.get_by_text("Votre carnet").count() == 0
    upload(a, tmp_path, "temps-client-a.csv", TIMES)
    assert a.get_by_text("Votre carnet").count() == 1
    assert a.get_by_text("temps-client-a.csv", exact=False).count() >= 1
    a.screenshot(path=str(artifacts / "solde-rapide-after-upload.png"))
    b.reload()
    wait_idle(b)
    assert b.get_by_text("Votre carnet").count() == 0
    assert b.get_by_text("temps-client-a.csv", exact=False).count() == 0
    assert b.locator('[data-testid="stMetric"]').count() == 0
    assert digest(server.db) == before, "the shared database must not change"
    first.close()
    second.close()


@pytest.mark.browser
def test_quick_balance_from_upload_to_excel_download(server, context, tmp_path) -> None:
    page = context.new_page()
    page.goto(server.url)
    wait_idle(page)
    upload(page, tmp_path, "demandes.csv", TICKETS)
    upload(page, tmp_path, "temps.csv", TIMES)
    page.get_by_label("Jours achetés").fill("5")
    page.get_by_label("Début du carnet").fill("01/01/2026")
    hours = page.get_by_label("Heures par jour")
    hours.fill("8")
    hours.press("Enter")  # submits the carnet's form
    wait_idle(page)
    # 6 + 5 h on an 8 h estimate: 10 h deducted; 4 h and 3 h as spent → 17 h = 2,125 j
    solde = page.locator('[data-testid="stMetric"]').filter(has_text="Solde").first
    assert "2,9\u00a0j" in solde.inner_text()
    assert page.get_by_text("Garantie sur devis", exact=False).count() == 1
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Télécharger le résultat (Excel)").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    sheet = openpyxl.load_workbook(target)["Solde"]
    row = {h.value: c.value for h, c in zip(sheet[1], sheet[2], strict=True)}
    assert row["Solde"] == pytest.approx(5 - 17 / 8)


@pytest.mark.browser
def test_hostile_titles_and_file_names_stay_text(server, context, tmp_path) -> None:
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server.url)
    wait_idle(page)
    upload(page, tmp_path, "<img src=x onerror=alert(2)>.csv", TICKETS)
    upload(page, tmp_path, "temps.csv", TIMES)
    assert dialogs == []
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator("script:has-text('alert')").count() == 0


@pytest.mark.browser
def test_a_client_cannot_open_internal_pages_by_url(server, context) -> None:
    page = context.new_page()
    page.goto(f"{server.url}/connexion")
    wait_idle(page)
    page.get_by_label("Identifiant").fill("claire")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    wait_idle(page)
    assert page.locator("h1").first.inner_text() == f"Point TMA — {ALPHA}"
    for path, heading in (
        ("portefeuille", "Portefeuille des contrats"),
        ("import", "Import des exports"),
        ("contrats", "Contrats"),
    ):
        page.goto(f"{server.url}/{path}?contrat=Beta+-+Comptoir+des+Bastides")
        wait_idle(page)
        headings = page.locator("h1").all_inner_texts()
        assert heading not in headings, path
        assert "Beta" not in page.locator('[data-testid="stMain"]').inner_text()
