"""Every registered page runs through app.py without exception (Streamlit AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tma_metrics.ui.frame import PAGE_TABLE

APP = str(Path(__file__).resolve().parents[2] / "app.py")

CONTRACTS = """
[[contract]]
name = "Client Test"
projects = ["test"]
[[contract.carnet]]
start = 2026-01-01
days = 20
"""


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    contracts = tmp_path / "contracts.toml"
    contracts.write_text(CONTRACTS, encoding="utf-8")
    monkeypatch.setenv("TMA_METRICS_DB", str(tmp_path / "app.duckdb"))
    monkeypatch.setenv("TMA_METRICS_CONTRACTS", str(contracts))
    monkeypatch.setenv("TMA_METRICS_DEMO", "0")
    # a developer's real users file must not switch the test to the login screen
    monkeypatch.setenv("TMA_METRICS_USERS", str(tmp_path / "users.toml"))


@pytest.mark.parametrize("page", [row[1] for row in PAGE_TABLE])
def test_page_runs_without_exception(app_env, page: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(f"pages/{page}")
    at.run()
    assert not at.exception, at.exception
    assert at.title, "every page states what it is"
