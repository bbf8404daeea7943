"""A database held by another process: a French page-level notice and a retry, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tma_metrics.store import StoreBusy
from tma_metrics.ui.frame import STORE_BUSY

ROOT = Path(__file__).resolve().parents[2]


class Holder:
    """Another process holding the database file open for writing."""

    def __init__(self, db: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c",
             f"from tma_metrics.store import Store; s = Store({str(db)!r}); print('ok', "
             "flush=True); import sys; sys.stdin.read()"],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self.process.stdout.readline().strip() == "ok"

    def release(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture
def held(tmp_path: Path):
    db = tmp_path / "held.duckdb"
    holder = Holder(db)
    yield db, holder
    if holder.process.poll() is None:
        holder.release()


PAGE = """
import streamlit as st

from tma_metrics.store import Store
from tma_metrics.ui import frame

DB = {db!r}


def contracts_page():
    store = Store(DB, wait_seconds=0.3)
    st.title("Page des contrats")
    st.caption(str(store.counts()))
    store.close()


frame.run_page(st.navigation([st.Page(contracts_page, title="Contrats")]))
"""


def test_a_held_database_shows_a_french_notice_and_a_retry(held) -> None:
    db, holder = held
    at = AppTest.from_string(PAGE.format(db=str(db)), default_timeout=30)
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Base de données occupée"]
    assert [w.value for w in at.warning] == [STORE_BUSY]
    assert str(db) not in STORE_BUSY and "Import" not in STORE_BUSY
    assert [b.label for b in at.button] == ["Réessayer"]
    holder.release()
    at.button(key="store_busy_retry").click()
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Page des contrats"]
    assert not at.warning


def test_the_whole_app_shows_the_notice_while_the_database_is_held(
    held, tmp_path: Path, monkeypatch
) -> None:
    db, holder = held
    monkeypatch.setenv("TMA_METRICS_DB", str(db))
    monkeypatch.setenv("TMA_METRICS_USERS", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("TMA_METRICS_DEMO", "0")
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()  # the store waits its 10 s for the lock, then gives up
    assert not at.exception
    assert [w.value for w in at.warning] == [STORE_BUSY]
    holder.release()
    at.button(key="store_busy_retry").click()
    at.run()
    assert not at.exception
    assert not any(w.value == STORE_BUSY for w in at.warning)
    assert at.title[0].value != "Base de données occupée"


def test_the_command_line_message_says_what_was_expected_and_found(held) -> None:
    db, _ = held
    from tma_metrics.store import Store

    with pytest.raises(StoreBusy, match="Attendu : un accès exclusif ; trouvé : verrou"):
        Store(db, wait_seconds=0.3)
