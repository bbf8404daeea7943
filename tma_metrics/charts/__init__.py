"""Plotly figure builders: DataFrames (or `ContractFigures`) in, `go.Figure` out.

Pure: no Streamlit, no DuckDB. Every figure is French (title stating its key figure,
axes with units, ``separators=", "``, French month ticks), uses the Okabe–Ito palette of
`style`, and says in French why it is empty instead of raising. Show them with
``st.plotly_chart(fig, theme=None, config=CHART_CONFIG, alt=alt_text(fig))``:
``theme=None`` keeps the figure's own white layout, the same as in exported images
(Streamlit's theme would swap the template under our dark text in dark mode);
``chart_config(name)`` names the downloaded PNG.
"""

from __future__ import annotations

from tma_metrics.charts.activity import (
    backlog_age_chart,
    costliest_tickets_chart,
    created_resolved_chart,
    ticket_mix_chart,
)
from tma_metrics.charts.consumption import burn_up_chart
from tma_metrics.charts.estimation import estimate_ratio_histogram, estimation_trend_chart
from tma_metrics.charts.monthly import management_share_chart, monthly_consumption_chart
from tma_metrics.charts.portfolio import PORTFOLIO_COLUMNS, portfolio_chart
from tma_metrics.charts.resolution import resolution_time_chart
from tma_metrics.charts.sla import sla_compliance_by_month_chart, sla_compliance_matrix_chart
from tma_metrics.charts.style import CHART_CONFIG, PALETTE, alt_text, chart_config

__all__ = [
    "CHART_CONFIG",
    "PALETTE",
    "PORTFOLIO_COLUMNS",
    "alt_text",
    "backlog_age_chart",
    "burn_up_chart",
    "chart_config",
    "costliest_tickets_chart",
    "created_resolved_chart",
    "estimate_ratio_histogram",
    "estimation_trend_chart",
    "management_share_chart",
    "monthly_consumption_chart",
    "portfolio_chart",
    "resolution_time_chart",
    "sla_compliance_by_month_chart",
    "sla_compliance_matrix_chart",
    "ticket_mix_chart",
]
