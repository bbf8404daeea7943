"""Business calendar: open minutes between two instants and SLA deadlines (pure, vectorised).

The calendar keeps, for a span of whole years covering its inputs (extended on demand),
the cumulative open minutes before each day. With ``F(t) = cum[day(t)] +
open_minutes_of_day_before(t)``, the business minutes between ``a`` and ``b`` are
``F(b) - F(a)`` and a deadline is the inverse of ``F``: a ``searchsorted`` on ``cum``,
then the in-day inverse over the day's windows. No loop runs per ticket or per day.

Timestamps are naive local wall-clock times, as the tools export them.
"""

from __future__ import annotations

import threading
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Literal

import holidays as holidays_lib
import numpy as np
import pandas as pd

from tma_metrics.domain.contracts.model import CalendarSpec
from tma_metrics.errors import InputError

__all__ = [
    "BusinessCalendar",
    "CalendarError",
    "calendar_for",
    "holiday_dates",
]

_US_PER_MINUTE = 60_000_000
_US_PER_DAY = 86_400_000_000
_MINUTES_PER_DAY = 24 * 60
_EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday; Monday = 0
_MAX_EXTENSION_YEARS = 200  # a deadline further than this means a calendar with no open day

Errors = Literal["raise", "nan"]


class CalendarError(InputError):
    """Bad input to a business-time computation; the message (French) says what and where."""


def holiday_dates(code: str | None, years: Sequence[int]) -> list[date]:
    """Return the public holidays of ``code`` ("FR", "FR-57", None) for ``years``, sorted.

    "FR-<subdivision>" selects a subdivision of the ``holidays`` package: "FR-57" (Moselle)
    and "FR-6AE" (Alsace) add Good Friday and 26 December.

    >>> [d.isoformat() for d in holiday_dates("FR-57", [2026]) if d.month in (4, 12)]
    ['2026-04-03', '2026-04-06', '2026-12-25', '2026-12-26']
    """
    if code is None:
        return []
    country, _, subdiv = code.partition("-")
    if country.upper() != "FR":
        raise CalendarError(f"Jours fériés « {code} » inconnus : attendu « FR » ou « FR-57 ».")
    try:
        table = holidays_lib.France(subdiv=subdiv or None, years=list(years))
    except NotImplementedError:
        raise CalendarError(
            f"Jours fériés « {code} » inconnus : subdivision « {subdiv} » absente du paquet "
            "holidays (ex. « FR-57 » pour la Moselle, « FR-6AE » pour l'Alsace)."
        ) from None
    return sorted(table)


@dataclass(frozen=True)
class _Shift:
    """Open days of a span on which the wall clock jumps (daylight saving), as arrays.

    On day ``index`` (position in the span) the wall-clock minutes ``[a, b)`` either do
    not exist (``gap``: spring forward) or occur twice (autumn back). ``overlap`` is the
    open window minutes inside ``[a, b)``; ``before_a`` / ``before_b`` the open minutes of
    the day before ``a`` / ``b`` on the wall clock. A naive time inside a repeated hour is
    read as its first occurrence (summer time, Python's ``fold=0``): the repeated open
    minutes are counted at ``b``. A time inside a gap is the instant at ``b``.
    """

    of_day: np.ndarray  # int, per day of the span: the shift's number, -1 for none
    a: np.ndarray
    b: np.ndarray
    gap: np.ndarray  # bool
    overlap: np.ndarray
    before_a: np.ndarray
    before_b: np.ndarray


@dataclass(frozen=True)
class _Table:
    """Open days and cumulative open minutes over a span of whole days."""

    first_day: int  # days since 1970-01-01 of the span's first day
    open_day: np.ndarray  # bool, one per day of the span
    cum: np.ndarray  # float, len(open_day) + 1: open minutes before each day
    #: Daylight-saving changes on open days whose windows they cut (see `_Shift`); empty
    #: without a time zone, or when no window covers the changed hour.
    shifts: _Shift | None = None

    @property
    def open_positions(self) -> np.ndarray:
        """Positions of the open days in the span (computed once per table)."""
        found = self.__dict__.get("_open_positions")
        if found is None:
            found = np.flatnonzero(self.open_day)
            object.__setattr__(self, "_open_positions", found)
        return found

    @property
    def last_day(self) -> int:
        """Day number of the span's last day."""
        return self.first_day + len(self.open_day) - 1


class BusinessCalendar:
    """Business time of a `CalendarSpec`: elapsed open minutes and deadlines.

    Without ``timezone`` every day lasts 24 h of wall clock. With one (the contract's,
    "Europe/Paris"), the daylight-saving changes count real minutes: a 24/7 calendar
    has 1 380 minutes on the last Sunday of March and 1 500 on the last Sunday of
    October (windows that do not cover 02:00-03:00 are not affected).

    >>> cal = BusinessCalendar(CalendarSpec())
    >>> cal.business_minutes("2026-11-20 17:30", "2026-11-23 09:45")  # Friday -> Monday
    75.0
    >>> cal.deadline("2026-11-21 03:00", 120)  # Saturday night + 2h
    Timestamp('2026-11-23 11:00:00')
    """

    def __init__(self, spec: CalendarSpec, timezone: str | None = None) -> None:
        _check_spec(spec)
        self.spec = spec
        self.timezone = timezone
        if timezone is not None:
            try:
                zoneinfo.ZoneInfo(timezone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise CalendarError(
                    f"Fuseau horaire inconnu « {timezone} » : attendu un nom IANA comme "
                    "Europe/Paris."
                ) from None
        self._win_start = np.array([s for s, _ in spec.windows], dtype=float)
        self._win_end = np.array([e for _, e in spec.windows], dtype=float)
        lengths = self._win_end - self._win_start
        self._win_cum_end = np.cumsum(lengths)  # open minutes of a day at each window's end
        self._win_cum_start = self._win_cum_end - lengths
        self._day_minutes = float(self._win_cum_end[-1])
        self._closed = np.array(
            [np.datetime64(d, "D").astype(np.int64) for d in spec.closed], dtype=np.int64
        )
        self._table: _Table | None = None
        self._lock = threading.Lock()  # one calendar is shared by Streamlit's session threads

    @property
    def day_minutes(self) -> float:
        """Business minutes in one open day: what ``1j`` means for this calendar."""
        return self._day_minutes

    # ----------------------------------------------------------------- vectorised API

    def minutes_between(self, start: Any, end: Any, *, errors: Errors = "raise") -> np.ndarray:
        """Return the business minutes from ``start`` to ``end``, elementwise (float).

        NaN where either side is NaT. ``end < start`` raises `CalendarError` (naming how
        many and the first case), or gives NaN with ``errors="nan"``.

        >>> cal = BusinessCalendar(CalendarSpec())
        >>> cal.minutes_between(["2026-11-10 12:00"], ["2026-11-12 10:00"])  # 11/11 closed
        array([360.])
        """
        if errors not in ("raise", "nan"):
            raise CalendarError(f"errors={errors!r} : attendu « raise » ou « nan ».")
        start_us, end_us = np.broadcast_arrays(_to_us(start), _to_us(end))
        valid = (start_us != _NAT) & (end_us != _NAT)
        backwards = valid & (end_us < start_us)
        if backwards.any():
            if errors == "raise":
                first = int(np.flatnonzero(backwards)[0])
                raise CalendarError(
                    f"{int(backwards.sum())} intervalle(s) se terminent avant leur début "
                    f"(premier cas : début {_fmt(start_us[first])}, fin {_fmt(end_us[first])})."
                )
            valid &= ~backwards
        out = np.full(start_us.shape, np.nan)
        if valid.any():
            table = self._cover(start_us[valid], end_us[valid])
            out[valid] = self._f(table, end_us[valid]) - self._f(table, start_us[valid])
        return out

    def add_minutes(self, start: Any, minutes: Any) -> np.ndarray:
        """Return the deadline: the earliest instant ``minutes`` business minutes after ``start``.

        The clock of a ticket opened outside the windows starts at the next opening;
        ``minutes == 0`` gives ``start`` itself. NaT where ``start`` is NaT or ``minutes``
        is NaN; negative minutes raise `CalendarError`.

        >>> cal = BusinessCalendar(CalendarSpec())
        >>> str(cal.add_minutes(["2026-11-20 17:30"], [30])[0])  # Friday, ends at 18:00
        '2026-11-20T18:00:00.000000'
        >>> str(cal.add_minutes(["2026-11-20 17:30"], [31])[0])  # one minute on Monday
        '2026-11-23T09:01:00.000000'
        """
        start_us, minutes_arr = np.broadcast_arrays(
            _to_us(start), np.asarray(minutes, dtype=float).reshape(-1)
        )
        valid = (start_us != _NAT) & ~np.isnan(minutes_arr)
        if (minutes_arr[valid] < 0).any():
            raise CalendarError(
                f"{int((minutes_arr[valid] < 0).sum())} durée(s) négative(s) : un délai se "
                "compte en minutes ouvrées positives."
            )
        out = np.full(start_us.shape, _NAT, dtype=np.int64)
        if valid.any():
            s, m = start_us[valid], minutes_arr[valid]
            table = self._cover(s)
            out[valid] = self._deadline(table, s, self._f(table, s), m)
        return out.astype("datetime64[us]")

    def elapsed_and_deadline(
        self, start: np.ndarray, end: np.ndarray, minutes: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return ``minutes_between(start, end)`` and ``add_minutes(start, minutes)`` at once.

        The same values, for datetime64 arrays of one length; the open minutes before each
        start are counted once for both.

        >>> cal = BusinessCalendar(CalendarSpec())
        >>> start = np.array(["2026-11-20 17:30"], dtype="datetime64[us]")
        >>> end = np.array(["2026-11-23 09:45"], dtype="datetime64[us]")
        >>> elapsed, deadline = cal.elapsed_and_deadline(start, end, np.array([31.0]))
        >>> float(elapsed[0]), str(deadline[0])
        (75.0, '2026-11-23T09:01:00.000000')
        """
        start_us, end_us = _to_us(start), _to_us(end)
        minutes = np.asarray(minutes, dtype=float)
        if (
            not len(start_us)
            or not (start_us.shape == end_us.shape == minutes.shape)
            or (start_us == _NAT).any()
            or (end_us == _NAT).any()
            or (end_us < start_us).any()
            or (minutes < 0).any()
        ):
            return self.minutes_between(start, end), self.add_minutes(start, minutes)
        table = self._cover(start_us, end_us)
        f_start = self._f(table, start_us)
        elapsed = self._f(table, end_us) - f_start
        valid = ~np.isnan(minutes)
        if valid.all():
            deadline = self._deadline(table, start_us, f_start, minutes)
        else:
            deadline = np.full(start_us.shape, _NAT, dtype=np.int64)
            if valid.any():
                deadline[valid] = self._deadline(
                    table, start_us[valid], f_start[valid], minutes[valid]
                )
        return elapsed, deadline.view("datetime64[us]")

    def is_open_day(self, dates: Any) -> np.ndarray:
        """Say, elementwise, whether each date is a working day (False for NaT).

        >>> BusinessCalendar(CalendarSpec()).is_open_day(["2026-11-11", "2026-11-12"])
        array([False,  True])
        """
        us = _to_us(dates)
        valid = us != _NAT
        out = np.zeros(us.shape, dtype=bool)
        if valid.any():
            table = self._cover(us[valid])
            out[valid] = table.open_day[us[valid] // _US_PER_DAY - table.first_day]
        return out

    # ----------------------------------------------------------------- scalar API

    def business_minutes(self, start: Any, end: Any) -> float:
        """Return the business minutes between two instants (datetime, Timestamp or text).

        >>> cal = BusinessCalendar(CalendarSpec())
        >>> cal.business_minutes("2026-11-23 12:00", "2026-11-23 15:00")  # lunch excluded
        120.0
        """
        return float(self.minutes_between([start], [end])[0])

    def deadline(self, start: Any, minutes: float) -> pd.Timestamp:
        """Return the earliest instant ``minutes`` business minutes after ``start``.

        >>> BusinessCalendar(CalendarSpec()).deadline("2026-11-23 12:30", 60)
        Timestamp('2026-11-23 14:30:00')
        """
        return pd.Timestamp(self.add_minutes([start], [minutes])[0])

    # ----------------------------------------------------------------- internals

    def _f(self, table: _Table, us: np.ndarray) -> np.ndarray:
        """Open minutes from the start of the table's span to each instant."""
        day, in_us = np.divmod(us, _US_PER_DAY)
        index = day - table.first_day
        minute_of_day = in_us / _US_PER_MINUTE
        # in_day = sum over windows of clip(minute_of_day - start, 0, end - start), without
        # temporaries; the first window writes it, the others add to it.
        windows = zip(self._win_start, self._win_end, strict=True)
        start, end = next(windows)
        in_day = np.subtract(minute_of_day, start)
        np.maximum(in_day, 0.0, out=in_day)
        np.minimum(in_day, end - start, out=in_day)
        part = np.empty(us.shape) if len(self._win_start) > 1 else in_day
        for start, end in windows:
            np.subtract(minute_of_day, start, out=part)
            np.maximum(part, 0.0, out=part)
            np.minimum(part, end - start, out=part)
            in_day += part
        in_day *= table.open_day[index]  # a closed day has no open minute
        if table.shifts is not None:
            self._shift_in_day(table.shifts, index, minute_of_day, in_day)
        return table.cum[index] + in_day

    def _wall(self, minute_of_day: np.ndarray) -> np.ndarray:
        """Open minutes of an (open) day before each wall-clock minute of the day."""
        total = np.zeros(np.shape(minute_of_day))
        for start, end in zip(self._win_start, self._win_end, strict=True):
            total += np.clip(minute_of_day - start, 0.0, end - start)
        return total

    def _shift_in_day(
        self, shifts: _Shift, index: np.ndarray, minute: np.ndarray, in_day: np.ndarray
    ) -> None:
        """Correct, in place, the open minutes of instants on daylight-saving days."""
        k = shifts.of_day[index]
        rows = np.flatnonzero(k >= 0)
        if not len(rows):
            return
        k, m = k[rows], minute[rows]
        a, b, gap = shifts.a[k], shifts.b[k], shifts.gap[k]
        # Gap: the open minutes between a and the instant (at most b) never happened.
        lost = self._wall(np.clip(m, a, b)) - shifts.before_a[k]
        # Repeated hour: its open minutes count twice once the instant reaches b.
        extra = np.where(m >= b, shifts.overlap[k], 0.0)
        in_day[rows] += np.where(gap, -lost, extra)

    def _in_day_inverse(self, rest: np.ndarray) -> np.ndarray:
        """Return the minute of the day by which ``rest`` open minutes (> 0) have passed.

        The window is the first whose cumulative end reaches ``rest``: counting the
        window ends below it (the last window takes the rest) is a `np.searchsorted` on
        a few values, without the search.
        """
        if len(self._win_start) == 1:
            return self._win_start[0] + (rest - self._win_cum_start[0])
        window = np.zeros(rest.shape, dtype=np.intp)
        for edge in self._win_cum_end[:-1]:
            window += rest > edge
        return self._win_start[window] + (rest - self._win_cum_start[window])

    def _deadline(self, table: _Table, s: np.ndarray, f_s: np.ndarray, m: np.ndarray) -> np.ndarray:
        """Return `add_minutes`' deadlines (int64 µs) from ``s``, given F(s) = ``f_s``."""
        target = f_s + m
        table, target = self._cover_minutes(table, target)
        # First day whose end-of-day cumulative reaches the target: always an open day
        # with target - cum[day] in (0, day_minutes] when m > 0 (cum is non-decreasing).
        day = self._first_day_reaching(table, target)
        rest = target - table.cum[day]
        minute = self._in_day_inverse(rest)
        if table.shifts is not None:
            self._shift_inverse(table.shifts, day, rest, minute)
        result = (table.first_day + day) * _US_PER_DAY + np.rint(minute * _US_PER_MINUTE)
        result = np.maximum(result.astype(np.int64), s)
        return np.where(m == 0, s, result)

    def _shift_inverse(
        self, shifts: _Shift, day: np.ndarray, rest: np.ndarray, minute: np.ndarray
    ) -> None:
        """Correct, in place, the in-day inverse on daylight-saving days (`_shift_in_day`)."""
        k = shifts.of_day[day]
        rows = np.flatnonzero(k >= 0)
        if not len(rows):
            return
        k, r = k[rows], rest[rows]
        a, b, overlap = shifts.a[k], shifts.b[k], shifts.overlap[k]
        # Gap: past a, the wall clock shows the lost minutes on top; an instant inside the
        # gap is shown as b (the same instant).
        on_gap = self._in_day_inverse(np.where(r > shifts.before_a[k], r + overlap, r))
        on_gap = np.where((on_gap >= a) & (on_gap < b), b, on_gap)
        # Repeated hour: up to b as usual; the repeated minutes are reached at b.
        later = np.maximum(self._in_day_inverse(np.maximum(r - overlap, 0.0)), b)
        on_fold = np.where(r <= shifts.before_b[k], minute[rows], later)
        minute[rows] = np.where(shifts.gap[k], on_gap, on_fold)

    def _first_day_reaching(self, table: _Table, target: np.ndarray) -> np.ndarray:
        """Return, per target, the first day whose end-of-day cumulative reaches it.

        ``np.searchsorted(table.cum[1:], target)`` without the search: every open day
        adds exactly ``day_minutes`` (whole minutes, so the sums are exact), hence the
        day is the open day of rank ``ceil(target / day_minutes) - 1``; one comparison
        each way corrects the division's rounding. Targets are positive and covered.
        Daylight-saving days that change a day's open minutes need the search itself.
        """
        if table.shifts is not None:
            return np.searchsorted(table.cum[1:], target, side="left")
        open_days = table.open_positions
        step = self._day_minutes
        rank = np.maximum(np.ceil(target / step) - 1, 0).astype(np.int64)
        rank += (rank + 1) * step < target
        rank -= (rank >= 1) & (rank * step >= target)
        return open_days[np.minimum(rank, len(open_days) - 1)]

    def _cover(self, *arrays: np.ndarray) -> _Table:
        """Return a table whose span covers every instant of ``arrays`` (no NaT inside)."""
        low = min(int(a.min()) for a in arrays) // _US_PER_DAY
        high = max(int(a.max()) for a in arrays) // _US_PER_DAY
        return self._cover_years(_year_of(low), _year_of(high))

    def _cover_years(self, first_year: int, last_year: int) -> _Table:
        """Return a table spanning at least whole years ``first_year``..``last_year``."""
        with self._lock:
            table = self._table
            if table is not None:
                if _year_of(table.first_day) <= first_year and last_year <= _year_of(
                    table.last_day
                ):
                    return table
                first_year = min(first_year, _year_of(table.first_day))
                last_year = max(last_year, _year_of(table.last_day))
            self._table = self._build(first_year, last_year)
            return self._table

    def _cover_minutes(self, table: _Table, target: np.ndarray) -> tuple[_Table, np.ndarray]:
        """Extend the span forward until it holds ``target`` open minutes; rebase ``target``."""
        while table.cum[-1] < target.max():
            missing_days = (target.max() - table.cum[-1]) / self._day_minutes
            extra_years = int(missing_days / (len(self.spec.weekdays) * 52 * 0.9)) + 1
            first_year = _year_of(table.first_day)
            last_year = _year_of(table.last_day) + extra_years
            if last_year - first_year > _MAX_EXTENSION_YEARS:
                raise CalendarError(
                    "Délai impossible à atteindre : le calendrier n'a presque aucun jour ouvré."
                )
            wider = self._cover_years(first_year, last_year)
            # F is counted from the span's first day: rebase if the span grew backwards.
            target = target + wider.cum[table.first_day - wider.first_day]
            table = wider
        return table, target

    def _build(self, first_year: int, last_year: int) -> _Table:
        """Compute open days and cumulative open minutes for whole years (vectorised)."""
        first, stop = _first_day_of(first_year), _first_day_of(last_year + 1)
        days = np.arange(first, stop, dtype=np.int64)
        weekday = (days + _EPOCH_WEEKDAY) % 7
        open_day = np.isin(weekday, np.array(self.spec.weekdays, dtype=np.int64))
        public = holiday_dates(self.spec.holidays, range(first_year, last_year + 1))
        if public:
            public_days = np.array([np.datetime64(d, "D") for d in public]).astype(np.int64)
            open_day &= ~np.isin(days, public_days)
        if self._closed.size:
            open_day &= ~np.isin(days, self._closed)
        minutes = open_day * self._day_minutes
        shifts = self._shifts(first, open_day, first_year, last_year)
        if shifts is not None:
            at = np.flatnonzero(shifts.of_day >= 0)
            minutes[at] += np.where(shifts.gap, -shifts.overlap, shifts.overlap)
        cum = np.concatenate(([0.0], np.cumsum(minutes)))
        return _Table(first_day=first, open_day=open_day, cum=cum, shifts=shifts)

    def _shifts(
        self, first: int, open_day: np.ndarray, first_year: int, last_year: int
    ) -> _Shift | None:
        """Return the span's daylight-saving changes that cut an open window, if any."""
        if self.timezone is None:
            return None
        changes = _clock_changes(self.timezone, first_year, last_year)
        if not len(changes):
            return None
        day = changes[:, 0].astype(np.int64) - first
        a, b, gap = changes[:, 1], changes[:, 2], changes[:, 3] > 0
        before_a, before_b = self._wall(a), self._wall(b)
        overlap = before_b - before_a
        keep = open_day[day] & (overlap > 0)
        if not keep.any():
            return None
        of_day = np.full(len(open_day), -1, dtype=np.int64)
        of_day[day[keep]] = np.arange(int(keep.sum()))
        return _Shift(
            of_day=of_day,
            a=a[keep],
            b=b[keep],
            gap=gap[keep],
            overlap=overlap[keep],
            before_a=before_a[keep],
            before_b=before_b[keep],
        )


@lru_cache(maxsize=32)
def calendar_for(spec: CalendarSpec, timezone: str | None = None) -> BusinessCalendar:
    """Return the shared `BusinessCalendar` of ``spec`` and ``timezone`` (built once each)."""
    return BusinessCalendar(spec, timezone)


# --------------------------------------------------------------------- helpers

_NAT = np.iinfo(np.int64).min


def _check_spec(spec: CalendarSpec) -> None:
    """Raise `CalendarError` unless the windows are sorted, disjoint and the weekdays valid."""
    if not spec.windows:
        raise CalendarError("Calendrier sans plage horaire : au moins une plage est attendue.")
    previous_end = 0
    for start, end in spec.windows:
        if not (previous_end <= start < end <= _MINUTES_PER_DAY):
            raise CalendarError(
                f"Plage horaire {start}-{end} (minutes) invalide : attendu des plages triées, "
                "sans chevauchement, entre 0 et 1440."
            )
        previous_end = end
    if not spec.weekdays or any(not 0 <= d <= 6 for d in spec.weekdays):
        raise CalendarError(
            f"Jours ouvrés {spec.weekdays!r} invalides : attendu des jours de 0 (lundi) à 6."
        )


def _to_us(values: Any) -> np.ndarray:
    """Return ``values`` as int64 microseconds since 1970 (NaT as the int64 minimum)."""
    if isinstance(values, np.ndarray) and values.ndim == 1 and values.dtype.kind == "M":
        # Fast path for numpy datetimes (naive by construction): NaT is the int64 minimum.
        return values.astype("datetime64[us]").view(np.int64).copy()
    if isinstance(values, pd.Series | pd.Index | list | tuple) or (
        isinstance(values, np.ndarray) and values.ndim > 0
    ):
        index = pd.DatetimeIndex(values)
    else:
        index = pd.DatetimeIndex([values])
    if index.tz is not None:
        raise CalendarError(
            "Horodatages avec fuseau horaire : attendu l'heure locale du contrat, sans fuseau."
        )
    return index.as_unit("us").asi8.copy()


@lru_cache(maxsize=64)
def _clock_changes(timezone: str, first_year: int, last_year: int) -> np.ndarray:
    """Return the wall-clock jumps of ``timezone`` in the years, one row each (float).

    Columns: day number, first and last wall-clock minute of the day's changed hour
    ``[a, b)``, and 1 for a gap (clocks go forward) or 0 for a repeated hour. A jump is
    found between two daily offsets that differ, then to the minute (two a year).

    >>> _clock_changes("Europe/Paris", 2026, 2026).tolist()
    [[20541.0, 120.0, 180.0, 1.0], [20751.0, 120.0, 180.0, 0.0]]
    """
    zone = zoneinfo.ZoneInfo(timezone)
    first, stop = _first_day_of(first_year), _first_day_of(last_year + 1)
    days = np.arange(first, stop + 1).astype("datetime64[D]").astype("datetime64[ns]")
    utc = pd.DatetimeIndex(days).tz_localize("UTC")
    offset = _offsets_minutes(utc, zone)
    rows = []
    for i in np.flatnonzero(np.diff(offset) != 0):  # a few a year, not per ticket
        minutes = utc[i] + pd.to_timedelta(np.arange(24 * 60 + 1), unit="min")
        after = _offsets_minutes(minutes, zone)
        at = int(np.argmax(after != after[0]))
        before, change = int(after[0]), int(after[at] - after[0])
        # The jump's wall-clock minute, on the clock before it.
        day, minute = divmod(utc[i].value // 60_000_000_000 + at + before, _MINUTES_PER_DAY)
        if change > 0:  # wall [minute, minute + change) does not exist
            lo, hi = minute, minute + change
        else:  # wall [minute + change, minute) occurs twice
            lo, hi = minute + change, minute
        rows.append((day, max(lo, 0), min(hi, _MINUTES_PER_DAY), 1.0 if change > 0 else 0.0))
    return np.array(rows, dtype=float).reshape(-1, 4)


def _offsets_minutes(utc: pd.DatetimeIndex, zone: zoneinfo.ZoneInfo) -> np.ndarray:
    """Return the UTC offset of ``zone`` at each instant, in minutes."""
    local = utc.tz_convert(zone).tz_localize(None).as_unit("ns")
    return (local.asi8 - utc.tz_localize(None).as_unit("ns").asi8) // 60_000_000_000


def _first_day_of(year: int) -> int:
    """Return the day number (since 1970-01-01) of 1 January of ``year``."""
    return int(np.datetime64(f"{year:04d}-01-01", "D").astype(np.int64))


def _year_of(day: int) -> int:
    """Return the year of a day number."""
    return int(np.datetime64(day, "D").astype("datetime64[Y]").astype(np.int64)) + 1970


def _fmt(us: int) -> str:
    """Format microseconds since 1970 the French way: 22/11/2026 09:45."""
    return pd.Timestamp(int(us), unit="us").strftime("%d/%m/%Y %H:%M")
