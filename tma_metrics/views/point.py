"""The Point TMA: balance and its change, alerts, tickets in / out / in progress, SLA.

Rules (for the README):

- **Window.** From the day after the previous point's as-of date to this as-of date;
  without a previous point, the `POINT_DAYS` days ending on the as-of date.
- **Cards.** `cards.balance_cards` with their change since the previous point, plus
  the time deducted in the window (every model).
- **Tables.** `activity` and `sla_rows` selections: came in, resolved, in progress
  (with its committed hours from `ContractFigures.commitments`), pending approvals,
  SLA clocks to watch, SLA breaches of the window.
- **SLA of the window.** `compliance.summarise` over the outcomes placed in the window;
  the period's figure is `ContractFigures.sla_summary`; both written by `sla_range`
  (a range when some clocks are not measurable). ``sla_by_ticket``: the window's clocks
  ticket by ticket, with what stopped each one (an event or a bound).
- **Flow.** ``flow``: `ticket_states.flow` of the window (open at its start and end,
  received, resolved, reopened); the incoming and resolved tables list those changes
  and the in-progress table is the open tickets at its end.
- **Client view.** Internal cards, alerts and columns are left out (`tables`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from tma_metrics.domain import ticket_states
from tma_metrics.domain.sla.compliance import ComplianceSummary, summarise
from tma_metrics.figures.contract_figures import ContractFigures
from tma_metrics.french import formats as fr
from tma_metrics.views import activity, alerts, sla_rows
from tma_metrics.views.alerts import Alert
from tma_metrics.views.cards import Card, balance_cards
from tma_metrics.views.tables import for_client

__all__ = [
    "INCOMING_COLUMNS",
    "IN_PROGRESS_COLUMNS",
    "POINT_DAYS",
    "RESOLVED_COLUMNS",
    "PointView",
    "point_view",
    "point_window",
]

#: Length of the window when there is no previous point (a weekly point).
POINT_DAYS = 7

INCOMING_COLUMNS = ("key", "title", "kind", "severity", "status", "assignee", "created_at")
RESOLVED_COLUMNS = (
    "key",
    "title",
    "kind",
    "severity",
    "status",
    "resolved_at",
    "resolved_by",
    "estimate_hours",
    "spent_hours",
    "deducted_hours",
    "absorbed_hours",
)
IN_PROGRESS_COLUMNS = (
    "key",
    "title",
    "kind",
    "severity",
    "status",
    "assignee",
    "created_at",
    "age_days",
    "estimate_hours",
    "cap_hours",
    "spent_hours",
    "deducted_hours",
    "absorbed_hours",
    "committed_hours",
    "past_guarantee",
)


@dataclass(frozen=True, eq=False)
class PointView:
    """Everything the Point TMA page, its e-mail and its export show."""

    contract_name: str
    model: str
    as_of: date
    since: date  # first day of the window
    previous_as_of: date | None
    client_view: bool
    hours_per_day: float
    margin: float
    cards: tuple[Card, ...]
    alerts: tuple[Alert, ...]
    window_deducted_days: float
    window_spent_hours: float | None  # None in a client view
    incoming: pd.DataFrame
    resolved: pd.DataFrame
    in_progress: pd.DataFrame
    pending_estimates: pd.DataFrame
    to_watch: pd.DataFrame
    breaches: pd.DataFrame
    sla_by_ticket: pd.DataFrame
    flow: dict[str, int]
    sla_window: ComplianceSummary
    sla_period: ComplianceSummary
    period_start: date
    period_end: date

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The view's tables by their English name, in the page's order."""
        return {
            "incoming": self.incoming,
            "resolved": self.resolved,
            "in_progress": self.in_progress,
            "pending_estimates": self.pending_estimates,
            "to_watch": self.to_watch,
            "breaches": self.breaches,
            "sla_by_ticket": self.sla_by_ticket,
        }


def point_window(current: ContractFigures, previous: ContractFigures | None) -> tuple[date, date]:
    """Return the first and last day the point covers (see the module's rules)."""
    as_of = current.period.as_of
    if previous is None:
        return as_of - timedelta(days=POINT_DAYS - 1), as_of
    if previous.name != current.name:
        raise ValueError(
            f"Point TMA : le point précédent doit porter sur le même contrat ; trouvé "
            f"« {previous.name} » au lieu de « {current.name} »."
        )
    if previous.period.as_of >= as_of:
        raise ValueError(
            f"Point TMA : le point précédent doit être antérieur au {as_of:%d/%m/%Y} ; "
            f"trouvé le {previous.period.as_of:%d/%m/%Y}."
        )
    return previous.period.as_of + timedelta(days=1), as_of


def point_view(
    current: ContractFigures,
    previous: ContractFigures | None = None,
    *,
    client_view: bool = False,
) -> PointView:
    """Build the Point TMA of ``current`` (``previous``: the same contract at the last point)."""
    contract = current.contract
    since, until = point_window(current, previous)
    rows = activity.ticket_rows(current.tickets, current.period.as_of, contract.margin)
    in_progress = _in_progress(current, rows)
    watch = sla_rows.to_watch(current.outcomes, rows)
    late = sla_rows.breaches(current.outcomes, rows, since, until)
    pending = activity.pending_estimates(
        current.tickets, current.period.as_of, contract.hours_per_day
    )
    window_entries = activity.entries_between(current.entries, since, until)
    found = _point_alerts(current, in_progress, late, watch)
    tables = {
        "incoming": activity.created_between(rows, since, until)[list(INCOMING_COLUMNS)],
        "resolved": activity.resolved_between(rows, current.changes, since, until)[
            list(RESOLVED_COLUMNS)
        ],
        "in_progress": in_progress[list(IN_PROGRESS_COLUMNS)],
        "pending_estimates": pending,
        "to_watch": watch,
        "breaches": late,
        "sla_by_ticket": sla_rows.by_ticket(current.outcomes, rows, since, until),
    }
    if client_view:
        tables = {name: for_client(frame) for name, frame in tables.items()}
        found = [a for a in found if not a.internal]
    cards = balance_cards(
        current.balance,
        previous.balance if previous is not None else None,
        client_view=client_view,
    )
    deducted_days = float(window_entries["deducted_hours"].sum()) / contract.hours_per_day
    return PointView(
        contract_name=current.name,
        model=contract.model,
        as_of=current.period.as_of,
        since=since,
        previous_as_of=previous.period.as_of if previous is not None else None,
        client_view=client_view,
        hours_per_day=contract.hours_per_day,
        margin=contract.margin,
        cards=(*cards, _window_card(deducted_days, since, until)),
        alerts=tuple(found),
        window_deducted_days=deducted_days,
        window_spent_hours=None if client_view else float(window_entries["hours"].sum()),
        sla_window=summarise(current.outcomes, since, until),
        flow=ticket_states.flow(current.changes, since, until),
        sla_period=current.sla_summary,
        period_start=current.period.start,
        period_end=current.period.end,
        **{name: frame.reset_index(drop=True) for name, frame in tables.items()},
    )


def _in_progress(current: ContractFigures, rows: pd.DataFrame) -> pd.DataFrame:
    """Return the open tickets with their committed hours, by severity."""
    committed = current.commitments.set_index("ticket_uid")["committed_hours"]
    in_progress = activity.open_rows(current.tickets, rows)
    in_progress["committed_hours"] = (
        in_progress["ticket_uid"].map(committed).astype("float64").to_numpy()
    )
    in_progress = _by_severity(in_progress)
    return in_progress


def _point_alerts(
    current: ContractFigures, in_progress: pd.DataFrame, late: pd.DataFrame, watch: pd.DataFrame
) -> list[Alert]:
    """Return the alerts of the point: balance, data, SLA, guarantee and import warnings."""
    contract = current.contract
    found = alerts.balance_alerts(
        current.balance, contract.alert_days, has_entries=not current.entries.empty
    )
    found += alerts.data_alerts(contract, current.prepared, current.entries, current.period.as_of)
    found += alerts.sla_alerts(late, watch)
    found += alerts.guarantee_alert(in_progress[in_progress["past_guarantee"]], contract.margin)
    found += alerts.warning_alerts(current.warnings)
    return found


def _window_card(deducted_days: float, since: date, until: date) -> Card:
    return Card(
        key="window_deducted_days",
        label="Décompté sur la période",
        value=deducted_days,
        text=fr.days(deducted_days),
        detail=f"du {fr.day(since)} au {fr.day(until)}",
        help="Temps décompté des saisies datées dans la période du point, en jours.",
    )


def _by_severity(frame: pd.DataFrame) -> pd.DataFrame:
    """Sort open tickets: blocking first, then major, minor, others; oldest first."""
    rank = {"bloquante": 0, "majeure": 1, "mineure": 2}
    order = frame["severity"].map(rank).astype("float64").fillna(3).to_numpy()
    created = frame["created_at"].to_numpy("datetime64[us]")
    keys = np.lexsort((frame["key"].to_numpy(object), created, order))
    return frame.iloc[keys].reset_index(drop=True)
