"""Solde rapide in a real browser, as an anonymous client at 1280 × 800: upload, confirm the
carnet, one balance per project, remove a file, upload a corrected one, download Excel."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import openpyxl
import pytest

from tests.browser.conftest import AppServer, wait_idle
from tests.browser.markup_checks import hostile_findings
from tests.markup_fixtures import HOSTILE, header_csv
from tma_metrics.auth.passwords import hash_password
from tma_metrics.french.markup import WORD_JOINER

TICKETS = (
    "clé;projet;titre;type;priorité;statut;créé le;estimation (h)\n"
    "A-1;site;Formulaire de contact;evolutive;mineure;Fermé;05/01/2026 10:00;8\n"
    "A-2;site;Erreur 500 panier;corrective;majeure;Fermé;12/01/2026 09:00;\n"
)
TIMES = (
    "date;personne;heures;demande;projet;activité;commentaire\n"
    "05/01/2026;Léa;6;A-1;site;Dév;\n"
    "06/01/2026;Léa;5;A-1;site;Dév;\n"  # 11 h on an 8 h estimate: 10 h deducted
    "12/01/2026;Hugo;4;A-2;site;Dév;\n"
    "02/02/2026;Hugo;3;;site;Pilotage;\n"
)
#: Two projects in one file: 12 h on « site », 6 h on « extranet ».
TWO_PROJECTS = (
    "date;personne;heures;demande;projet;activité;commentaire\n"
    "05/01/2026;Léa;8;;site;Dév;\n"
    "06/01/2026;Léa;4;;site;Dév;\n"
    "07/01/2026;Hugo;6;;extranet;Dév;\n"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app in password mode: an anonymous visitor lands on Solde rapide."""
    folder = tmp_path_factory.mktemp("quick-balance")
    users = folder / "users.toml"
    users.write_text(
        '[[user]]\nlogin = "marie"\nname = "Marie"\nrole = "manager"\n'
        f'password_hash = "{hash_password("mot-de-passe-de-marie-1")}"\n',
        encoding="utf-8",
    )
    app = AppServer(folder / "empty.duckdb", {"TMA_METRICS_USERS": str(users)}, folder / "log")
    yield app
    app.stop()


@pytest.fixture
def page(server, context):
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    opened.goto(server.url)
    wait_idle(opened)
    yield opened
    assert opened.locator('[data-testid="stException"]').count() == 0
    assert errors == []


def upload(page, tmp_path, name: str, content: str | bytes) -> None:
    folder = tmp_path / f"upload-{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    path = folder / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    wait_idle(page)


def remove(page, name: str) -> None:
    chip = page.locator('[data-testid="stFileChip"]').filter(has_text=name).first
    chip.locator(
        '[data-testid="stFileChipDeleteBtn"] button, [data-testid="stFileChipDeleteBtn"]'
    ).first.click()
    wait_idle(page)


def carnet(page, project: str):
    """The bordered block of one carnet (its heading, form and figures)."""
    heading = page.get_by_role("heading", name=f"Votre carnet — {project}")
    return (
        page.locator('[data-testid="stVerticalBlock"]')
        .filter(has=heading)
        .filter(has=page.locator('[data-testid="stForm"]'))
        .last
    )


def confirm(block, days: str, start: str, hours: str) -> None:
    block.get_by_label("Jours achetés").fill(days)
    field = block.get_by_label("Début du carnet")
    field.fill(start)
    field.press("Tab")  # a date typed then Tab is taken
    block.get_by_label("Heures par jour").fill(hours)
    block.get_by_role("button", name="Calculer le solde").click()
    wait_idle(block.page)


def metric(block, label: str) -> str:
    card = block.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text().strip()


def whole_page(page, path) -> None:
    """Screenshot the whole page: Streamlit scrolls inside its own container."""
    main = page.locator('[data-testid="stMain"]')
    main.evaluate("e => e.scrollTo(0, 0)")
    height = min(main.evaluate("e => e.scrollHeight") + 100, 8000)
    page.set_viewport_size({"width": 1280, "height": height})
    wait_idle(page)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1280, "height": 800})
    wait_idle(page)


def days_text(value: float) -> str:
    """The naive French rendering of a number of days: one decimal, comma, no-break space."""
    return f"{value:.1f}".replace(".", ",") + "\u00a0j"


@pytest.mark.browser
def test_nothing_is_shown_before_the_client_confirms(page, tmp_path, artifacts) -> None:
    upload(page, tmp_path, "demandes.csv", TICKETS)
    upload(page, tmp_path, "temps.csv", TIMES)
    block = carnet(page, "site")
    # no made-up default: the fields are empty and no figure is computed yet
    for label in ("Jours achetés", "Début du carnet", "Heures par jour"):
        assert block.get_by_label(label).input_value() == ""
    assert page.locator('[data-testid="stMetric"]').count() == 0
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
    assert page.get_by_role("button", name="Télécharger le résultat (Excel)").count() == 0
    assert page.get_by_text("Vos temps commencent le 05/01/2026").count() == 1
    page.screenshot(path=str(artifacts / "solde-rapide-1-avant-confirmation.png"))
    confirm(block, "5", "01/01/2026", "8")
    # naive: A-1 capped at 10 h, then 4 h and 3 h: 17 h = 2,125 j of 5 j
    assert metric(block, "Solde") == days_text(5 - 17 / 8)
    assert metric(block, "Consommé") == days_text(17 / 8)
    assert page.get_by_text("Garantie sur devis", exact=False).count() == 1
    whole_page(page, artifacts / "solde-rapide-2-confirme.png")


@pytest.mark.browser
def test_french_numbers_and_a_wrong_date_get_a_french_message(page, tmp_path) -> None:
    upload(page, tmp_path, "temps.csv", TIMES)
    block = carnet(page, "site")
    confirm(block, "12,5", "31/02/2026", "7,5")
    error = page.locator('[data-testid="stAlertContentError"]').inner_text()
    assert "Début du carnet : attendu une date JJ/MM/AAAA" in error and "31/02/2026" in error
    assert page.locator('[data-testid="stMetric"]').count() == 0
    confirm(block, "12,5", "01/01/2026", "7,5")
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    # no estimate known without the tickets: 18 h at 7,5 h a day
    assert metric(block, "Solde") == days_text(12.5 - 18 / 7.5)


@pytest.mark.browser
def test_settings_are_pre_filled_from_the_carnet_sheet(page, tmp_path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Temps passé"
    for line in TIMES.splitlines():
        book.active.append(line.split(";"))
    sheet = book.create_sheet("Carnet")
    sheet.append(["Jours achetés", 30])
    sheet.append(["Date de début", date(2026, 1, 1)])
    sheet.append(["Heures par jour", 7.5])
    out = io.BytesIO()
    book.save(out)
    upload(page, tmp_path, "suivi.xlsx", out.getvalue())
    block = carnet(page, "site")
    values = [
        block.get_by_label(label).input_value()
        for label in ("Jours achetés", "Début du carnet", "Heures par jour")
    ]
    assert values == ["30", "01/01/2026", "7,5"]
    assert page.get_by_text("Valeurs lues dans l'onglet « Carnet »").count() == 1
    assert page.locator('[data-testid="stMetric"]').count() == 0, "pre-filled is not confirmed"
    block.get_by_role("button", name="Calculer le solde").click()
    wait_idle(page)
    assert metric(block, "Solde") == days_text(30 - 18 / 7.5)


@pytest.mark.browser
def test_two_projects_one_balance_each_or_one_for_both(page, tmp_path, artifacts) -> None:
    upload(page, tmp_path, "deux-projets.csv", TWO_PROJECTS)
    assert page.get_by_text("Vos fichiers contiennent 2 projets").count() == 1
    site, extranet = carnet(page, "site"), carnet(page, "extranet")
    confirm(site, "10", "01/01/2026", "8")
    assert page.locator('[data-testid="stMetric"]').count() == 4, "the other carnet waits"
    confirm(extranet, "3", "01/01/2026", "6")
    assert metric(site, "Solde") == days_text(10 - 12 / 8)
    assert metric(extranet, "Solde") == days_text(3 - 6 / 6)
    whole_page(page, artifacts / "solde-rapide-3-deux-projets.png")
    page.get_by_text("Un seul solde pour tous les projets").click()
    wait_idle(page)
    together = carnet(page, "Tous les projets")
    assert page.locator('[data-testid="stMetric"]').count() == 0
    confirm(together, "20", "01/01/2026", "8")
    assert metric(together, "Solde") == days_text(20 - 18 / 8)


@pytest.mark.browser
def test_a_removed_file_no_longer_counts_and_a_corrected_one_is_used(
    page, tmp_path, artifacts
) -> None:
    upload(page, tmp_path, "demandes.csv", TICKETS)
    upload(page, tmp_path, "temps.csv", TIMES)
    confirm(carnet(page, "site"), "5", "01/01/2026", "8")
    assert metric(carnet(page, "site"), "Solde") == days_text(5 - 17 / 8)
    remove(page, "temps.csv")
    assert metric(carnet(page, "site"), "Solde") == days_text(5), "its hours are gone"
    corrected = TIMES.replace("12/01/2026;Hugo;4", "12/01/2026;Hugo;2")
    upload(page, tmp_path, "temps.csv", corrected)
    assert metric(carnet(page, "site"), "Solde") == days_text(5 - 15 / 8)
    # corrected again, the earlier upload left in the list: the last one counts
    upload(page, tmp_path, "temps.csv", corrected.replace("02/02/2026;Hugo;3", "02/02/2026;Hugo;1"))
    assert page.get_by_text("remplacé par le fichier du même nom", exact=False).count() == 1
    assert metric(carnet(page, "site"), "Solde") == days_text(5 - 13 / 8)
    whole_page(page, artifacts / "solde-rapide-4-fichier-corrige.png")
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Télécharger le résultat (Excel)").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    sheet = openpyxl.load_workbook(target)["Solde"]
    row = {h.value: c for h, c in zip(sheet[1], sheet[2], strict=True)}
    assert row["Solde"].value == pytest.approx(5 - 13 / 8)
    assert row["Solde"].number_format == '#,##0.0 "j"'


def recent_times(today: date) -> str:
    """Entries in each of the last four months, so a pace and a forecast exist."""
    lines = ["date;personne;heures;demande;projet;activité;commentaire"]
    first = today.replace(day=1)
    for back in range(1, 5):
        month = (first - timedelta(days=28 * back)).replace(day=10)
        lines.append(f"{month:%d/%m/%Y};Léa;16;;site;Dév;")
    return "\n".join(lines) + "\n"


@pytest.mark.browser
def test_no_card_is_cut_at_1280_by_800(page, tmp_path, artifacts) -> None:
    today = date.today()
    upload(page, tmp_path, "temps.csv", recent_times(today))
    start = (today.replace(day=1) - timedelta(days=150)).replace(day=1)
    block = carnet(page, "site")
    confirm(block, "40", f"{start:%d/%m/%Y}", "8")
    exhaustion = metric(block, "Épuisement prévu")
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", exhaustion), exhaustion
    cut = page.evaluate(
        """() => [...document.querySelectorAll(
              '[data-testid="stMetric"] *, [data-testid="stMetric"]')]
            .filter(e => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0)
            .map(e => e.textContent)"""
    )
    assert cut == []
    whole_page(page, artifacts / "solde-rapide-5-epuisement.png")


@pytest.mark.browser
def test_hostile_names_and_headers_stay_text(page, tmp_path, artifacts) -> None:
    upload(page, tmp_path, "[lien](http:evil.example) <b>gras **gras** $x$.csv", header_csv())
    error = page.locator('[data-testid="stAlertContentError"]').first.inner_text()
    error = error.replace(WORD_JOINER, "")
    assert "Format non reconnu" in error
    assert HOSTILE["image-md"] in error and HOSTILE["script"] in error, "shown as typed"
    project = f"{HOSTILE['bold-html']} {HOSTILE['bold-md']} [lien](evil.example)"
    upload(page, tmp_path, "temps.csv", TWO_PROJECTS.replace("extranet", project))
    assert hostile_findings(page) == []
    confirm(carnet(page, project), "10", "01/01/2026", "8")
    assert metric(carnet(page, project), "Solde") == days_text(10 - 6 / 8)
    assert hostile_findings(page) == []
    whole_page(page, artifacts / "solde-rapide-6-textes-hostiles.png")


@pytest.mark.browser
def test_clearing_forgets_the_files_and_the_carnet(page, tmp_path) -> None:
    upload(page, tmp_path, "temps.csv", TIMES)
    confirm(carnet(page, "site"), "5", "01/01/2026", "8")
    page.get_by_role("button", name="Effacer mes fichiers").click()
    wait_idle(page)
    assert page.locator('[data-testid="stFileChip"]').count() == 0
    assert page.locator('[data-testid="stMetric"]').count() == 0
    upload(page, tmp_path, "temps.csv", TIMES)
    block = carnet(page, "site")
    assert block.get_by_label("Jours achetés").input_value() == "", "the carnet is forgotten"
    assert page.locator('[data-testid="stMetric"]').count() == 0
