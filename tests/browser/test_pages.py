"""Every page in a real browser: renders, filters through the URL, exports that open."""

from __future__ import annotations

import csv
import io
import urllib.parse

import openpyxl
import pytest
from playwright.sync_api import expect
from pptx import Presentation

from tests.browser.conftest import wait_idle
from tests.conftest import DEMO_AS_OF

BETA = "Beta - Comptoir des Bastides"
GAMMA = "Gamma - Syndicat des Eaux de la Gâtine"
#: url path -> heading; the default page (Portefeuille) lives at the root URL.
PAGES = [
    ("", "Portefeuille des contrats"),
    ("point-tma", f"Point TMA — {BETA}"),
    ("bilan-mensuel", f"Bilan mensuel — {BETA}"),
    ("copil", f"Copil — {BETA}"),
    ("import", "Import des exports"),
    ("contrats", "Contrats"),
    ("glossaire", "Glossaire des indicateurs"),
    ("solde-rapide", "Solde rapide"),
]


def url(server, path: str, **params: str) -> str:
    query = {"contrat": BETA, "au": DEMO_AS_OF.isoformat(), **params}
    return f"{server.url}/{path}?{urllib.parse.urlencode(query)}"


def open_page(context, server, path: str, **params: str):
    page = context.new_page()
    page.goto(url(server, path, **params))
    wait_idle(page)
    return page


@pytest.mark.browser
@pytest.mark.parametrize(("path", "heading"), PAGES, ids=[p or "portefeuille" for p, _ in PAGES])
def test_every_page_renders_in_the_browser(app_server, context, artifacts, path, heading) -> None:
    page = open_page(context, app_server, path)
    assert page.locator("h1").first.inner_text() == heading
    assert page.locator('[data-testid="stException"]').count() == 0
    name = path or "portefeuille"
    assert page.get_by_text("Page not found").count() == 0
    page.screenshot(path=str(artifacts / f"page-{name}.png"))
    # Streamlit scrolls inside its own container: a tall viewport shows the whole page
    page.set_viewport_size({"width": 1280, "height": 4000})
    wait_idle(page)
    page.screenshot(path=str(artifacts / f"page-{name}-complete.png"))


@pytest.mark.browser
def test_changing_the_contract_filter_updates_the_view_and_the_url(app_server, context) -> None:
    page = open_page(context, app_server, "point-tma")
    page.get_by_role("combobox", name="Contrat").click()
    page.get_by_role("option", name=GAMMA).click()
    wait_idle(page)
    assert page.locator("h1").first.inner_text() == f"Point TMA — {GAMMA}"
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    assert query["contrat"] == [GAMMA]
    # the bookmarked URL opens the same view in a fresh page
    again = context.new_page()
    again.goto(page.url)
    wait_idle(again)
    assert again.locator("h1").first.inner_text() == f"Point TMA — {GAMMA}"
    # auto-waiting: on a loaded machine the rerun may still be drawing the cards
    expect(again.get_by_text("16,0\u00a0j", exact=True).first).to_be_visible(timeout=60_000)


def open_exports_tab(page) -> None:
    """The Copil keeps its compte rendu and exports in its last tab."""
    page.get_by_role("tab", name="Compte rendu et exports").click()
    wait_idle(page)


def download(page, button: str):
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name=button).click()
    return info.value


@pytest.mark.browser
@pytest.mark.parametrize(
    "path",
    ["point-tma", "bilan-mensuel", "copil", ""],
    ids=["point", "bilan", "copil", "portfolio"],
)
def test_excel_and_csv_exports_open(app_server, context, tmp_path, path) -> None:
    page = open_page(context, app_server, path)
    if path == "copil":
        open_exports_tab(page)
    workbook = download(page, "Exporter en Excel (.xlsx)")
    target = tmp_path / workbook.suggested_filename
    workbook.save_as(target)
    assert target.suffix == ".xlsx"
    book = openpyxl.load_workbook(target)
    assert len(book.sheetnames) >= 2
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row)  # never a formula
    table = download(page, "Exporter ce tableau en CSV (Excel français)")
    raw = (tmp_path / "t.csv").write_bytes(table.path().read_bytes()) and table.path().read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(rows[0]) >= 2


@pytest.mark.browser
def test_copil_slide_deck_downloads_and_opens(app_server, context, tmp_path) -> None:
    page = open_page(context, app_server, "copil", periode="quarter")
    open_exports_tab(page)
    page.get_by_role("button", name="Préparer la présentation PowerPoint").click()
    wait_idle(page, timeout=180)
    deck = download(page, "Télécharger la présentation (.pptx)")
    target = tmp_path / deck.suggested_filename
    deck.save_as(target)
    slides = Presentation(str(target)).slides
    texts = " ".join(
        shape.text_frame.text for slide in slides for shape in slide.shapes if shape.has_text_frame
    )
    assert len(slides) >= 8
    assert BETA in texts
    pictures = [s for slide in slides for s in slide.shapes if s.shape_type == 13]
    assert pictures, "the charts are rendered as images"
