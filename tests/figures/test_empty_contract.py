"""A contract with no data yet (or no balance) goes through every view without error."""

from __future__ import annotations

from datetime import date

import pytest

from tma_metrics.charts.contract import contract_charts
from tma_metrics.domain.contracts.parser import parse_contracts
from tma_metrics.figures.loading import figures_for
from tma_metrics.reports.json_report import contract_json
from tma_metrics.store import Store
from tma_metrics.views.bilan import bilan_view
from tma_metrics.views.copil import copil_view
from tma_metrics.views.point import point_view
from tma_metrics.views.portfolio import portfolio_table

CONTRACTS = {
    "carnet": '[[contract]]\nname="T"\nprojects=["t"]\n[[contract.carnet]]\nstart=2026-01-01\n'
    "days=20\n",
    "regie": '[[contract]]\nname="R"\nprojects=["r"]\nmodel="regie"\n',
    "expired": '[[contract]]\nname="E"\nprojects=["e"]\n[[contract.carnet]]\nstart=2024-01-01\n'
    "days=20\n",
}


@pytest.mark.parametrize("text", CONTRACTS.values(), ids=CONTRACTS.keys())
def test_every_view_of_an_empty_contract_builds(text) -> None:
    store = Store(":memory:")
    contracts = parse_contracts(text)
    (figures,) = figures_for(store, contracts, date(2026, 11, 20))
    report = contract_json(figures)
    assert report["consumed_days"] in (0.0, None)
    assert report["sla_overall"]["compliance"] is None
    assert report["estimation"]["tickets"] == 0
    point_view(figures, None)
    bilan_view(figures, date(2026, 11, 1))
    copil_view(figures)
    assert len(contract_charts(figures)) == 12
    assert len(portfolio_table([figures], date(2026, 11, 20))) == 1
    store.close()


def test_a_subscription_reports_its_month_against_the_allowance(tmp_path) -> None:
    import dataclasses

    import pandas as pd

    from tma_metrics.figures.contract_figures import compute_figures, moment
    from tma_metrics.figures.periods import default_period
    from tma_metrics.store.contracts_file import DEFAULT_CONTRACTS, load_contracts

    from ..figures_fixtures import DEMO_AS_OF, NOW, _gamma_frames

    (gamma,) = [c for c in load_contracts(DEFAULT_CONTRACTS) if "Gâtine" in c.name]
    contract = dataclasses.replace(gamma, model="subscription", monthly_days=3.0, carnets=())
    tickets, entries, history = _gamma_frames(str(tmp_path))
    figures = compute_figures(
        contract,
        tickets,
        entries,
        history,
        default_period(contract, DEMO_AS_OF),
        moment(DEMO_AS_OF, NOW),
    )
    report = contract_json(figures)
    assert report["remaining_days"] is None and report["consumed_days"] is None
    month = report["current_month"]
    # naive: the entries of November 2026 up to the as-of date, read again with pandas
    dates = pd.to_datetime(entries["date"])
    mine = (dates >= "2026-11-01") & (dates <= pd.Timestamp(DEMO_AS_OF))
    assert mine.any()
    assert month["month"] == "2026-11" and month["partial"] is True
    assert month["spent_hours"] == pytest.approx(entries.loc[mine, "hours"].sum())
    billed = figures.entries[pd.to_datetime(figures.entries["date"]) >= "2026-11-01"]
    deducted = billed["deducted_hours"].sum()
    assert month["deducted_hours"] == pytest.approx(deducted)
    days = deducted / contract.hours_per_day
    assert month["deducted_days"] == pytest.approx(days)
    assert month["allowance_days"] == 3.0
    assert month["overrun_days"] == pytest.approx(max(0.0, days - 3.0))
    assert month["unused_days"] == pytest.approx(max(0.0, 3.0 - days))


def test_a_carnet_contract_has_no_current_month_in_its_report() -> None:
    store = Store(":memory:")
    (figures,) = figures_for(store, parse_contracts(CONTRACTS["carnet"]), date(2026, 11, 20))
    assert "current_month" not in contract_json(figures)
    store.close()
