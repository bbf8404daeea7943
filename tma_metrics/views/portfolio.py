"""The portfolio: every contract on one row, with its red / amber / green statuses.

One row per `ContractFigures` (balance at its as-of date, SLA and estimation over its
period); days to expiry and the forecast status are seen from ``today``. Rows are
sorted by urgency: worst overall status first, then the soonest end of the current
carnet (`rag.runway_days`), then the smallest balance, then the order given. The
statuses and their thresholds are `views.rag`'s. The SLA compliance is worded by
`sla_range` (``sla_text``: a range when some clocks are not measurable), with both ends
and the unknown count beside it.

Only pass the contracts the reader may see: the table holds nothing internal, but a
client must never see another client's contract.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd

from tma_metrics.figures.contract_figures import ContractFigures
from tma_metrics.figures.summaries import ContractSummary
from tma_metrics.views import rag
from tma_metrics.views.sla_range import compliance_text

__all__ = [
    "PORTFOLIO_COLUMNS",
    "RAG_COLUMNS",
    "TOPICS",
    "VALUE_COLUMNS",
    "contract_rags",
    "portfolio_row",
    "portfolio_table",
]

#: RAG topics, in the table's order.
TOPICS = rag.TOPICS

VALUE_COLUMNS = (
    "name",
    "model",
    "purchased_days",
    "carried_over_days",
    "consumed_days",
    "remaining_days",
    "burn_rate_days_per_month",
    "forecast_exhaustion_date",
    "expiry_date",
    "days_to_expiry",
    "sla_text",
    "runway_days",
    "sla_compliance",
    "sla_compliance_low",
    "sla_compliance_high",
    "sla_unknown",
    "sla_coverage",
    "breaches",
    "within_guarantee_rate",
    "estimated_tickets",
    "open_tickets",
)
RAG_COLUMNS = (
    *(f"{topic}_{part}" for topic in TOPICS for part in ("status", "reason")),
    "overall_status",
    "overall_topic",
    "overall_reason",
)
PORTFOLIO_COLUMNS = (*VALUE_COLUMNS, *RAG_COLUMNS)


def contract_rags(figures: ContractFigures | ContractSummary, today: date) -> dict[str, rag.Rag]:
    """Return the statuses of one contract, by topic (`rag.TOPICS`)."""
    balance = figures.balance
    return {
        "balance": rag.balance_rag(balance, figures.contract.alert_days),
        "forecast": rag.forecast_rag(figures.contract, balance, today),
        "sla": rag.sla_rag(figures.sla_summary),
        "estimation": rag.estimation_rag(figures.estimation_summary),
    }


def portfolio_row(figures: ContractFigures | ContractSummary, today: date) -> dict[str, object]:
    """Return one contract's row of the portfolio table."""
    b, sla, est = figures.balance, figures.sla_summary, figures.estimation_summary
    expiry = b.expiry_date
    row: dict[str, object] = {
        "name": figures.name,
        "model": figures.contract.model,
        "purchased_days": b.purchased_days,
        "carried_over_days": b.carried_over_days,
        "consumed_days": b.consumed_days,
        "remaining_days": b.remaining_days,
        "burn_rate_days_per_month": b.burn_rate_days_per_month,
        "forecast_exhaustion_date": b.forecast_exhaustion_date,
        "expiry_date": expiry,
        "days_to_expiry": None if expiry is None else (expiry - today).days,
        "sla_text": compliance_text(sla),
        "sla_compliance": sla.compliance,
        "sla_compliance_low": sla.compliance_low,
        "sla_compliance_high": sla.compliance_high,
        "sla_unknown": sla.unknown,
        "runway_days": rag.runway_days(figures.contract, b, today),
        "sla_coverage": sla.coverage,
        "breaches": sla.breached,
        "within_guarantee_rate": est.within_guarantee_rate,
        "estimated_tickets": est.tickets,
        "open_tickets": figures.open_tickets,
    }
    rags = contract_rags(figures, today)
    for topic, found in rags.items():
        row[f"{topic}_status"] = found.status
        row[f"{topic}_reason"] = found.reason
    topic, found = rag.worst(rags)
    row["overall_status"] = rag.overall([r.status for r in rags.values()])
    row["overall_topic"] = topic if row["overall_status"] != rag.GREY else None
    row["overall_reason"] = found.reason if row["overall_status"] != rag.GREY else None
    return row


def portfolio_table(
    all_figures: Iterable[ContractFigures | ContractSummary], today: date
) -> pd.DataFrame:
    """Return one row per contract (`PORTFOLIO_COLUMNS`), most urgent first.

    ``all_figures`` may be a generator (`figures.summaries.iter_summaries`): each contract's
    figures are reduced to its row as they come.
    """
    rows = [portfolio_row(f, today) for f in all_figures]
    table = pd.DataFrame(rows, columns=list(PORTFOLIO_COLUMNS))
    for name in VALUE_COLUMNS:
        if name.endswith("_date"):
            table[name] = pd.to_datetime(table[name]).astype("datetime64[us]")
        elif name in (
            "days_to_expiry",
            "runway_days",
            "breaches",
            "sla_unknown",
            "estimated_tickets",
            "open_tickets",
        ):
            table[name] = table[name].astype("Int64")
        elif name not in ("name", "model", "sla_text"):
            table[name] = pd.to_numeric(table[name]).astype("float64")
    for name in ("name", "model", "sla_text", *RAG_COLUMNS):
        table[name] = table[name].astype("string")
    urgency = pd.DataFrame(
        {
            "rank": table["overall_status"].map(rag.RAG_RANK).astype("int64"),
            "runway": table["runway_days"].astype("float64").fillna(np.inf),
            "remaining": table["remaining_days"].fillna(np.inf),
        }
    )
    order = urgency.sort_values(["rank", "runway", "remaining"], kind="stable").index
    return table.loc[order].reset_index(drop=True)
