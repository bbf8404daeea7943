"""A walk through every page at 1280 × 800, as a project manager preparing a meeting:
every selector, tab, row and download is used; after each click the page must show no
exception, no raw value and no chart text cut. Full-page screenshots go to
test-artifacts/ (walk-*.png)."""

from __future__ import annotations

import urllib.parse
from datetime import date

import pytest

from tests.browser.conftest import wait_idle
from tests.browser.walk import (
    assert_presentable,
    check,
    choose,
    click_grid_row,
    click_tabs,
    download,
    full_screenshot,
    pick_many,
    type_date,
)
from tests.conftest import DEMO_AS_OF
from tma_metrics.views.as_of import default_as_of

ALPHA = "Alpha - Mairie de Valbonne-sur-Loire"
BETA = "Beta - Comptoir des Bastides"
GAMMA = "Gamma - Syndicat des Eaux de la Gâtine"
AS_OF = DEMO_AS_OF.isoformat()

pytestmark = pytest.mark.browser


@pytest.fixture
def page(context):
    return context.new_page()


def open_page(page, server, path: str, **params: str):
    query = urllib.parse.urlencode(params)
    page.goto(f"{server.url}/{path}" + (f"?{query}" if query else ""))
    check(page, path or "portefeuille")
    return page


def heading(page) -> str:
    return page.locator("h1").first.inner_text()


def test_portfolio_ranks_and_a_row_opens_the_point(app_server, page, artifacts) -> None:
    open_page(page, app_server, "", au=AS_OF)
    assert_presentable(page, "portefeuille")
    full_screenshot(page, artifacts / "walk-portefeuille.png")
    text = page.locator('[data-testid="stMain"]').inner_text()
    # not every contract red; Beta is red on its SLA, judged on the range's low end
    assert "2 en rouge, 1 en orange, 0 en vert" in text
    assert "Données jusqu'au 20/11/2026" in page.locator('[data-testid="stSidebar"]').inner_text()
    # the table fits the page: no sideways scroll in the grid
    scroller = page.locator('[data-testid="stDataFrame"] .dvn-scroller').first
    assert scroller.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), "tableau trop large"
    main = page.locator('[data-testid="stMain"]')
    assert main.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), "page wider than 1280 px"
    download(page, "Exporter en Excel (.xlsx)")
    download(page, "Exporter ce tableau en CSV (Excel français)")
    # the second row (most urgent first: Alpha and Beta red, Alpha's carnet ends first;
    # then Gamma) opens its Point TMA
    click_grid_row(page, 0, 1)
    assert heading(page) == f"Point TMA — {BETA}"
    check(page, "clic sur une ligne du portefeuille")
    # the contract chosen there follows to the next page
    page.get_by_role("link", name="Bilan mensuel").click()
    wait_idle(page)
    assert heading(page) == f"Bilan mensuel — {BETA}"
    # and the priorities' links open a contract's point too
    page.get_by_role("link", name="Portefeuille").click()
    wait_idle(page)
    page.locator('[data-testid="stPageLink"]').first.click()
    wait_idle(page)
    assert heading(page) == f"Point TMA — {ALPHA}"


def test_the_as_of_date_opens_on_the_end_of_the_data(app_server, page) -> None:
    """The demo ends on 20/11/2026: unless that is this week, the pages open there."""
    open_page(page, app_server, "point-tma")
    expected = default_as_of(DEMO_AS_OF, date.today())
    shown = [
        page.get_by_role("spinbutton", name=f"{part}, Arrêté au").first.inner_text()
        for part in ("day", "month", "year")
    ]
    assert shown == [f"{expected:%d}", f"{expected:%m}", f"{expected:%Y}"]
    assert "Données jusqu'au 20/11/2026" in page.locator('[data-testid="stSidebar"]').inner_text()
    type_date(page, "Arrêté au", "31", "12", "2026")
    check(page, "arrêté au 31/12/2026")
    alerts = page.locator('[data-testid="stAlert"]').all_inner_texts()
    assert any("Données jusqu'au 20/11/2026 : au 31/12/2026" in a for a in alerts), alerts


def test_point_tma_every_widget(app_server, page, artifacts) -> None:
    open_page(page, app_server, "point-tma", contrat=BETA, au=AS_OF)
    assert_presentable(page, "point TMA")
    full_screenshot(page, artifacts / "walk-point-tma.png")
    for days in ("14 jours", "30 jours", "7 jours"):
        page.get_by_role("radio", name=days).click()
        assert_presentable(page, f"point TMA, dernier point il y a {days}")
    # a date that moved earlier points down, one that moved later points up
    card = page.locator('[data-testid="stMetric"]').filter(has_text="Épuisement prévu")
    delta = card.locator('[data-testid="stMetricDelta"]').first.inner_text()
    assert "avancé" in delta or "reculé" in delta, delta
    icon = "Down" if "avancé" in delta else "Up"
    assert card.locator(f'[data-testid="stMetricDeltaIcon-{icon}"]').count() == 1
    click_tabs(page, "point TMA")
    download(page, "Télécharger le compte rendu (.txt)")
    for sheet in ("Points d'attention", "Demandes entrées"):
        choose(page, "Tableau à exporter en CSV", sheet)
        check(page, f"point TMA, CSV {sheet}")
        download(page, "Exporter ce tableau en CSV (Excel français)")
    download(page, "Exporter en Excel (.xlsx)")


def test_sidebar_filters_every_choice(app_server, page) -> None:
    open_page(page, app_server, "point-tma", contrat=BETA, au=AS_OF)
    choose(page, "Contrat", GAMMA)
    assert heading(page) == f"Point TMA — {GAMMA}"
    for preset in (
        "7 derniers jours",
        "Mois en cours",
        "Mois précédent",
        "Trimestre en cours",
        "Semestre en cours",
        "Année en cours",
        "12 derniers mois",
        "Personnalisée",
    ):
        choose(page, "Période (SLA, devis)", preset)
        assert_presentable(page, f"période {preset}")
    type_date(page, "Du", "01", "09", "2026")
    type_date(page, "Au", "31", "10", "2026")
    assert_presentable(page, "période personnalisée")
    pick_many(page, "Sévérité", "Bloquante")
    assert_presentable(page, "sévérité bloquante")
    pick_many(page, "Type de demande", "Corrective")
    assert_presentable(page, "type corrective")
    assert (
        "Filtres sévérité / type appliqués" in page.locator('[data-testid="stMain"]').inner_text()
    )


def test_bilan_every_widget(app_server, page, artifacts) -> None:
    open_page(page, app_server, "bilan-mensuel", contrat=ALPHA, au=AS_OF)
    # opens on the last complete month, drawn up at its last day
    month = page.get_by_role("combobox", name="Mois du bilan").first
    assert month.input_value() == "Octobre 2026"
    assert "du 01/10/2026 au 31/10/2026" in page.locator('[data-testid="stMain"]').inner_text()
    assert_presentable(page, "bilan")
    full_screenshot(page, artifacts / "walk-bilan-mensuel.png")
    click_tabs(page, "bilan")
    choose(page, "Mois du bilan", "Novembre 2026")
    assert_presentable(page, "bilan de novembre")
    assert "mois en cours" in page.locator('[data-testid="stMain"]').inner_text()
    download(page, "Télécharger le bilan (.txt)")
    choose(page, "Tableau à exporter en CSV", "Par demande")
    download(page, "Exporter ce tableau en CSV (Excel français)")
    download(page, "Exporter en Excel (.xlsx)")


def test_copil_is_in_tabs_and_every_chart_fits(app_server, page, artifacts) -> None:
    open_page(page, app_server, "copil", contrat=BETA, au=AS_OF)
    assert_presentable(page, "copil")
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    assert height < 6000, f"le copil fait {height} px de haut"

    def open_tables(name: str) -> None:
        slug = name.split()[0].lower()
        tables = page.get_by_text("Tableaux de ces graphiques")
        for expander in tables.all():
            if expander.is_visible():
                expander.click()
                wait_idle(page)
                assert_presentable(page, f"copil, tableaux de l'onglet {name}")
        full_screenshot(page, artifacts / f"walk-copil-{slug}.png")

    names = click_tabs(page, "copil", after=open_tables)
    assert names == ["Consommation", "SLA", "Devis", "Activité", "Compte rendu et exports"]
    download(page, "Télécharger le compte rendu (.txt)")
    download(page, "Exporter en Excel (.xlsx)")


def test_copil_for_a_client_like_period(app_server, page) -> None:
    """A quarter of another contract: the charts of a shorter period fit too."""
    open_page(page, app_server, "copil", contrat=GAMMA, au=AS_OF, periode="quarter")
    click_tabs(page, "copil Gamma, trimestre")


def test_glossary_and_contracts_pages(app_server, page, artifacts) -> None:
    open_page(page, app_server, "glossaire")
    assert_presentable(page, "glossaire")
    full_screenshot(page, artifacts / "walk-glossaire.png")
    open_page(page, app_server, "contrats")
    check(page, "contrats")
    # no sidebar filter where it acts on nothing
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_role("combobox").count() == 0
    for expander in page.locator('[data-testid="stExpander"] summary').all():
        expander.click()
        wait_idle(page)
    assert_presentable(page, "contrats, détail de chaque contrat")
    full_screenshot(page, artifacts / "walk-contrats.png")


def test_import_page_without_filters(app_server, page, artifacts) -> None:
    open_page(page, app_server, "import")
    assert_presentable(page, "import")
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_role("combobox").count() == 0
    assert sidebar.get_by_role("spinbutton").count() == 0
    download(page, "Télécharger le modèle Excel (format canonique)")
    full_screenshot(page, artifacts / "walk-import.png")
