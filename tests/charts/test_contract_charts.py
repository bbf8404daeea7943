"""Every chart of the demo contract builds, reads French and keeps the client view clean."""

from __future__ import annotations

import pytest

from tests.charts.helpers import axis_titles, check_common, figure_text
from tma_metrics.charts.contract import CHART_IDS, contract_charts

#: The unit each chart's value axis (or colour bar) states.
UNITS = {
    "burn_up": "(j)",
    "monthly_consumption": "(j)",
    "management_share": "(%)",
    "sla_compliance_by_month": "(%)",
    "sla_compliance_matrix": "(%)",
    "resolution_time": "(h)",
    "estimate_ratio": "(nb)",
    "estimation_trend": "(%)",
    "ticket_mix": "(nb)",
    "created_resolved": "(nb)",
    "backlog_age": "(nb)",
    "costliest_tickets": "(h)",
}


@pytest.fixture(scope="module")
def internal(demo_figures):
    return contract_charts(demo_figures)


@pytest.fixture(scope="module")
def client(demo_figures):
    return contract_charts(demo_figures, client_view=True)


def test_every_chart_is_built_in_order(internal) -> None:
    assert tuple(internal) == CHART_IDS == tuple(UNITS)


@pytest.mark.parametrize("chart_id", CHART_IDS)
def test_chart_is_french_and_states_its_unit(internal, chart_id: str) -> None:
    fig = internal[chart_id]
    check_common(fig)
    assert len(fig.data) > 0, "the demo has data for every chart"
    titles = axis_titles(fig)
    if fig.data[0].type == "heatmap":
        titles.append(fig.data[0].colorbar.title.text)
    assert any(UNITS[chart_id] in t for t in titles), titles
    assert " : " in fig.layout.title.text  # "what : key figure"


@pytest.mark.parametrize("chart_id", CHART_IDS)
def test_client_view_never_shows_absorbed_hours(client, chart_id: str) -> None:
    assert "absorb" not in figure_text(client[chart_id]).lower()


def test_internal_view_shows_absorbed_hours(internal) -> None:
    assert "absorb" in figure_text(internal["monthly_consumption"]).lower()
    assert "absorb" in figure_text(internal["costliest_tickets"]).lower()
