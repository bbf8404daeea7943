"""The Bilan mensuel: the month's consumption, the carnet's balance, improvement plan.

Rules (for the README):

- **Month.** The calendar month of ``month``, cut at the figures' as-of date (then the
  month is *partial* and the e-mail says so); a month after the as-of date is refused.
- **Consumed in the month.** `ContractFigures.monthly`'s deducted days of the month
  (every deducted entry dated in it); the total and the remaining days are the
  balance's (the carnet valid on the as-of date).
- **By ticket / kind / activity.** The month's entries (`activity.time_by_*`), by
  ticket sorted by time spent (by deducted time in a client view).
- **Management share.** `ContractFigures.monthly`'s share and flag against the
  contract's target (10 % by default).
- **Improvement plan.** SLA compliance of the month per severity with its coverage
  (outcomes placed in the month); within-guarantee rate of the tickets closed in the
  month (`ContractFigures.estimation`, so only as far as the figures' period covers
  the month: a note says when it does not); tickets worked in the month without an
  approved estimate (rules ``no_estimate`` / ``estimate_pending``, project management
  left out: it never has one) and those past 2 h of qualification; the backlog and its
  age at the as-of date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from tma_metrics.domain import estimation
from tma_metrics.domain.carnet.billing import UNESTIMATED_RULES
from tma_metrics.domain.estimation import AccuracySummary
from tma_metrics.domain.model import Kind
from tma_metrics.domain.sla.compliance import ComplianceSummary, summarise
from tma_metrics.figures.contract_figures import ContractFigures
from tma_metrics.french import formats as fr
from tma_metrics.views import activity, sla_rows
from tma_metrics.views.activity import Backlog
from tma_metrics.views.tables import for_client

__all__ = [
    "BACKLOG_COLUMNS",
    "EXPIRY_NOTICE_DAYS",
    "UNESTIMATED_COLUMNS",
    "BilanView",
    "bilan_view",
    "month_bounds",
]

#: The e-mail recalls the carnet's expiry when it is this close (calendar days).
EXPIRY_NOTICE_DAYS = 60

BACKLOG_COLUMNS = ("key", "title", "kind", "severity", "status", "created_at", "age_days")
UNESTIMATED_COLUMNS = (
    "key",
    "title",
    "kind",
    "status",
    "rule",
    "deducted_hours",
    "total_spent_hours",
    "qualification_over_2h",
)


@dataclass(frozen=True, eq=False)
class BilanView:
    """Everything the monthly report shows (days in days, hours in hours)."""

    contract_name: str
    model: str
    month: date  # first day
    month_end: date  # last day covered: the month's last day, or the as-of date
    as_of: date
    partial: bool
    client_view: bool
    hours_per_day: float
    consumed_month_days: float
    deducted_month_hours: float
    spent_month_hours: float | None  # None in a client view
    absorbed_month_hours: float | None  # None in a client view
    carnet_start: date | None
    carnet_end: date | None
    purchased_days: float | None
    carried_over_days: float | None
    consumed_total_days: float | None
    remaining_days: float | None
    low_balance: bool | None
    alert_days: float
    allowance_days: float | None  # subscription only
    overrun_days: float | None
    management_share: float | None
    management_target: float
    management_flag: bool
    by_ticket: pd.DataFrame
    by_kind: pd.DataFrame
    by_activity: pd.DataFrame
    sla_by_severity: pd.DataFrame
    sla_month: ComplianceSummary
    estimation: AccuracySummary
    estimation_covered: bool
    unestimated: pd.DataFrame
    backlog: Backlog
    backlog_rows: pd.DataFrame
    notes: tuple[str, ...]

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The view's tables by their English name, in the page's order."""
        return {
            "by_ticket": self.by_ticket,
            "by_kind": self.by_kind,
            "by_activity": self.by_activity,
            "sla_by_severity": self.sla_by_severity,
            "unestimated": self.unestimated,
            "backlog_rows": self.backlog_rows,
            "backlog_by_age": self.backlog.by_age,
        }

    @property
    def qualification_over_2h(self) -> int:
        """Tickets without an approved estimate that went past 2 h."""
        return int(self.unestimated["qualification_over_2h"].sum())


def month_bounds(month: date, as_of: date) -> tuple[date, date, bool]:
    """Return the month's first day, last day covered and whether it is cut by as_of."""
    first = month.replace(day=1)
    if first > as_of:
        raise ValueError(
            f"Bilan mensuel : attendu un mois au plus tard celui du {as_of:%d/%m/%Y} ; "
            f"trouvé {fr.month(first)}."
        )
    last = (pd.Timestamp(first) + pd.offsets.MonthEnd(0)).date()
    return first, min(last, as_of), as_of < last


def bilan_view(figures: ContractFigures, month: date, *, client_view: bool = False) -> BilanView:
    """Build the monthly report of ``month`` from the figures (as-of date in or after it)."""
    contract, balance, as_of = figures.contract, figures.balance, figures.period.as_of
    first, last, partial = month_bounds(month, as_of)
    hpd = contract.hours_per_day
    monthly = figures.monthly[figures.monthly["month"] == pd.Timestamp(first)]
    row = monthly.iloc[0] if len(monthly) else None

    rows = activity.ticket_rows(figures.tickets, as_of, contract.margin)
    entries = activity.entries_between(figures.entries, first, last)
    tables = _month_tables(figures, rows, entries, hpd, client_view)
    estimated = figures.estimation[figures.estimation["month"] == pd.Timestamp(first)]
    covered = figures.period.start <= first and figures.period.end >= last
    open_rows = activity.open_rows(figures.tickets, rows)
    return BilanView(
        contract_name=figures.name,
        model=contract.model,
        month=first,
        month_end=last,
        as_of=as_of,
        partial=partial,
        client_view=client_view,
        hours_per_day=hpd,
        consumed_month_days=_value(row, "deducted_days", 0.0),
        deducted_month_hours=_value(row, "deducted_hours", 0.0),
        spent_month_hours=None if client_view else _value(row, "spent_hours", 0.0),
        absorbed_month_hours=None if client_view else _value(row, "absorbed_hours", 0.0),
        carnet_start=balance.carnet_start,
        carnet_end=balance.expiry_date,
        purchased_days=balance.purchased_days,
        carried_over_days=balance.carried_over_days,
        consumed_total_days=balance.consumed_days,
        remaining_days=balance.remaining_days,
        low_balance=balance.low_balance,
        alert_days=contract.alert_days,
        allowance_days=_value(row, "allowance_days", None),
        overrun_days=_value(row, "overrun_days", None),
        management_share=_value(row, "management_share", None),
        management_target=contract.management_share_target,
        management_flag=bool(row["management_flag"]) if row is not None else False,
        sla_by_severity=sla_rows.compliance_by_severity(figures.outcomes, first, last),
        sla_month=summarise(figures.outcomes, first, last),
        estimation=estimation.summary(estimated),
        estimation_covered=covered,
        backlog=activity.backlog(open_rows),
        backlog_rows=open_rows[list(BACKLOG_COLUMNS)].reset_index(drop=True),
        notes=tuple(_notes(figures, first, last, partial, covered)),
        **{name: frame.reset_index(drop=True) for name, frame in tables.items()},
    )


def _month_tables(
    figures: ContractFigures,
    rows: pd.DataFrame,
    entries: pd.DataFrame,
    hpd: float,
    client_view: bool,
) -> dict[str, pd.DataFrame]:
    """Return the month's time tables: by ticket, kind and activity, and unestimated work."""
    by_ticket = activity.time_by_ticket(entries, rows, hpd)
    if client_view:
        by_ticket = by_ticket.sort_values(
            ["deducted_hours", "key"], ascending=[False, True], kind="stable"
        )
    unestimated = _unestimated(by_ticket, figures.tickets)
    tables = {
        "by_ticket": by_ticket,
        "by_kind": activity.time_by_kind(entries, hpd),
        "by_activity": activity.time_by_activity(entries, hpd),
        "unestimated": unestimated,
    }
    if client_view:
        tables = {name: for_client(frame) for name, frame in tables.items()}
    return tables


def _unestimated(by_ticket: pd.DataFrame, tickets: pd.DataFrame) -> pd.DataFrame:
    """Return the tickets worked in the month without an approved estimate (not management).

    A ticket missing from the exports counts: no estimate of it is known, it is billed
    as spent.
    """
    rules = (*UNESTIMATED_RULES, "unknown_ticket")
    keep = by_ticket["rule"].isin(rules) & (by_ticket["kind"] != Kind.MANAGEMENT)
    out = by_ticket[keep.fillna(False).to_numpy(bool)].copy()
    flags = tickets.set_index("ticket_uid")["qualification_over_2h"]
    spent = tickets.set_index("ticket_uid")["billed_spent_hours"]
    out["qualification_over_2h"] = (
        out["ticket_uid"].map(flags).astype("boolean").fillna(False).to_numpy(bool)
    )
    # The 2 h limit is on the ticket's whole qualification, not the month's part of it.
    out["total_spent_hours"] = out["ticket_uid"].map(spent).astype("float64").to_numpy()
    out = out.sort_values(
        ["qualification_over_2h", "total_spent_hours", "key"],
        ascending=[False, False, True],
        kind="stable",
    )
    return out[list(UNESTIMATED_COLUMNS)].reset_index(drop=True)


def _notes(
    figures: ContractFigures, first: date, last: date, partial: bool, covered: bool
) -> list[str]:
    notes = []
    if partial:
        notes.append(f"Mois en cours : chiffres arrêtés au {fr.day(last)}.")
    if not covered:
        notes.append(
            f"Précision des devis : la période analysée (du {fr.day(figures.period.start)} au "
            f"{fr.day(figures.period.end)}) ne couvre pas tout le mois ; seules les demandes "
            "closes dans cette période sont comptées."
        )
    model = figures.contract.model
    if model in _NO_CARNET_NOTES:
        notes.append(_NO_CARNET_NOTES[model])
    elif figures.balance.remaining_days is None:
        notes.append(
            "Pas de solde de carnet pour ce contrat à cette date : seule la consommation "
            "du mois est donnée."
        )
    left = figures.balance.days_left_in_carnet
    if left is not None and left <= EXPIRY_NOTICE_DAYS:
        notes.append(
            f"Le carnet en cours arrive à échéance le {fr.day(figures.balance.expiry_date)}."
        )
    return notes


#: What the monthly report gives instead of a balance, per model without carnet.
_NO_CARNET_NOTES = {
    "subscription": (
        "Contrat en abonnement : pas de carnet ni de solde ; la consommation du mois est "
        "comparée aux jours inclus."
    ),
    "regie": "Contrat en régie : pas de carnet ni de solde ; le temps du mois est facturé.",
    "forfait": "Contrat au forfait : pas de carnet ni de solde ; le temps du mois est indicatif.",
}


def _value(row: pd.Series | None, name: str, default: float | None) -> float | None:
    if row is None:
        return default
    value = float(row[name])
    return default if np.isnan(value) else value
