"""Estimate vs actual: how good the agency's estimates are (DOMAIN.md §5).

Pure and vectorised. Rules:

- **Effective estimate E.** The accepted re-estimate (> 0) when there is one, else the
  validated estimate (> 0; a null status counts as validated, as in `billing`).
  Tickets whose estimate is pending, refused, null or 0 are left out.
- **Actual A.** The total of the ticket's time entries; for a ticket without any
  entry, the tool's own ``spent_hours``; with neither, the ticket is left out (not
  measurable). ``actual_source`` says which (``entries`` or ``tool``).
- **Closed.** Resolved or closed (``resolution_at`` / ``resolved_at`` / ``closed_at``
  set, on or before ``as_of`` when given), or, when every date is missing, a status
  listed in ``resolved_statuses``. When the tickets come from
  `timeline.prepare_tickets` (column ``is_open``), a ticket it finds open (reopened
  after its resolution) is open here too: DOMAIN.md §5 measures closed tickets only.
  Open tickets are left out unless ``include_open``.
- **Month.** The month of the resolution: ``resolved_on`` (the timeline's: the date the
  ticket counts as resolved, its event else its bound, `ticket_states`) when given, else
  ``resolution_at``, else ``resolved_at``, else ``closed_at`` (NaT when open).
- **Size class.** From E in days (E / hours_per_day): ``< 5 j`` below 5, ``5 à 25 j``
  from 5 to 25 included, ``> 25 j`` above 25.
- **Late re-estimate.** As `billing` defines it; known only when the spent figures come
  from `billing.ticket_billing` (null otherwise for re-estimated tickets).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import numpy as np
import pandas as pd

from tma_metrics.domain.carnet.billing import EPS, effective_estimates, spent_table, text_values
from tma_metrics.domain.contracts.model import normalise_label
from tma_metrics.domain.frames import column_or_null, floats

__all__ = [
    "SIZE_CLASSES",
    "SUMMARY_COLUMNS",
    "AccuracySummary",
    "TicketFacts",
    "accuracy",
    "actual_hours",
    "aggregate_groups",
    "closed_mask",
    "summaries",
    "summary",
    "ticket_facts",
]

SIZE_CLASSES = ("< 5 j", "5 à 25 j", "> 25 j")

SUMMARY_COLUMNS = (
    "tickets",
    "within_guarantee_rate",
    "within_25_rate",
    "median_ratio",
    "bias",
    "absorbed_hours",
    "reestimation_rate",
    "late_reestimations",
)


@dataclass(frozen=True)
class AccuracySummary:
    """Estimation accuracy over a set of tickets; rates are fractions 0..1."""

    tickets: int
    within_guarantee_rate: float | None
    within_25_rate: float | None
    median_ratio: float | None
    bias: float | None  # mean of (A - E) / E
    absorbed_hours: float
    reestimation_rate: float | None
    late_reestimations: int


class TicketFacts(NamedTuple):
    """What estimation and commitments read of the tickets on one as-of date, row by row."""

    estimates: pd.DataFrame  # billing.effective_estimates, in the tickets' order
    actual: np.ndarray  # actual hours (`actual_hours`)
    source: np.ndarray  # where they come from
    closed: np.ndarray  # `closed_mask`
    late: np.ndarray  # late re-estimate (True, False or None: unknown)
    rule: np.ndarray  # billing rule ("" when unknown)


def ticket_facts(
    tickets: pd.DataFrame,
    spent_by_ticket: pd.Series | pd.DataFrame,
    as_of: date | None = None,
    *,
    resolved_statuses: Sequence[str] = (),
    assume_validated: bool = True,
    estimates: pd.DataFrame | None = None,
) -> TicketFacts:
    """Return the facts `accuracy` and `consumption.commitments` read, computed once.

    ``estimates`` is `billing.effective_estimates` of ``tickets`` when already known
    (the derived tables keep it per data version); it is computed otherwise.
    """
    if estimates is None:
        estimates = effective_estimates(tickets, assume_validated=assume_validated)
    spent = spent_table(spent_by_ticket)
    actual, source = actual_hours(tickets, spent)
    aligned = spent.reindex(estimates.index)
    return TicketFacts(
        estimates=estimates,
        actual=actual,
        source=source,
        closed=closed_mask(tickets, as_of, resolved_statuses).to_numpy(),
        late=aligned["late_reestimate"].to_numpy(dtype=object, na_value=None),
        rule=aligned["rule"].to_numpy(dtype=object, na_value=""),
    )


def accuracy(
    tickets: pd.DataFrame,
    spent_by_ticket: pd.Series | pd.DataFrame,
    margin: float,
    hours_per_day: float,
    *,
    include_open: bool = False,
    as_of: date | None = None,
    resolved_statuses: Sequence[str] = (),
    assume_validated: bool = True,
    facts: TicketFacts | None = None,
    descriptive: bool = True,
) -> pd.DataFrame:
    """Return one row per ticket with an effective estimate: estimate vs actual.

    ``spent_by_ticket``: hours per ``ticket_uid`` (Series) or `billing.ticket_billing`'s
    output (which also gives late re-estimates). Columns: ``ticket_uid``, descriptive
    columns present in ``tickets`` (key, title, tracker, kind, assignee), ``closed``,
    ``month``, ``estimate_hours`` (E), ``original_estimate_hours``, ``actual_hours``
    (A), ``actual_source``, ``ratio`` (A/E), ``within_guarantee`` (A ≤ (1+margin)E),
    ``within_25`` (0.75E ≤ A ≤ 1.25E), ``absorbed_hours`` (max(0, A − (1+margin)E)),
    ``bias_term`` ((A−E)/E), ``size_class``, ``reestimated``, ``late_reestimate``.
    ``facts``: `ticket_facts` already computed for these tickets and this as-of date;
    ``descriptive=False`` leaves out the descriptive columns, ``month``,
    ``actual_source`` and ``size_class`` (a summary reads none of them).
    """
    if facts is None:
        facts = ticket_facts(
            tickets,
            spent_by_ticket,
            as_of,
            resolved_statuses=resolved_statuses,
            assume_validated=assume_validated,
        )
    estimates, actual, closed = facts.estimates, facts.actual, facts.closed
    estimate = estimates["effective_estimate_hours"].to_numpy()
    reestimated = estimates["reestimated"].to_numpy()
    late = pd.array(np.where(reestimated, facts.late, False), dtype="boolean")

    out = pd.DataFrame({"ticket_uid": estimates.index.to_numpy()})
    if descriptive:
        for name in ("key", "title", "tracker", "kind", "assignee"):
            if name in tickets.columns:
                out[name] = text_values(tickets[name])
    cap = (1 + margin) * estimate
    out["closed"] = closed
    if descriptive:
        ended = _resolution_dates(tickets)
        month = ended.dt.to_period("M").dt.to_timestamp().astype("datetime64[us]")
        out["month"] = month.to_numpy()
    out["estimate_hours"] = estimate
    out["original_estimate_hours"] = estimates["estimate_hours"].to_numpy()
    out["actual_hours"] = actual
    if descriptive:
        out["actual_source"] = pd.array(facts.source, dtype="str")
    with np.errstate(invalid="ignore", divide="ignore"):
        out["ratio"] = actual / estimate
        out["bias_term"] = (actual - estimate) / estimate
    out["within_guarantee"] = actual <= cap + EPS
    out["within_25"] = (actual >= 0.75 * estimate - EPS) & (actual <= 1.25 * estimate + EPS)
    out["absorbed_hours"] = np.maximum(0.0, actual - cap)
    if descriptive:
        out["size_class"] = pd.Categorical(
            _size_classes(estimate / hours_per_day), categories=SIZE_CLASSES, ordered=True
        )
    out["reestimated"] = reestimated
    out["late_reestimate"] = late
    keep = ~np.isnan(estimate) & ~np.isnan(actual) & (closed | include_open)
    return out[keep].reset_index(drop=True)


def summary(table: pd.DataFrame, by: Sequence[str] | None = None) -> pd.DataFrame | AccuracySummary:
    """Summarise an `accuracy` table, overall (a dataclass) or per group (a frame).

    Rates are fractions 0..1, None (NaN in a frame) when there are no tickets.
    ``late_reestimations`` counts known late re-estimates only.
    """
    if by is not None:
        groups = table.groupby(list(by), dropna=False, observed=True, sort=True)
        return aggregate_groups(groups).reset_index()[[*by, *SUMMARY_COLUMNS]]
    return summaries(table, np.zeros(len(table), dtype=np.int64), 1)[0]


#: The summary of no ticket.
NO_TICKETS = AccuracySummary(0, None, None, None, None, 0.0, None, 0)


def summaries(table: pd.DataFrame, owner: np.ndarray, n: int) -> list[AccuracySummary]:
    """Return `summary` of each of ``n`` sets of rows of an `accuracy` table at once.

    Row ``i`` belongs to set ``owner[i]`` (0 to n − 1): the contracts of a portfolio are
    summarised in one group-by instead of one per contract.
    """
    out = [NO_TICKETS] * n
    if table.empty:
        return out
    grouped = aggregate_groups(table.groupby(np.asarray(owner, dtype=np.int64)))
    for i, row in zip(grouped.index, grouped.itertuples(index=False), strict=True):
        out[int(i)] = AccuracySummary(
            tickets=int(row.tickets),
            within_guarantee_rate=float(row.within_guarantee_rate),
            within_25_rate=float(row.within_25_rate),
            median_ratio=float(row.median_ratio),
            bias=float(row.bias),
            absorbed_hours=float(row.absorbed_hours),
            reestimation_rate=float(row.reestimation_rate),
            late_reestimations=int(row.late_reestimations),
        )
    return out


def closed_mask(
    tickets: pd.DataFrame,
    as_of: date | None = None,
    resolved_statuses: Sequence[str] = (),
) -> pd.Series:
    """Say which tickets are closed (on ``as_of`` when given); see the module rules."""
    dates = [
        pd.to_datetime(column_or_null(tickets, name))
        for name in ("resolution_at", "resolved_at", "closed_at")
    ]
    ended = pd.concat(dates, axis=1).min(axis=1)
    if as_of is None:
        dated = ended.notna()
    else:
        dated = ended < pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
    labels = {normalise_label(s) for s in resolved_statuses}
    closed = dated
    if labels:
        status = column_or_null(tickets, "status").astype("str")
        # Normalise each distinct label once: a handful of statuses, many tickets.
        closing = {s for s in status.dropna().unique() if normalise_label(s) in labels}
        closed = dated | (ended.isna() & status.isin(closing))
    if "is_open" in tickets.columns:
        # The timeline knows reopened tickets: resolved once, open again.
        closed = closed & ~tickets["is_open"].astype("boolean").fillna(False)
    return closed.astype(bool)


def _resolution_dates(tickets: pd.DataFrame) -> pd.Series:
    """Return each ticket's resolution time: ``resolved_on``, else ``resolution_at``, else
    ``resolved_at``, else ``closed_at`` (the first present column wins, row by row)."""
    ended = pd.to_datetime(column_or_null(tickets, "resolved_on"))
    for name in ("resolution_at", "resolved_at", "closed_at"):
        ended = ended.fillna(pd.to_datetime(column_or_null(tickets, name)))
    return ended


def actual_hours(tickets: pd.DataFrame, spent: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Return, per row of ``tickets``, the actual hours and where they come from.

    ``spent`` is `billing.spent_table`'s output. Source ``entries`` when the ticket has
    entries, else ``tool`` (the ticket's own ``spent_hours``), else ``""`` (NaN hours).
    """
    # An Index, not an array: when ``spent`` has the tickets' ids in their order (the
    # derived tables' view), reindexing is a copy instead of hashing every id.
    uid = pd.Index(tickets["ticket_uid"].to_numpy())
    has_entries = spent["has_entries"].reindex(uid, fill_value=False).to_numpy(dtype=bool)
    from_entries = spent["spent_hours"].reindex(uid).to_numpy(dtype="float64")
    tool = floats(column_or_null(tickets, "spent_hours"))
    hours = np.where(has_entries, from_entries, tool)
    source = np.where(has_entries, "entries", np.where(np.isnan(tool), "", "tool"))
    return hours, source


def aggregate_groups(groups: pd.api.typing.DataFrameGroupBy) -> pd.DataFrame:
    return groups.agg(
        tickets=("ratio", "size"),
        within_guarantee_rate=("within_guarantee", "mean"),
        within_25_rate=("within_25", "mean"),
        median_ratio=("ratio", "median"),
        bias=("bias_term", "mean"),
        absorbed_hours=("absorbed_hours", "sum"),
        reestimation_rate=("reestimated", "mean"),
        late_reestimations=("late_reestimate", "sum"),
    )


def _size_classes(estimate_days: np.ndarray) -> np.ndarray:
    return np.select(
        [estimate_days < 5, estimate_days <= 25, estimate_days > 25],
        list(SIZE_CLASSES),
        default=None,
    )
