"""Burn rate and exhaustion forecast of a prepaid balance (DOMAIN.md §1).

Pure arithmetic on dated deducted days; `consumption` feeds it a contract's entries.

Rules:

- **Burn window.** The last 3 full calendar months *before* as_of's month (as_of's own
  month is never full: later entries may still be logged). A month of the window is
  usable only if it starts on or after the start of the history (the first carnet's
  start or the first entry, whichever is earlier), so a contract started mid-month does
  not count its first month as a full one, nor the months before it as zero months.
- **Fewer than 3 usable months.** The burn is the mean of the usable ones (1 or 2).
  With none (history younger than one full month), the pace since the history start,
  prorated: deducted days / elapsed calendar days × 30.4375. No history, or as_of
  before it: no burn (None).
- **Range.** The lowest and highest monthly burn of the window (both equal to the
  burn in the prorated case).
- **Month length.** 30.4375 days (365.25 / 12) to turn a monthly pace into days.
- **Exhaustion day.** The first day whose end-of-day cumulative consumption reaches
  the balance: ``as_of + ceil(remaining / burn × 30.4375)`` days (at least 1 day).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

__all__ = [
    "AVERAGE_MONTH_DAYS",
    "BURN_WINDOW_MONTHS",
    "NO_BURN",
    "Burn",
    "burn_rate",
    "exhaustion_day",
    "forecast_line",
]

AVERAGE_MONTH_DAYS = 365.25 / 12
BURN_WINDOW_MONTHS = 3
_EPS = 1e-9


@dataclass(frozen=True)
class Burn:
    """Deducted days per month and the months they were measured over."""

    rate_days_per_month: float | None
    min_days_per_month: float | None
    max_days_per_month: float | None
    months: int  # full months averaged; 0: prorated since the history start (or none)
    window_start: date | None
    window_end: date | None
    monthly_days: tuple[float, ...] = field(default=())  # per month of the window


NO_BURN = Burn(None, None, None, 0, None, None)


def burn_rate(
    dates: pd.Series | np.ndarray,
    deducted_days: pd.Series | np.ndarray,
    as_of: date,
    history_start: date | None,
) -> Burn:
    """Return the burn rate on ``as_of`` from deducted days dated ``dates``.

    >>> dates = pd.Series(pd.to_datetime(["2026-01-10", "2026-02-10", "2026-03-10"]))
    >>> burn = burn_rate(dates, pd.Series([2.0, 4.0, 6.0]), date(2026, 4, 15), date(2026, 1, 1))
    >>> burn.rate_days_per_month, burn.min_days_per_month, burn.max_days_per_month
    (4.0, 2.0, 6.0)
    """
    if history_start is None:
        return NO_BURN
    day = pd.Timestamp(as_of).normalize()
    start = pd.Timestamp(history_start).normalize()
    if start > day:
        return NO_BURN
    days = np.asarray(deducted_days, dtype="float64")
    entry_days = _days(dates)
    last = np.datetime64(day.date(), "M") - 1  # the month before as_of's
    window = np.arange(last - (BURN_WINDOW_MONTHS - 1), last + 1)
    window = window[window.astype("datetime64[D]") >= np.datetime64(start.date(), "D")]
    if len(window):
        offset = entry_days.astype("datetime64[M]") - window[0]
        inside = (offset >= 0) & (offset < len(window))
        values = np.bincount(
            offset[inside].astype("int64"), weights=days[inside], minlength=len(window)
        )
        return Burn(
            rate_days_per_month=float(values.mean()),
            min_days_per_month=float(values.min()),
            max_days_per_month=float(values.max()),
            months=len(window),
            window_start=window[0].astype("datetime64[D]").item(),
            window_end=((window[-1] + 1).astype("datetime64[D]") - 1).item(),
            monthly_days=tuple(float(v) for v in values),
        )
    elapsed_days = (day - start).days + 1
    in_span = (entry_days >= np.datetime64(start.date())) & (
        entry_days <= np.datetime64(day.date())
    )
    rate = float(days[in_span].sum()) / elapsed_days * AVERAGE_MONTH_DAYS
    return Burn(rate, rate, rate, 0, start.date(), day.date())


def _days(dates: pd.Series | np.ndarray) -> np.ndarray:
    """Return ``dates`` as datetime64[D] (datetime arrays as they are, text parsed)."""
    values = np.asarray(dates)
    if values.dtype.kind == "M":
        return values.astype("datetime64[D]")
    return pd.to_datetime(pd.Series(dates)).to_numpy("datetime64[D]")


def exhaustion_day(as_of: date, remaining_days: float, rate: float | None) -> date | None:
    """Return the day a balance of ``remaining_days`` runs out at ``rate`` days a month.

    >>> exhaustion_day(date(2026, 1, 1), 10.0, 10.0)  # one average month: 30.4375 days
    datetime.date(2026, 2, 1)
    """
    if rate is None or rate <= _EPS:
        return None
    elapsed = max(1, math.ceil(remaining_days / rate * AVERAGE_MONTH_DAYS - _EPS))
    return as_of + timedelta(days=elapsed)


def forecast_line(
    days: pd.DatetimeIndex,
    as_of: date,
    consumed_days: float,
    rate: float | None,
    available_days: float,
) -> np.ndarray:
    """Return projected cumulative consumption per day, from ``as_of`` to exhaustion.

    NaN before ``as_of`` and after the first day reaching ``available_days`` (that day
    shows exactly ``available_days``); all NaN without a positive rate.
    """
    line = np.full(len(days), np.nan)
    if rate is None or rate <= _EPS or consumed_days >= available_days - _EPS:
        return line
    elapsed = ((days - pd.Timestamp(as_of).normalize()) / pd.Timedelta(days=1)).to_numpy()
    line = consumed_days + rate * elapsed / AVERAGE_MONTH_DAYS
    line[elapsed < 0] = np.nan
    reached = np.flatnonzero(line >= available_days - _EPS)
    if len(reached):
        line[reached[0]] = available_days
        line[reached[0] + 1 :] = np.nan
    return line
