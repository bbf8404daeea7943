"""Browser tests: the real app in a subprocess, driven by Playwright in Debian's Chromium.

Chromium is Debian's package at /usr/bin/chromium (Playwright's own browser download
cannot work here). Without it the tests skip with a reason on a developer's machine and
fail in CI (CI=true), which installs it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"Chromium introuvable ({CHROMIUM}) : installez le paquet Debian « chromium »."
    if os.environ.get("CI") == "true":
        pytest.fail(message + " En CI, .ci/run doit l'installer.")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppServer:
    """``streamlit run app.py`` on a free port, with its own database and settings."""

    def __init__(self, db: Path, env: dict[str, str], log: Path) -> None:
        self.db = db
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", "app.py",
                "--server.port", str(self.port), "--server.address", "127.0.0.1",
                "--server.headless", "true", "--browser.gatherUsageStats", "false",
            ],
            cwd=ROOT,
            env={**os.environ, **env, "TMA_METRICS_DB": str(db)},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"Streamlit n'a pas démarré ; journal : {log}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def warm_up(server: AppServer, browser) -> None:
    """Open the root once. A server whose app has a ``pages/`` folder runs its very first
    session in Streamlit's old multipage mode, which answers a deep link (``/point-tma``)
    with a « Page not found » dialog; every later session is served normally."""
    page = browser.new_page()
    page.goto(server.url)
    wait_idle(page)
    page.close()


@pytest.fixture(scope="session")
def app_server(demo, tmp_path_factory, browser) -> Iterator[AppServer]:
    """The app on a copy of the demo database (the copy is the server's own)."""
    _require_chromium()
    db, _ = demo
    folder = tmp_path_factory.mktemp("server")
    copy = folder / "served.duckdb"
    shutil.copy(db, copy)
    server = AppServer(
        copy,
        {"TMA_METRICS_USERS": str(folder / "users.toml"), "TMA_METRICS_DEMO": "0"},
        folder / "streamlit.log",
    )
    warm_up(server, browser)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="fr-FR", accept_downloads=True
    )
    yield ctx
    ctx.close()


def wait_idle(page, timeout: float = 90) -> None:
    """Wait until Streamlit has finished running the script for this page."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout * 1000)
    deadline = time.monotonic() + timeout
    quiet_since = None
    while time.monotonic() < deadline:
        state = page.locator('[data-testid="stApp"]').get_attribute("data-test-script-state")
        if state == "notRunning":
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since > 0.8:  # a rerun may follow at once
                return
        else:
            quiet_since = None
        time.sleep(0.2)
    raise TimeoutError("la page n'a pas fini de s'exécuter")
