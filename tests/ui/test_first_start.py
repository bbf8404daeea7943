"""On a brand-new database the dashboard opens on a demo that ends yesterday."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tma_metrics.demo.contracts_seed import demo_contracts_text
from tma_metrics.store.contracts_file import DEFAULT_CONTRACTS, load_contracts

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def test_first_start_imports_a_demo_dated_from_today(tmp_path, monkeypatch) -> None:
    seed = DEFAULT_CONTRACTS.read_bytes()
    db = tmp_path / "fresh.duckdb"
    monkeypatch.setenv("TMA_METRICS_DB", str(db))
    monkeypatch.setenv("TMA_METRICS_USERS", str(tmp_path / "users.toml"))
    monkeypatch.delenv("TMA_METRICS_DEMO", raising=False)
    monkeypatch.delenv("TMA_METRICS_CONTRACTS", raising=False)
    at = AppTest.from_file(APP, default_timeout=240)
    at.run()
    assert not at.exception, at.exception
    # the demo's contracts are written beside the database, dated from yesterday
    written = tmp_path / "fresh.contracts.toml"
    yesterday = date.today() - timedelta(days=1)
    assert written.read_text(encoding="utf-8") == demo_contracts_text(yesterday)
    names = [c.name for c in load_contracts(written)]
    assert names == [c.name for c in load_contracts(DEFAULT_CONTRACTS)]
    assert DEFAULT_CONTRACTS.read_bytes() == seed, "the repository's seed is never written"
    # the data is current: the page opens on today, with real balances for each contract
    assert at.sidebar.date_input(key="au").value == date.today()
    table = next(df.value for df in at.dataframe if "Contrat" in df.value.columns)
    assert sorted(table["Contrat"]) == sorted(names)
    assert table["Solde"].notna().all()
    assert db.exists()
