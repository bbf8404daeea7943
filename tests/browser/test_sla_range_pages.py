"""The SLA range on the pages a manager shows: Copil and Portefeuille, in a real browser.

The demo's Alpha contract comes from French Redmine CSV exports (no status history):
its closing dates only bound the resolutions, so its SLA compliance is a range, never
a bare 0 %. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
import urllib.parse

import pytest

from tests.browser.conftest import wait_idle
from tests.conftest import DEMO_AS_OF

ALPHA = "Alpha - Mairie de Valbonne-sur-Loire"
RANGE = re.compile(r"entre \d+\s%\set \d+\s%")
SHORT = re.compile(r"\d+ à \d+\s%")


def open_page(context, server, path: str, contract: str):
    page = context.new_page()
    query = {"contrat": contract, "au": DEMO_AS_OF.isoformat()}
    page.goto(f"{server.url}/{path}?{urllib.parse.urlencode(query)}")
    wait_idle(page)
    return page


@pytest.mark.browser
def test_copil_shows_the_range_and_the_action(app_server, context, artifacts) -> None:
    page = open_page(context, app_server, "copil", ALPHA)
    assert page.locator('[data-testid="stException"]').count() == 0
    card = page.locator('[data-testid="stMetric"]').filter(has_text="Respect des SLA").first
    assert SHORT.search(card.inner_text().replace("\u00a0", " ")), card.inner_text()
    page.screenshot(path=str(artifacts / "copil-sla-range.png"))
    page.set_viewport_size({"width": 1280, "height": 5200})
    wait_idle(page)
    page.screenshot(path=str(artifacts / "copil-sla-range-complete.png"))
    text = page.locator('[data-testid="stApp"]').inner_text().replace("\u00a0", " ")
    assert RANGE.search(text)  # in full under the card
    assert "synchronisez l'historique des statuts" in text
    assert not re.search(r"Respect des SLA\s*\n\s*0 %", text)


@pytest.mark.browser
def test_portfolio_shows_the_range(app_server, context, artifacts) -> None:
    page = open_page(context, app_server, "", ALPHA)
    assert page.locator('[data-testid="stException"]').count() == 0
    # wide enough for every column, the SLA status and its reason included
    page.set_viewport_size({"width": 2600, "height": 1000})
    wait_idle(page)
    page.screenshot(path=str(artifacts / "portefeuille-sla-range.png"))
    table = page.locator('[data-testid="stDataFrame"]').first
    table.screenshot(path=str(artifacts / "portefeuille-sla-range-table.png"))
