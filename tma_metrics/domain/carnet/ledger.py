"""Which carnet each deducted hour belongs to, and the carry-over between carnets.

Pure and vectorised (DOMAIN.md §1); `consumption` builds balances on top of it.

- **Effective periods.** Carnets are taken in start order; a renewal that starts before
  the previous carnet's end closes the previous one the day before it starts. A gap
  between two carnets stays a gap.
- **Which carnet.** Each deducted hour belongs to the carnet valid on its entry's date.
  Entries outside every carnet are counted by `out_of_carnet`, never dropped silently.
- **Carry-over.** A renewal carries *all* the previous carnet's balance forward,
  including a deficit: an overrun of carnet n is deducted from carnet n+1 and shows as
  a negative ``carried_over_days``. For a carnet not started yet, the carried-over value
  is the previous carnet's balance as of ``as_of`` (provisional).
- **Status.** ``past`` (effective end before as_of), ``current``, ``future``.
- Only the ``carnet`` model has carnets here; other models get empty tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from tma_metrics.domain.contracts.model import Contract
from tma_metrics.domain.frames import floats, midnight, require

__all__ = [
    "BALANCE_MODELS",
    "HISTORY_COLUMNS",
    "OutOfCarnet",
    "carnet_history",
    "carnet_of",
    "carnet_periods",
    "day_totals",
    "days_until",
    "history_columns",
    "history_from",
    "out_of_carnet",
    "outside_from",
]

#: Contract models that have a prepaid balance.
BALANCE_MODELS = ("carnet",)

HISTORY_COLUMNS = (
    "carnet_index",
    "start",
    "end",
    "declared_end",
    "purchased_days",
    "carried_over_days",
    "consumed_days",
    "remaining_days",
    "spent_hours",
    "deducted_hours",
    "absorbed_hours",
    "entry_count",
    "status",
)


@dataclass(frozen=True)
class OutOfCarnet:
    """Deducted entries (up to as_of) dated outside every carnet."""

    entries: int
    spent_hours: float
    deducted_hours: float
    first_date: date | None
    last_date: date | None


def carnet_periods(contract: Contract) -> pd.DataFrame:
    """Return the carnets with their effective validity (empty unless model is carnet).

    Columns: ``carnet_index``, ``start``, ``end`` (effective), ``declared_end``,
    ``purchased_days``. Computed once per contract (contracts are frozen values); each
    caller gets its own shallow copy.
    """
    return _periods(contract).copy(deep=False)


@lru_cache(maxsize=1024)
def _periods(contract: Contract) -> pd.DataFrame:
    carnets = sorted(contract.carnets, key=lambda c: c.start)
    if contract.model not in BALANCE_MODELS:
        carnets = []
    starts = pd.to_datetime(pd.Series([c.start for c in carnets], dtype="object"))
    declared = pd.to_datetime(pd.Series([c.end for c in carnets], dtype="object"))
    next_start = starts.shift(-1) - pd.Timedelta(days=1)
    end = declared.where(next_start.isna() | (declared <= next_start), next_start)
    return pd.DataFrame(
        {
            "carnet_index": np.arange(len(carnets), dtype="int64"),
            "start": starts.astype("datetime64[us]"),
            "end": end.astype("datetime64[us]"),
            "declared_end": declared.astype("datetime64[us]"),
            "purchased_days": np.array([c.days for c in carnets], dtype="float64"),
        }
    )


#: The columns of `days_until`: what the balances read of the entries, per day.
DAY_COLUMNS = ("date", "hours", "deducted_hours", "management_hours", "entries")
#: Per-day totals: `days_until`'s frame, or its columns as arrays (the derived tables'
#: many contracts skip a frame per contract).
DayTotals = pd.DataFrame | Mapping[str, np.ndarray]


def days_until(deducted: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Return the deducted entries dated on or before ``as_of``, summed per day.

    One row per day with entries, by date: ``date`` (midnight), ``hours``,
    ``deducted_hours``, ``management_hours`` (deducted hours of project management:
    ``ticket_kind`` management, or no ticket, which DOMAIN.md §2.5 calls transverse
    management) and ``entries`` (how many). Balances, burn and monthly figures only
    read these sums, so they are the same whether computed from a contract's entries
    or from the per-day totals kept in the store.
    """
    require(deducted, ("date", "hours", "deducted_hours"), "saisies déduites")
    dates = _days(deducted["date"])
    management = np.zeros(len(deducted), dtype=bool)
    if "ticket_kind" in deducted.columns:
        management |= deducted["ticket_kind"].eq("management").to_numpy(bool, na_value=False)
    if "ticket_uid" in deducted.columns:
        management |= deducted["ticket_uid"].isna().to_numpy()
    keep = dates <= midnight(as_of).to_datetime64().astype(dates.dtype)  # NaT: dropped
    deducted_hours = floats(deducted["deducted_hours"])[keep]
    return day_totals(
        dates[keep],
        floats(deducted["hours"])[keep],
        deducted_hours,
        np.where(management[keep], deducted_hours, 0.0),
    )


def day_totals(
    dates: np.ndarray, hours: np.ndarray, deducted: np.ndarray, management: np.ndarray
) -> pd.DataFrame:
    """Return `days_until`'s frame from per-entry arrays (dates at midnight, none NaT)."""
    days, inverse = np.unique(dates.astype("datetime64[us]"), return_inverse=True)

    def total(weights: np.ndarray) -> np.ndarray:
        return np.bincount(inverse, weights=weights, minlength=len(days))

    return pd.DataFrame(
        {
            "date": days,
            "hours": total(hours),
            "deducted_hours": total(deducted),
            "management_hours": total(management),
            "entries": np.bincount(inverse, minlength=len(days)).astype("int64"),
        }
    )


def _days(values: pd.Series) -> np.ndarray:
    """Return ``values`` as datetime64 at midnight (NaT kept), in their unit if dated."""
    if values.dtype.kind == "M":
        raw = values.to_numpy()
        return raw.astype("datetime64[D]").astype(raw.dtype)
    return pd.to_datetime(values).dt.normalize().to_numpy()


def carnet_of(dates: pd.Series, periods: pd.DataFrame) -> np.ndarray:
    """Return, for each date, the position of the carnet valid on it (-1 when none)."""
    starts = periods["start"].to_numpy()
    ends = periods["end"].to_numpy()
    raw = dates.to_numpy() if isinstance(dates, pd.Series) else np.asarray(dates)
    values = (raw if raw.dtype.kind == "M" else pd.to_datetime(dates).to_numpy()).astype(
        starts.dtype
    )
    index = np.searchsorted(starts, values, side="right") - 1
    valid = (index >= 0) & (values <= ends[np.clip(index, 0, None)] if len(ends) else False)
    return np.where(valid, index, -1)


def carnet_history(contract: Contract, deducted: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Return one row per carnet: purchased, carried over, consumed and remaining days."""
    return history_from(contract, days_until(deducted, as_of), as_of)


def history_from(contract: Contract, days: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Return `carnet_history` from the per-day totals of `days_until`."""
    columns = history_columns(contract, days, as_of)
    columns["status"] = pd.array(columns["status"], dtype="str")
    return pd.DataFrame(columns)  # in HISTORY_COLUMNS' order


def history_columns(contract: Contract, days: DayTotals, as_of: date) -> dict[str, np.ndarray]:
    """Return `history_from`'s columns as arrays (a balance reads one row of them)."""
    periods = _period_arrays(contract)
    index = _carnet_index(_dates(days), periods["start"], periods["end"])
    inside = index >= 0
    n = len(periods["start"])

    def total(name: str) -> np.ndarray:
        values = np.asarray(days[name])
        return np.bincount(index[inside], weights=values[inside], minlength=n)

    spent = total("hours")
    deducted_hours = total("deducted_hours")
    consumed = deducted_hours / contract.hours_per_day
    purchased = periods["purchased_days"]
    remaining = np.cumsum(purchased - consumed)  # all of the balance carries forward
    carried = remaining - (purchased - consumed)
    day = midnight(as_of).to_datetime64()
    status = np.select(
        [periods["end"] < day, periods["start"] > day], ["past", "future"], "current"
    )
    return {
        **{name: periods[name].copy() for name in _PERIOD_COLUMNS},
        "carried_over_days": carried,
        "consumed_days": consumed,
        "remaining_days": remaining,
        "spent_hours": spent,
        "deducted_hours": deducted_hours,
        "absorbed_hours": spent - deducted_hours,
        "entry_count": total("entries").astype("int64"),
        "status": status,
    }


@lru_cache(maxsize=1024)
def _period_arrays(contract: Contract) -> dict[str, np.ndarray]:
    """`carnet_periods`' columns as arrays, once per contract (never written to)."""
    periods = _periods(contract)
    out = {name: periods[name].to_numpy() for name in _PERIOD_COLUMNS}
    for values in out.values():
        values.flags.writeable = False
    return out


def _dates(days: DayTotals) -> np.ndarray:
    """The per-day totals' dates as datetime64[us] (their stored unit)."""
    return np.asarray(days["date"]).astype("datetime64[us]")


def _carnet_index(values: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """`carnet_of` on datetime64 arrays."""
    values = values.astype(starts.dtype)
    index = np.searchsorted(starts, values, side="right") - 1
    valid = (index >= 0) & (values <= ends[np.clip(index, 0, None)] if len(ends) else False)
    return np.where(valid, index, -1)


#: The columns of `carnet_periods`.
_PERIOD_COLUMNS = ("carnet_index", "start", "end", "declared_end", "purchased_days")


def out_of_carnet(contract: Contract, deducted: pd.DataFrame, as_of: date) -> OutOfCarnet:
    """Count the entries (up to as_of) that fall outside every carnet."""
    return outside_from(contract, days_until(deducted, as_of))


def outside_from(contract: Contract, days: DayTotals) -> OutOfCarnet:
    """Return `out_of_carnet` from the per-day totals of `days_until`."""
    periods = _period_arrays(contract)
    dates = _dates(days)
    outside = _carnet_index(dates, periods["start"], periods["end"]) < 0
    dates = dates[outside]
    return OutOfCarnet(
        entries=int(np.asarray(days["entries"])[outside].sum()),
        spent_hours=float(np.nansum(np.asarray(days["hours"])[outside])),
        deducted_hours=float(np.nansum(np.asarray(days["deducted_hours"])[outside])),
        first_date=pd.Timestamp(dates.min()).date() if len(dates) else None,
        last_date=pd.Timestamp(dates.max()).date() if len(dates) else None,
    )
