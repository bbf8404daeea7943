"""On a brand-new database the dashboard opens on the demo data (issue: two commands)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tma_metrics.store.contracts_file import DEFAULT_CONTRACTS, load_contracts

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def test_first_start_imports_the_demo_and_lists_the_three_contracts(tmp_path, monkeypatch) -> None:
    db = tmp_path / "fresh.duckdb"
    monkeypatch.setenv("TMA_METRICS_DB", str(db))
    monkeypatch.setenv("TMA_METRICS_USERS", str(tmp_path / "users.toml"))
    monkeypatch.delenv("TMA_METRICS_DEMO", raising=False)
    monkeypatch.delenv("TMA_METRICS_CONTRACTS", raising=False)
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    assert not at.exception, at.exception
    names = at.sidebar.selectbox(key="contrat").options
    assert names == [c.name for c in load_contracts(DEFAULT_CONTRACTS)]
    assert len(names) == 3
    table = next(df.value for df in at.dataframe if "Contrat" in df.value.columns)
    assert table["Solde (j)"].notna().all()  # real figures, not placeholders
    assert db.exists()
