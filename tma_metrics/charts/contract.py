"""Every chart of one contract, built from its `ContractFigures` (pages and slide decks)."""

from __future__ import annotations

import plotly.graph_objects as go

from tma_metrics.charts.activity import (
    backlog_age_chart,
    costliest_tickets_chart,
    created_resolved_chart,
    ticket_mix_chart,
)
from tma_metrics.charts.consumption import burn_up_chart
from tma_metrics.charts.estimation import estimate_ratio_histogram, estimation_trend_chart
from tma_metrics.charts.monthly import management_share_chart, monthly_consumption_chart
from tma_metrics.charts.resolution import resolution_time_chart
from tma_metrics.charts.sla import sla_compliance_by_month_chart, sla_compliance_matrix_chart
from tma_metrics.figures.contract_figures import ContractFigures

__all__ = ["CHART_IDS", "contract_charts"]

#: Chart ids in the order a copil shows them.
CHART_IDS = (
    "burn_up",
    "monthly_consumption",
    "management_share",
    "sla_compliance_by_month",
    "sla_compliance_matrix",
    "resolution_time",
    "estimate_ratio",
    "estimation_trend",
    "ticket_mix",
    "created_resolved",
    "backlog_age",
    "costliest_tickets",
)


def contract_charts(figures: ContractFigures, *, client_view: bool = False) -> dict[str, go.Figure]:
    """Return every chart of one contract over its period, keyed by `CHART_IDS`.

    SLA, estimation and activity charts cover ``figures.period``; consumption charts the
    current carnet and every month up to the as-of date. ``client_view`` hides the
    hours the agency absorbed.
    """
    contract, period = figures.contract, figures.period
    window = {"start": period.start, "end": period.end}
    return {
        "burn_up": burn_up_chart(figures.burn_up, figures.balance, alert_days=contract.alert_days),
        "monthly_consumption": monthly_consumption_chart(
            figures.monthly, hours_per_day=contract.hours_per_day, client_view=client_view
        ),
        "management_share": management_share_chart(
            figures.monthly, target=contract.management_share_target
        ),
        "sla_compliance_by_month": sla_compliance_by_month_chart(figures.outcomes, **window),
        "sla_compliance_matrix": sla_compliance_matrix_chart(figures.outcomes, **window),
        "resolution_time": resolution_time_chart(figures.outcomes, **window),
        "estimate_ratio": estimate_ratio_histogram(figures.estimation, margin=contract.margin),
        "estimation_trend": estimation_trend_chart(figures.estimation, margin=contract.margin),
        "ticket_mix": ticket_mix_chart(figures.tickets, **window),
        "created_resolved": created_resolved_chart(figures.changes, **window),
        "backlog_age": backlog_age_chart(figures.tickets, period.as_of),
        "costliest_tickets": costliest_tickets_chart(
            figures.tickets, client_view=client_view, hours_per_day=contract.hours_per_day
        ),
    }
