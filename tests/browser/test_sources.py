"""The « Sources » page in a real browser: configure, sync with its progress bar, report.

The source is a local Redmine look-alike (`fake_redmine`) that answers slowly enough for
the progress bar to be seen. The key typed once must never come back: not in the page,
not in the app's log, not in the database, the sources file or the report download.
"""

from __future__ import annotations

import time

import pytest

from tests.browser.conftest import AppServer, _require_chromium, wait_idle
from tests.sources.live.fake_redmine import KEY, FakeRedmine
from tests.sources.live.recorded import RecordedServer
from tma_metrics.sources.live import book_path, secrets_path


@pytest.fixture(scope="module")
def slow_redmine():
    with RecordedServer(FakeRedmine(issues=9, delay=0.4)) as server:
        yield server


@pytest.fixture(scope="module")
def sources_app(tmp_path_factory):
    _require_chromium()
    folder = tmp_path_factory.mktemp("sources-app")
    server = AppServer(
        folder / "app.duckdb",
        {
            "TMA_METRICS_USERS": str(folder / "users.toml"),
            "TMA_METRICS_DEMO": "0",
            "TMA_METRICS_CONTRACTS": str(folder / "contracts.toml"),
            "REDMINE_API_KEY": "",
        },
        folder / "streamlit.log",
    )
    yield server
    server.stop()


def _progress_seen(page, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.locator('[data-testid="stProgress"]').count():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.browser
def test_configure_sync_and_read_the_report_without_the_key_ever_showing(
    sources_app, slow_redmine, context, artifacts
) -> None:
    page = context.new_page()
    page.goto(f"{sources_app.url}/sources")
    wait_idle(page)
    assert page.locator("h1").first.inner_text() == "Sources"
    page.get_by_label("Adresse du serveur").fill(slow_redmine.url)
    page.get_by_label("Projets Redmine (identifiants séparés par des virgules ; vide : tous)").fill(
        "essai"
    )
    page.get_by_label("Clé d'API Redmine").fill(KEY)
    page.get_by_role("button", name="Enregistrer la source").click()
    wait_idle(page)
    assert page.get_by_text("Source enregistrée").count() == 1
    assert KEY not in page.content()
    assert page.get_by_label("Clé d'API Redmine").input_value() == ""

    page.get_by_role("button", name="Synchroniser maintenant").click()
    assert _progress_seen(page), "la barre de progression n'est pas apparue"
    page.screenshot(path=str(artifacts / "sources-progress.png"))
    page.get_by_text("Synchronisation complète terminée").wait_for(timeout=120_000)
    wait_idle(page)
    page.set_viewport_size({"width": 1280, "height": 3000})
    page.screenshot(path=str(artifacts / "sources-report.png"))
    html = page.content()
    assert "import n° 1" in html
    assert KEY not in html
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Télécharger le rapport (JSON)").click()
    report = info.value.path().read_bytes()
    assert b'"ok": true' in report
    assert KEY.encode() not in report

    # Reload: the page is drawn afresh from the server, still without the key.
    page.reload()
    wait_idle(page)
    assert page.get_by_text("clé : enregistrée").count() >= 1
    assert KEY not in page.content()
    sources_app.log.flush()
    log = (sources_app.db.parent / "streamlit.log").read_text(encoding="utf-8")
    assert KEY not in log
    assert KEY.encode() not in sources_app.db.read_bytes()
    assert KEY not in book_path(sources_app.db).read_text(encoding="utf-8")
    assert KEY in secrets_path(sources_app.db).read_text(encoding="utf-8")  # kept, 0600
