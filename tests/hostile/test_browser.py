"""Hostile workbooks on the public Solde rapide page, in a real browser: the visitor gets
a French message, and meanwhile the server keeps answering others (health checks and a
second visitor's page), stays alive and keeps its memory under 1.5 Go."""

from __future__ import annotations

import shutil
import threading
import urllib.request
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM_ARGS, AppServer, _require_chromium, wait_idle
from tests.hostile import files
from tma_metrics.auth.passwords import hash_password

pytestmark = pytest.mark.browser
#: The issue's bound for the server process while it refuses hostile files.
SERVER_PEAK = 1_500_000_000


@pytest.fixture(scope="module")
def server(demo, tmp_path_factory):
    """The app in password mode: an anonymous visitor only reaches Solde rapide."""
    _require_chromium()
    db, _ = demo
    folder = tmp_path_factory.mktemp("hostile-server")
    copy = folder / "served.duckdb"
    shutil.copy(db, copy)
    users = folder / "users.toml"
    users.write_text(
        '[[user]]\nlogin = "claire"\nname = "Claire"\nrole = "client"\ncontracts = []\n'
        f'password_hash = "{hash_password("mot-de-passe-de-test-1")}"\n',
        encoding="utf-8",
    )
    app = AppServer(copy, {"TMA_METRICS_USERS": str(users)}, folder / "streamlit.log")
    yield app
    app.stop()


def in_own_thread(scenario) -> None:
    """Run ``scenario`` in a thread of its own, with its own Playwright.

    The browser tests' session-wide Playwright holds this thread's event loop; a second
    sync Playwright cannot start beside it in the same thread.
    """
    failures: list[BaseException] = []

    def run() -> None:
        try:
            scenario()
        except BaseException as exc:  # re-raised in the test's thread below
            failures.append(exc)

    worker = threading.Thread(target=run, name="hostile-browser")
    worker.start()
    worker.join(timeout=900)
    assert not worker.is_alive(), "le scénario du navigateur ne s'est pas terminé"
    if failures:
        raise failures[0]


def healthy(server: AppServer) -> bool:
    """Return True when the server answers its health check (a generous 10 s each)."""
    with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=10) as answer:
        return answer.read() == b"ok"


def server_peak(server: AppServer) -> int:
    """Return the high-water mark of the server process's resident memory, in bytes."""
    status = Path(f"/proc/{server.process.pid}/status").read_text()
    line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


def upload(page, path: Path) -> None:
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))


def test_hostile_workbooks_leave_the_server_answering(
    server, tmp_path, big_workbook, lying_workbook
) -> None:
    def scenario() -> None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
            )
            try:
                visit(server, chromium, tmp_path, big_workbook, lying_workbook)
            finally:
                chromium.close()

    in_own_thread(scenario)
    assert server.process.poll() is None
    assert healthy(server)
    assert server_peak(server) < SERVER_PEAK


def visit(server, chromium, tmp_path: Path, big_workbook: Path, lying_workbook: Path) -> None:
    """Upload the far cell, then the two big workbooks, while another visitor browses."""
    visitor = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    other = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    page, second = visitor.new_page(), other.new_page()
    page.goto(server.url)
    wait_idle(page)
    far = tmp_path / "xfd1048576.xlsx"
    far.write_bytes(files.far_cell())
    upload(page, far)
    wait_idle(page)
    assert page.get_by_text("Trop de colonnes", exact=False).count() >= 1
    for name, workbook, words in (
        ("gros.xlsx", big_workbook, "trop volumineux une fois décompressé"),
        ("menteur.xlsx", lying_workbook, "se décompresse en plus de"),
    ):
        path = tmp_path / name
        shutil.copy(workbook, path)
        upload(page, path)
        # While the upload is read, other visitors are served.
        assert all(healthy(server) for _ in range(5))
        second.goto(server.url)
        wait_idle(second)
        assert second.get_by_text("Déposez vos fichiers", exact=False).count() == 1
        wait_idle(page)
        assert page.get_by_text(words, exact=False).count() >= 1, name
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "Traceback" not in text and "Error" not in text
    visitor.close()
    other.close()
