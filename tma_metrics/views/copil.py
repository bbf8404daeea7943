"""The Copil: trends over the figures' period (quarter, half-year, year or custom).

Rules (for the README):

- **Period.** `ContractFigures.period` (start to end); balances at its as-of date.
- **Consumption.** Deducted time of the entries dated in the period; months of
  `ContractFigures.monthly` that overlap the period; the carnet's balance cards.
- **SLA.** `ContractFigures.sla_summary` and the period's outcomes per severity and per
  month × severity, with coverage; resolution times: median and 90th percentile of the
  business time of the resolution clocks stopped in the period, per severity.
- **Estimation.** `ContractFigures.estimation_summary`, and the same per ticket kind.
- **Ticket mix.** Tickets created in the period per kind, next to the deducted time
  per kind (`activity.time_by_kind`).
- **Flow.** `ticket_states.flow` of the period (``flow``): tickets open at its start
  and end, received, resolved and reopened in it; the created-vs-resolved chart and
  the key figures read it, so ``open(end) = open(start) + received - resolved +
  reopened`` holds on the page.
- **Backlog, reopened.** Open tickets at the as-of date and their age; reopened ones
  are open tickets that were resolved before (`activity`).
- **Costliest tickets.** The `COSTLIEST` tickets with the most time deducted in the
  period (time without ticket included as one line).
- **Copil cost.** A reminder that a copil costs about `COPIL_COST_DAYS` days
  (preparation, meeting, minutes), except for a fixed-price contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from tma_metrics.domain import estimation, ticket_states
from tma_metrics.domain.estimation import AccuracySummary
from tma_metrics.domain.model import Kind, Severity
from tma_metrics.domain.sla.compliance import ComplianceSummary, compliance
from tma_metrics.figures.contract_figures import ContractFigures
from tma_metrics.french import formats as fr
from tma_metrics.metrics import kpi
from tma_metrics.views import activity, sla_rows
from tma_metrics.views.activity import Backlog
from tma_metrics.views.alerts import Alert, balance_alerts, data_alerts
from tma_metrics.views.cards import Card, balance_cards, sla_card
from tma_metrics.views.tables import for_client

__all__ = [
    "COPIL_COST_DAYS",
    "COSTLIEST",
    "COSTLIEST_COLUMNS",
    "MONTHLY_COLUMNS",
    "REOPENED_COLUMNS",
    "SUBSCRIPTION_COLUMNS",
    "CopilView",
    "copil_view",
    "resolution_times",
]

#: A copil costs about this many days: preparation, meeting and minutes (DOMAIN.md §1).
COPIL_COST_DAYS = 1.5
#: Number of tickets in the costliest-tickets table.
COSTLIEST = 10

MONTHLY_COLUMNS = (
    "month",
    "deducted_days",
    "spent_hours",
    "deducted_hours",
    "absorbed_hours",
    "management_share",
    "management_flag",
    "partial",
)
SUBSCRIPTION_COLUMNS = ("allowance_days", "overrun_days", "unused_days")
REOPENED_COLUMNS = ("key", "title", "kind", "severity", "status", "resolved_at", "age_days")
COSTLIEST_COLUMNS = (
    "key",
    "title",
    "kind",
    "status",
    "estimate_hours",
    "spent_hours",
    "deducted_hours",
    "absorbed_hours",
    "deducted_days",
    "deducted_share",
)
_MONTH_RATES = (
    "applicable",
    "measurable",
    "met",
    "breached",
    "not_measurable",
    "compliance_text",
    "compliance_low",
    "compliance_high",
    "coverage",
)


@dataclass(frozen=True, eq=False)
class CopilView:
    """Everything the Copil page, its deck and its export show."""

    contract_name: str
    model: str
    start: date
    end: date
    as_of: date
    client_view: bool
    hours_per_day: float
    cards: tuple[Card, ...]
    alerts: tuple[Alert, ...]  # the balance's at the as-of date, and missing data
    key_figures: tuple[Card, ...]
    consumed_period_days: float
    spent_period_hours: float | None  # None in a client view
    absorbed_period_hours: float | None
    monthly: pd.DataFrame
    sla_summary: ComplianceSummary
    sla_by_severity: pd.DataFrame
    sla_by_month: pd.DataFrame
    resolution_times: pd.DataFrame
    estimation_summary: AccuracySummary
    estimation_by_kind: pd.DataFrame
    mix: pd.DataFrame
    backlog: Backlog
    flow: dict[str, int]
    reopened: pd.DataFrame
    costliest: pd.DataFrame
    copil_cost_note: str | None

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The view's tables by their English name, in the deck's order."""
        return {
            "monthly": self.monthly,
            "sla_by_severity": self.sla_by_severity,
            "sla_by_month": self.sla_by_month,
            "resolution_times": self.resolution_times,
            "estimation_by_kind": self.estimation_by_kind,
            "mix": self.mix,
            "backlog_by_age": self.backlog.by_age,
            "reopened": self.reopened,
            "costliest": self.costliest,
        }


def copil_view(figures: ContractFigures, *, client_view: bool = False) -> CopilView:
    """Build the Copil of the figures' period."""
    contract, period = figures.contract, figures.period
    hpd = contract.hours_per_day
    rows = activity.ticket_rows(figures.tickets, period.as_of, contract.margin)
    entries = activity.entries_between(figures.entries, period.start, period.end)
    open_rows = activity.open_rows(figures.tickets, rows)
    backlog = activity.backlog(open_rows)
    reopened = open_rows[open_rows["reopened"].to_numpy(bool)][list(REOPENED_COLUMNS)]
    created = activity.created_between(rows, period.start, period.end)
    flow = ticket_states.flow(figures.changes, period.start, period.end)
    by_ticket = activity.time_by_ticket(entries, rows, hpd)
    costliest = by_ticket.sort_values(
        ["deducted_hours", "key"], ascending=[False, True], kind="stable"
    ).head(COSTLIEST)

    tables = {
        "monthly": _monthly(figures),
        "mix": _mix(created, entries, hpd),
        "reopened": reopened,
        "costliest": costliest[list(COSTLIEST_COLUMNS)],
        "estimation_by_kind": estimation.summary(figures.estimation, by=["kind"]),
    }
    if client_view:
        tables = {name: for_client(frame) for name, frame in tables.items()}
    consumed = float(entries["deducted_hours"].sum()) / hpd
    key_figures = _key_figures(figures, consumed, flow, backlog)
    return CopilView(
        contract_name=figures.name,
        model=contract.model,
        start=period.start,
        end=period.end,
        as_of=period.as_of,
        client_view=client_view,
        hours_per_day=hpd,
        cards=balance_cards(figures.balance, client_view=client_view),
        alerts=tuple(_alerts(figures, client_view=client_view)),
        key_figures=key_figures,
        consumed_period_days=consumed,
        spent_period_hours=None if client_view else float(entries["hours"].sum()),
        absorbed_period_hours=None if client_view else float(entries["absorbed_hours"].sum()),
        sla_summary=figures.sla_summary,
        sla_by_severity=sla_rows.compliance_by_severity(figures.outcomes, period.start, period.end),
        sla_by_month=_sla_by_month(figures),
        resolution_times=resolution_times(figures.sla_period),
        estimation_summary=figures.estimation_summary,
        backlog=backlog,
        flow=flow,
        copil_cost_note=None if contract.model == "forfait" else _COST_NOTE,
        **{name: frame.reset_index(drop=True) for name, frame in tables.items()},
    )


def _alerts(figures: ContractFigures, *, client_view: bool) -> list[Alert]:
    """The balance's alerts at the as-of date, and what the data cannot tell."""
    contract = figures.contract
    found = balance_alerts(
        figures.balance, contract.alert_days, has_entries=not figures.entries.empty
    )
    found += data_alerts(contract, figures.prepared, figures.entries, figures.period.as_of)
    return [a for a in found if not (client_view and a.internal)]


_COST_NOTE = (
    f"La préparation, la tenue et le compte rendu de ce comité de pilotage représentent "
    f"environ {fr.days(COPIL_COST_DAYS)}, imputés sur le ticket mensuel de gestion de projet."
)


def resolution_times(sla_period: pd.DataFrame) -> pd.DataFrame:
    """Return the median and 90th percentile business minutes to resolve, per severity.

    Only resolution clocks stopped at a known time (met or breached) count: a clock
    stopped by a bound (a closing date) only caps the time, it does not give it.
    """
    rows = sla_period[
        (sla_period["sla_kind"] == "resolution")
        & sla_period["measurable"]
        & sla_period["stop_at"].notna()
        & (sla_period["stop_kind"] == "event").fillna(False)
    ]
    groups = rows.groupby("severity", sort=False)["elapsed_minutes"]
    stats = pd.DataFrame(
        {
            "resolved": groups.size(),
            "median_minutes": groups.median(),
            "p90_minutes": groups.quantile(0.9),
        }
    )
    order = [s.value for s in Severity if s.value in stats.index]
    stats = stats.reindex(order)
    out = stats.reset_index().rename(columns={"index": "severity"})
    out["severity"] = out["severity"].astype("string")
    out["resolved"] = out["resolved"].astype("int64")
    return out


def _monthly(figures: ContractFigures) -> pd.DataFrame:
    months = figures.monthly
    start = pd.Timestamp(figures.period.start).to_period("M").to_timestamp()
    keep = (months["month"] >= start) & (months["month"] <= pd.Timestamp(figures.period.end))
    columns = list(MONTHLY_COLUMNS)
    if figures.contract.model == "subscription":
        columns += list(SUBSCRIPTION_COLUMNS)
    return months.loc[keep, columns]


def _sla_by_month(figures: ContractFigures) -> pd.DataFrame:
    table = sla_rows.with_text(compliance(figures.sla_period, by=("month", "severity")))
    return table[["month", "severity", *_MONTH_RATES]].reset_index(drop=True)


def _mix(created: pd.DataFrame, entries: pd.DataFrame, hours_per_day: float) -> pd.DataFrame:
    counts = created["kind"].value_counts()
    time = activity.time_by_kind(entries, hours_per_day).set_index("kind")
    kinds = [k.value for k in Kind if k.value in counts.index or k.value in time.index]
    total = int(counts.sum())
    created_n = counts.reindex(kinds, fill_value=0).astype("int64").to_numpy()
    return pd.DataFrame(
        {
            "kind": pd.array(kinds, dtype="string"),
            "created": created_n,
            "created_share": created_n / total if total else np.full(len(kinds), np.nan),
            "deducted_days": time["deducted_days"].reindex(kinds, fill_value=0.0).to_numpy(),
            "deducted_share": time["deducted_share"].reindex(kinds).to_numpy(),
        }
    )


def _key_figures(
    figures: ContractFigures, consumed: float, flow: dict[str, int], backlog: Backlog
) -> tuple[Card, ...]:
    sla, est = figures.sla_summary, figures.estimation_summary
    period = f"du {fr.day(figures.period.start)} au {fr.day(figures.period.end)}"

    def card(key: str, value: object, detail: str = "", label: str | None = None) -> Card:
        entry = kpi(key) if label is None else None
        return Card(
            key=key,
            label=label or entry.label,
            value=value,
            text=entry.format(value) if entry else fr.days(value),
            unit=entry.unit if entry else "j",
            detail=detail,
            help=entry.definition if entry else "",
        )

    return (
        card("period_deducted_days", consumed, period, label="Décompté sur la période"),
        sla_card(sla),
        card("within_guarantee_rate", est.within_guarantee_rate, _estimated_closed(est.tickets)),
        card("tickets_created", flow["received"], period),
        card(
            "tickets_resolved",
            flow["resolved"],
            period + (f" ; {flow['reopened']} réouverte(s)" if flow["reopened"] else ""),
        ),
        card(
            "backlog_open",
            backlog.open,
            f"{flow['open_start']} ouverte(s) au {fr.day(figures.period.start)}"
            + (
                f" ; âge médian {fr.number(backlog.median_age_days, 0)} jours"
                if backlog.median_age_days is not None
                else ""
            ),
        ),
    )


def _estimated_closed(n: int) -> str:
    """``aucune demande estimée close``, ``1 demande estimée close``, ``3 demandes …``."""
    if n == 0:
        return "aucune demande estimée close"
    plural = "s" if n > 1 else ""
    return f"{n} demande{plural} estimée{plural} close{plural}"
