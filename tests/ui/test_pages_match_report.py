"""Each meeting page, run on the demo data, shows the figures `report --json` gives."""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import DEMO_AS_OF
from tma_metrics.cli import main
from tma_metrics.metrics import kpi

APP = str(Path(__file__).resolve().parents[2] / "app.py")


#: The Bilan opens on the last month complete at the as-of date, drawn up at its end.
BILAN_DAY = date(2026, 10, 31)


def report_at(db: Path, day: date) -> dict[str, dict]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["report", "--db", str(db), "--as-of", day.isoformat(), "--json"]) == 0
    return {c["name"]: c for c in json.loads(out.getvalue())}


@pytest.fixture(scope="module")
def report(demo) -> dict[str, dict]:
    return report_at(demo[0], DEMO_AS_OF)


@pytest.fixture(scope="module")
def bilan_report(demo) -> dict[str, dict]:
    return report_at(demo[0], BILAN_DAY)


@pytest.fixture
def app_env(demo, tmp_path, monkeypatch):
    db, _ = demo
    monkeypatch.setenv("TMA_METRICS_DB", str(db))
    monkeypatch.setenv("TMA_METRICS_USERS", str(tmp_path / "users.toml"))
    monkeypatch.delenv("TMA_METRICS_CONTRACTS", raising=False)


def run_page(page: str, contract: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page(f"pages/{page}")
    at.query_params["contrat"] = contract
    at.query_params["au"] = DEMO_AS_OF.isoformat()
    at.run()
    assert not at.exception, at.exception
    assert at.sidebar.selectbox(key="contrat").value == contract
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


CONTRACTS = [
    "Alpha - Mairie de Valbonne-sur-Loire",
    "Beta - Comptoir des Bastides",
    "Gamma - Syndicat des Eaux de la Gâtine",
]


@pytest.mark.parametrize("contract", CONTRACTS, ids=["alpha", "beta", "gamma"])
def test_point_tma_cards_equal_the_report(app_env, report, contract) -> None:
    shown = metrics(run_page("point_tma.py", contract))
    expected = report[contract]
    for kpi_id in ("remaining_days", "consumed_days", "committed_days", "projected_days"):
        assert shown[kpi(kpi_id).label] == kpi(kpi_id).format(expected[kpi_id]), kpi_id
    forecast = kpi("forecast_exhaustion_date")
    assert shown[forecast.label] == forecast.format(expected["forecast_exhaustion_date"])
    absorbed = kpi("absorbed_hours")
    assert shown[absorbed.label] == absorbed.format(expected["absorbed_hours"])


@pytest.mark.parametrize("contract", CONTRACTS, ids=["alpha", "beta", "gamma"])
def test_bilan_totals_equal_the_report(app_env, bilan_report, contract) -> None:
    at = run_page("bilan_mensuel.py", contract)
    assert at.selectbox(key="mois").value == BILAN_DAY.replace(day=1)
    shown = metrics(at)
    expected = bilan_report[contract]
    assert shown["Solde du carnet"] == kpi("remaining_days").format(expected["remaining_days"])
    assert shown["Consommé sur le carnet"] == kpi("consumed_days").format(expected["consumed_days"])


def range_text(sla: dict) -> str:
    """How the pages must word the report's SLA figures (a rate, a range or neither)."""
    met, breached, unknown = sla["met"], sla["breached"], sla["unknown"]
    if not met + breached:
        return "non mesurable"
    if not unknown:
        return kpi("sla_compliance").format(sla["compliance"])
    low = math.floor(round(100 * met / (met + breached + unknown), 9))
    high = math.ceil(round(100 * (met + unknown) / (met + breached + unknown), 9))
    return f"entre {low}\u00a0% et {high}\u00a0%"


@pytest.mark.parametrize("contract", CONTRACTS, ids=["alpha", "beta", "gamma"])
def test_copil_key_figures_equal_the_report(app_env, report, contract) -> None:
    shown = metrics(run_page("copil.py", contract))
    expected = report[contract]
    sla = kpi("sla_compliance")
    # the card writes a range compactly (« 25 à 97 % »), in full in its caption
    full = range_text(expected["sla_overall"])
    compact = re.sub(r"entre (\d+)\u00a0% et (\d+)\u00a0%", "\\1 à \\2\u00a0%", full)
    assert shown[sla.label] == compact
    guarantee = kpi("within_guarantee_rate")
    assert shown[guarantee.label] == guarantee.format(
        expected["estimation"]["within_guarantee_rate"]
    )


def test_portfolio_lists_every_contract_with_the_report_balance(app_env, report) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["au"] = DEMO_AS_OF.isoformat()
    at.run()
    assert not at.exception, at.exception
    (table,) = [df for df in at.dataframe if "Contrat" in df.value.columns]
    shown = table.value.set_index("Contrat")
    assert sorted(shown.index) == sorted(report)
    for name, expected in report.items():
        assert shown.loc[name, "Solde"] == pytest.approx(expected["remaining_days"])
        assert shown.loc[name, "SLA"] == range_text(expected["sla_overall"])
