"""Carnet balance, commitments, monthly figures and burn-up (DOMAIN.md §1).

Pure and vectorised. Inputs are the contract, the deducted entries (`billing.deduct`'s
output: ``date``, ``hours``, ``deducted_hours``, optionally ``ticket_uid`` and
``ticket_kind``) and ``as_of``: entries dated after ``as_of`` are ignored everywhere.
Carnet periods, carry-over and out-of-carnet entries: `tma_metrics.domain.carnet.ledger`
(re-exported here); burn rate and forecast arithmetic: `tma_metrics.domain.carnet.forecast`.

Rules:

- **Models.** Only the ``carnet`` model has a balance; for ``subscription``, ``regie``
  and ``forfait`` `carnet_history` is empty and `balance` returns a `Balance` whose
  carnet fields are None; `monthly` gives their figures.
- **Burn.** Counts every deducted entry of the contract, in a carnet or not (it
  measures the pace of work); window and fallbacks in `tma_metrics.domain.carnet.forecast`.
- **Management share.** Deducted hours of tickets of kind ``management`` plus entries
  without ticket (DOMAIN.md §2.5: transverse management), over the month's deducted
  hours; flagged when more than 5 points away from the contract's target (10 %).
- **Subscription.** ``allowance_days`` = ``monthly_days`` every month,
  ``overrun_days = max(0, deducted - allowance)``, ``unused_days = max(0, allowance -
  deducted)``; no rollover (the contract has no rollover setting yet).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from tma_metrics.domain.carnet.billing import EPS, text_values
from tma_metrics.domain.carnet.forecast import (
    AVERAGE_MONTH_DAYS,
    NO_BURN,
    Burn,
    burn_rate,
    exhaustion_day,
    forecast_line,
)
from tma_metrics.domain.carnet.ledger import (
    BALANCE_MODELS,
    DayTotals,
    OutOfCarnet,
    days_until,
    history_columns,
    history_from,
    outside_from,
)
from tma_metrics.domain.contracts.model import Contract
from tma_metrics.domain.estimation import TicketFacts, ticket_facts
from tma_metrics.domain.frames import column_or_null, midnight

__all__ = [
    "MANAGEMENT_TOLERANCE",
    "Balance",
    "Consumption",
    "balance",
    "balance_figures",
    "balance_from_days",
    "burn_up",
    "burn_up_from",
    "commitments",
    "committed_hours",
    "consumption_figures",
    "contract_burn",
    "monthly",
    "monthly_from_days",
]

#: Management share flagged when further than this from the target (5 points).
MANAGEMENT_TOLERANCE = 0.05


@dataclass(frozen=True)
class Balance:
    """Balance of the carnet valid on ``as_of``; carnet fields are None when none is."""

    as_of: date
    model: str
    carnet_index: int | None = None  # position in contract.carnets (sorted by start)
    carnet_start: date | None = None
    expiry_date: date | None = None  # effective end (day before a renewal that overlaps)
    purchased_days: float | None = None
    carried_over_days: float | None = None
    consumed_days: float | None = None
    remaining_days: float | None = None
    committed_days: float | None = None
    projected_days: float | None = None
    spent_hours: float | None = None
    deducted_hours: float | None = None
    absorbed_hours: float | None = None
    burn: Burn | None = None
    burn_rate_days_per_month: float | None = None
    forecast_exhaustion_date: date | None = None
    forecast_early: date | None = None
    forecast_late: date | None = None
    exhausted: bool | None = None
    exhausts_before_end: bool | None = None
    likely_unused_days: float | None = None
    low_balance: bool | None = None
    days_left_in_carnet: int | None = None
    out_of_carnet: OutOfCarnet | None = None


def commitments(
    tickets: pd.DataFrame,
    spent_by_ticket: pd.Series | pd.DataFrame,
    as_of: date,
    *,
    resolved_statuses: Sequence[str] = (),
    assume_validated: bool = True,
    facts: TicketFacts | None = None,
    descriptive: bool = True,
) -> pd.DataFrame:
    """Return the open tickets with an approved estimate and what they still commit.

    Open on ``as_of``: created on or before it (or undated) and not closed by then
    (`estimation.closed_mask`). Approved: an accepted re-estimate, else a validated
    estimate. ``committed_hours = max(0, effective estimate - spent)``; spent is the
    entries' total (pass entries up to as_of), else the tool's own ``spent_hours``,
    else 0. A ticket whose late re-estimate was refused commits nothing more (its
    ``rule`` is known when ``spent_by_ticket`` is `billing.ticket_billing`'s output).
    ``facts``: `estimation.ticket_facts` already computed for these tickets on
    ``as_of``; ``descriptive=False`` leaves out the tickets' text columns.
    """
    if facts is None:
        facts = ticket_facts(
            tickets,
            spent_by_ticket,
            as_of,
            resolved_statuses=resolved_statuses,
            assume_validated=assume_validated,
        )
    estimates = facts.estimates
    created = pd.to_datetime(column_or_null(tickets, "created_at")).to_numpy()
    end_of_day = midnight(as_of) + pd.Timedelta(days=1)
    is_open = ~facts.closed & ~(created >= end_of_day.to_datetime64())
    estimate = estimates["effective_estimate_hours"].to_numpy()
    keep = is_open & ~np.isnan(estimate) & (facts.rule != "late_reestimate_refused")
    spent_hours = np.nan_to_num(facts.actual, nan=0.0)
    out = pd.DataFrame(
        {
            "ticket_uid": estimates.index.to_numpy(),
            "effective_estimate_hours": estimate,
            "spent_hours": spent_hours,
            "committed_hours": np.maximum(0.0, estimate - spent_hours),
        }
    )
    if descriptive:
        for name in ("key", "title", "kind", "status", "assignee"):
            if name in tickets.columns:
                out[name] = text_values(tickets[name])
    return out[keep].reset_index(drop=True)


def balance(
    contract: Contract,
    deducted: pd.DataFrame,
    commitments: pd.DataFrame | None,
    as_of: date,
) -> Balance:
    """Return the balance of the carnet valid on ``as_of`` with its burn and forecast.

    ``commitments`` is `commitments`' output (None: committed and projected are None).
    Forecast dates are the first day whose end-of-day cumulative consumption reaches
    the available days (purchased + carried over): ``as_of + ceil(remaining / burn ×
    30.4375)`` days; the range uses the highest (early) and lowest (late; None when 0)
    monthly burn of the burn window. Already exhausted: the day it actually happened.
    ``exhausts_before_end`` when that date is on or before the expiry date;
    ``likely_unused_days = max(0, remaining - burn × days_left / 30.4375)``;
    ``days_left_in_carnet = expiry - as_of`` (entries of as_of are already counted).
    """
    return _balance(contract, days_until(deducted, as_of), committed_hours(commitments), as_of)


def committed_hours(commitments: pd.DataFrame | None) -> float | None:
    """Return the hours `commitments`' output still commits (None stays None)."""
    return None if commitments is None else float(commitments["committed_hours"].sum())


def balance_from_days(
    contract: Contract, days: DayTotals, committed: float | None, as_of: date
) -> Balance:
    """Return `balance` from `days_until`'s per-day totals.

    ``committed`` is `committed_hours` of the open tickets (None: committed and
    projected are None). The derived tables give the per-day totals of many contracts
    without their entries; a contract's own entries give them through `days_until`.
    """
    return _balance(contract, days, committed, as_of)


def monthly_from_days(contract: Contract, days: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Return `monthly` from `days_until`'s per-day totals."""
    return _monthly(contract, days, as_of)


def _balance(
    contract: Contract,
    days: DayTotals,
    committed_total: float | None,
    as_of: date,
    history: dict[str, np.ndarray] | None = None,
) -> Balance:
    day = midnight(as_of).date()
    if contract.model not in BALANCE_MODELS:
        return Balance(as_of=day, model=contract.model)
    if history is None:
        history = history_columns(contract, days, as_of)
    ooc = outside_from(contract, days)
    current = np.flatnonzero(history["status"] == "current")
    if not len(current):
        return Balance(as_of=day, model=contract.model, out_of_carnet=ooc)
    row = {name: values[current[0]] for name, values in history.items()}
    start, end = pd.Timestamp(row["start"]).date(), pd.Timestamp(row["end"]).date()
    purchased, carried = float(row["purchased_days"]), float(row["carried_over_days"])
    remaining = float(row["remaining_days"])
    available = purchased + carried
    committed = None if committed_total is None else committed_total / contract.hours_per_day
    burn = _burn(contract, days, as_of)
    exhausted = remaining <= EPS
    forecast = early = late = None
    if exhausted:
        forecast = early = late = _crossing_day(contract, days, start, end, available)
    elif burn.rate_days_per_month is not None and burn.rate_days_per_month > EPS:
        forecast = exhaustion_day(day, remaining, burn.rate_days_per_month)
        early = exhaustion_day(day, remaining, burn.max_days_per_month)
        late = exhaustion_day(day, remaining, burn.min_days_per_month)
    days_left = (end - day).days
    unused = None
    if burn.rate_days_per_month is not None:
        months_left = days_left / AVERAGE_MONTH_DAYS
        unused = max(0.0, remaining - burn.rate_days_per_month * months_left)
    return Balance(
        as_of=day,
        model=contract.model,
        carnet_index=int(row["carnet_index"]),
        carnet_start=start,
        expiry_date=end,
        purchased_days=purchased,
        carried_over_days=carried,
        consumed_days=float(row["consumed_days"]),
        remaining_days=remaining,
        committed_days=committed,
        projected_days=None if committed is None else remaining - committed,
        spent_hours=float(row["spent_hours"]),
        deducted_hours=float(row["deducted_hours"]),
        absorbed_hours=float(row["absorbed_hours"]),
        burn=burn,
        burn_rate_days_per_month=burn.rate_days_per_month,
        forecast_exhaustion_date=forecast,
        forecast_early=early,
        forecast_late=late,
        exhausted=exhausted,
        exhausts_before_end=exhausted or (forecast is not None and forecast <= end),
        likely_unused_days=unused,
        low_balance=remaining < contract.alert_days,
        days_left_in_carnet=days_left,
        out_of_carnet=ooc,
    )


@dataclass(frozen=True)
class Consumption:
    """A contract's consumption figures on one as-of date."""

    balance: Balance
    carnets: pd.DataFrame  # carnet_history
    monthly: pd.DataFrame
    burn_up: pd.DataFrame


def consumption_figures(
    contract: Contract,
    deducted: pd.DataFrame,
    commitments: pd.DataFrame | None,
    as_of: date,
) -> Consumption:
    """Return `balance`, `carnet_history`, `monthly` and `burn_up` in one pass.

    The same figures as the four functions, computed from one cut of the entries and
    one carnet history instead of four of each.
    """
    days = days_until(deducted, as_of)
    current = _balance(contract, days, committed_hours(commitments), as_of)
    return Consumption(
        balance=current,
        carnets=history_from(contract, days, as_of),
        monthly=_monthly(contract, days, as_of),
        burn_up=_burn_up(contract, days, current, as_of),
    )


def balance_figures(
    contract: Contract,
    deducted: pd.DataFrame,
    commitments: pd.DataFrame | None,
    as_of: date,
) -> tuple[Balance, pd.DataFrame]:
    """Return `balance` and `carnet_history` alone: what a summary of the contract needs.

    `consumption_figures` without the monthly table and the burn-up, which the report
    and the portfolio never read (`burn_up_from` and `monthly` give them on demand).
    """
    days = days_until(deducted, as_of)
    current = _balance(contract, days, committed_hours(commitments), as_of)
    return current, history_from(contract, days, as_of)


def burn_up_from(
    contract: Contract, deducted: pd.DataFrame, current: Balance, as_of: date
) -> pd.DataFrame:
    """`burn_up` from the balance already computed on ``as_of`` (no second balance)."""
    return _burn_up(contract, days_until(deducted, as_of), current, as_of)


def contract_burn(contract: Contract, deducted: pd.DataFrame, as_of: date) -> Burn:
    """Return the contract's burn rate on ``as_of`` (see `tma_metrics.domain.carnet.forecast`)."""
    return _burn(contract, days_until(deducted, as_of), as_of)


def _burn(contract: Contract, days: DayTotals, as_of: date) -> Burn:
    starts = [c.start for c in contract.carnets if contract.model in BALANCE_MODELS]
    dates = np.asarray(days["date"])
    if len(dates):
        starts.append(pd.Timestamp(dates.min()).date())
    return burn_rate(
        dates,
        np.asarray(days["deducted_hours"]) / contract.hours_per_day,
        as_of,
        min(starts) if starts else None,
    )


def monthly(contract: Contract, deducted: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Return the figures of each calendar month up to as_of's month (included).

    Months run from the earlier of the first entry and the first carnet start, with
    zero months filled. Columns: ``month`` (first day), ``spent_hours``,
    ``deducted_hours``, ``absorbed_hours``, ``deducted_days``, ``management_hours``,
    ``management_share`` (NaN when nothing was deducted), ``management_flag``,
    ``allowance_days``, ``overrun_days``, ``unused_days`` (subscription only, else NaN),
    ``partial`` (the month of as_of, unless as_of is its last day).
    """
    return _monthly(contract, days_until(deducted, as_of), as_of)


def _monthly(contract: Contract, days: pd.DataFrame, as_of: date) -> pd.DataFrame:
    day = midnight(as_of)
    day_months = days["date"].to_numpy("datetime64[M]")
    starts = [np.datetime64(c.start, "M") for c in contract.carnets]
    if len(days):
        starts.append(day_months.min())
    last = np.datetime64(day.date(), "M")
    months = np.arange(min(starts), last + 1) if starts else np.array([], "datetime64[M]")
    position = (day_months - months[0]).astype("int64") if len(months) else np.zeros(0, int)

    def total(weights: np.ndarray) -> np.ndarray:
        return np.bincount(position, weights=weights, minlength=len(months))

    spent = total(days["hours"].to_numpy())
    deducted_hours = total(days["deducted_hours"].to_numpy())
    management = total(days["management_hours"].to_numpy())
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(deducted_hours > EPS, management / deducted_hours, np.nan)
    gap = np.abs(share - contract.management_share_target)
    deducted_days = deducted_hours / contract.hours_per_day
    allowance = np.full(len(months), np.nan)
    if contract.model == "subscription" and contract.monthly_days is not None:
        allowance[:] = contract.monthly_days
    month_end = day + pd.offsets.MonthEnd(0)
    return pd.DataFrame(
        {
            "month": months.astype("datetime64[us]"),
            "spent_hours": spent,
            "deducted_hours": deducted_hours,
            "absorbed_hours": spent - deducted_hours,
            "deducted_days": deducted_days,
            "management_hours": management,
            "management_share": share,
            "management_flag": np.nan_to_num(gap, nan=0.0) > MANAGEMENT_TOLERANCE + EPS,
            "allowance_days": allowance,
            "overrun_days": np.maximum(0.0, deducted_days - allowance),
            "unused_days": np.maximum(0.0, allowance - deducted_days),
            "partial": (months == last) & (day != month_end),
        }
    )


def burn_up(contract: Contract, deducted: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Return the current carnet's burn-up chart data, one row per day.

    Days run from the carnet's start to its expiry, extended to the forecast exhaustion
    (latest of the range) when that falls later, by at most one year. Columns: ``date``,
    ``consumed_days`` (cumulative, up to as_of), ``available_days`` (purchased + carried
    over, up to expiry), ``forecast_days``, ``forecast_early_days`` and
    ``forecast_late_days`` (from as_of to exhaustion at the burn rate and at the highest
    and lowest monthly burn). Empty when no carnet is valid on as_of.
    """
    days = days_until(deducted, as_of)
    return _burn_up(contract, days, _balance(contract, days, None, as_of), as_of)


def _burn_up(contract: Contract, days: pd.DataFrame, current: Balance, as_of: date) -> pd.DataFrame:
    """`burn_up` from `days_until` and the current balance (commitments play no part)."""
    columns = [
        "date",
        "consumed_days",
        "available_days",
        "forecast_days",
        "forecast_early_days",
        "forecast_late_days",
    ]
    if current.carnet_start is None:
        return pd.DataFrame({name: [] for name in columns}).astype(
            {"date": "datetime64[us]"} | {name: "float64" for name in columns[1:]}
        )
    start, end, day = midnight(current.carnet_start), midnight(current.expiry_date), midnight(as_of)
    later = [midnight(d) for d in (current.forecast_exhaustion_date, current.forecast_late) if d]
    horizon = min(max([end, *later]), end + pd.Timedelta(days=366))
    calendar = pd.date_range(start, horizon, freq="D", unit="us")
    inside = days[(days["date"] >= start) & (days["date"] <= end)]
    daily = inside.groupby("date")["deducted_hours"].sum().reindex(calendar, fill_value=0.0)
    consumed = daily.cumsum().to_numpy() / contract.hours_per_day
    consumed[calendar > day] = np.nan
    available = (current.purchased_days or 0.0) + (current.carried_over_days or 0.0)
    burn = current.burn or NO_BURN
    done = current.consumed_days or 0.0

    def line(rate: float | None) -> np.ndarray:
        return forecast_line(calendar, day.date(), done, rate, available)

    return pd.DataFrame(
        {
            "date": calendar,
            "consumed_days": consumed,
            "available_days": np.where(calendar <= end, available, np.nan),
            "forecast_days": line(burn.rate_days_per_month),
            "forecast_early_days": line(burn.max_days_per_month),
            "forecast_late_days": line(burn.min_days_per_month),
        }
    )


def _crossing_day(
    contract: Contract, days: DayTotals, start: date, end: date, available: float
) -> date:
    """Return the first day the carnet's cumulative consumption reached ``available``."""
    if available <= EPS:
        return start
    dates = np.asarray(days["date"]).astype("datetime64[D]")
    inside = (dates >= np.datetime64(start)) & (dates <= np.datetime64(end))
    daily = pd.Series(np.asarray(days["deducted_hours"])[inside], index=dates[inside])
    daily = daily.groupby(level=0).sum().sort_index()
    reached = daily.cumsum() / contract.hours_per_day >= available - EPS
    # remaining <= 0 guarantees a crossing; the fallback only guards rounding.
    return pd.Timestamp(reached.idxmax()).date() if reached.any() else end
