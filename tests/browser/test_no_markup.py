"""Hostile data in a real browser: the Import page's error boxes, Point TMA's alerts and
Copil's charts show markup from files as text (issue 12, finding 7)."""

from __future__ import annotations

import urllib.parse

import pytest

from tests.browser.conftest import AppServer, wait_idle
from tests.browser.markup_checks import hostile_findings
from tests.markup_fixtures import AS_OF, CONTRACT, HOSTILE, KEYS, header_csv, hostile_database
from tma_metrics.french.markup import WORD_JOINER


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Local mode (a manager) on a database of hostile tickets and a hostile contract."""
    folder = tmp_path_factory.mktemp("no-markup")
    db, contracts = hostile_database(folder)
    env = {
        "TMA_METRICS_CONTRACTS": str(contracts),
        "TMA_METRICS_USERS": str(folder / "users.toml"),
        "TMA_METRICS_DEMO": "0",
    }
    app = AppServer(db, env, folder / "streamlit.log")
    yield app
    app.stop()


def open_page(context, server, path: str):
    page = context.new_page()
    query = urllib.parse.urlencode({"contrat": CONTRACT, "au": AS_OF})
    page.goto(f"{server.url}/{path}?{query}")
    wait_idle(page)
    if page.get_by_text("Page not found").count():
        page.keyboard.press("Escape")  # a first visit by URL (issue 12, finding 9)
    assert page.locator('[data-testid="stException"]').count() == 0
    return page


@pytest.mark.browser
@pytest.mark.parametrize("path", ["point-tma", "bilan-mensuel", "copil", "contrats"])
def test_pages_show_hostile_data_as_text(server, context, artifacts, path) -> None:
    page = open_page(context, server, path)
    if path == "contrats":
        page.get_by_text("Client <b>gras</b>", exact=False).first.click()
        wait_idle(page)
    assert hostile_findings(page) == []
    # as typed (the invisible word joiners that cut addresses aside)
    main = page.locator('[data-testid="stMain"]').inner_text().replace(WORD_JOINER, "")
    assert CONTRACT in main, "the hostile name is shown, as typed"
    if path == "point-tma":
        assert KEYS[3] in main, "the alert names the hostile key, as typed"
    if path == "copil":
        assert page.locator(".js-plotly-plot").count() >= 10
    page.screenshot(path=str(artifacts / f"no-markup-{path}.png"))


@pytest.mark.browser
def test_import_error_box_shows_a_hostile_header_as_text(
    server, context, tmp_path, artifacts
) -> None:
    page = open_page(context, server, "import")
    path = tmp_path / "[lien](http:evil.example) <b>gras **gras** $x$.csv"  # no '/' in a name
    path.write_text(header_csv(), encoding="utf-8")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    page.get_by_role("button", name="Importer").click()
    wait_idle(page)
    error = page.locator('[data-testid="stAlertContentError"]').first.inner_text()
    error = error.replace(WORD_JOINER, "")
    assert "Format non reconnu" in error
    assert HOSTILE["image-md"] in error and HOSTILE["bold-html"] in error, "shown as typed"
    assert hostile_findings(page) == []
    page.screenshot(path=str(artifacts / "no-markup-import.png"))
