"""A contract with no data yet (or no balance) goes through every view without error."""

from __future__ import annotations

from datetime import date

import pytest

from tma_metrics.analysis.loading import figures_for
from tma_metrics.analysis.report_json import contract_json
from tma_metrics.charts.contract import contract_charts
from tma_metrics.contracts import parse_contracts
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
