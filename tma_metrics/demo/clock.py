"""Business-time arithmetic the generator uses to place SLA events (vectorised).

The demo needs realistic timestamps: a response "within 2 business hours" of a ticket
opened on Friday at 17:30 lands on Monday at 10:30. Timestamps are numpy
``datetime64[m]`` arrays; the calendar is Monday–Friday 09:00–13:00 and 14:00–18:00
without French public holidays, the default calendar of DOMAIN.md.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays as holidays_lib
import numpy as np

__all__ = ["DAY", "DEFAULT_WINDOWS", "MINUTE", "BusinessClock", "french_holidays", "working_days"]

MINUTE = np.timedelta64(1, "m")
DAY = np.timedelta64(1, "D")
DEFAULT_WINDOWS = ((9 * 60, 13 * 60), (14 * 60, 18 * 60))


@lru_cache(maxsize=16)
def french_holidays(first: date, last: date) -> tuple[date, ...]:
    """Return French public holidays between ``first`` and ``last`` (inclusive).

    >>> french_holidays(date(2026, 11, 1), date(2026, 11, 30))
    (datetime.date(2026, 11, 1), datetime.date(2026, 11, 11))
    """
    calendar = holidays_lib.country_holidays("FR", years=range(first.year, last.year + 1))
    return tuple(sorted(d for d in calendar if first <= d <= last))


def working_days(first: date, last: date) -> np.ndarray:
    """Return the working days (``datetime64[D]``) between ``first`` and ``last``.

    >>> working_days(date(2026, 11, 9), date(2026, 11, 13)).astype(str).tolist()
    ['2026-11-09', '2026-11-10', '2026-11-12', '2026-11-13']
    """
    days = np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + DAY)
    closed = np.array(french_holidays(first, last), dtype="datetime64[D]")
    return days[np.is_busday(days, holidays=closed)]


class BusinessClock:
    """Add business minutes to timestamps on the default French calendar.

    >>> clock = BusinessClock(date(2026, 11, 1), date(2026, 12, 31))
    >>> str(clock.add(np.array(["2026-11-10T17:30"], "datetime64[m]"), np.array([120]))[0])
    '2026-11-12T10:30'
    """

    def __init__(self, first: date, last: date) -> None:
        days = working_days(first, last).astype("datetime64[m]")
        opens = np.array([w[0] for w in DEFAULT_WINDOWS]) * MINUTE
        closes = np.array([w[1] for w in DEFAULT_WINDOWS]) * MINUTE
        self.starts = (days[:, None] + opens).ravel()
        self.ends = (days[:, None] + closes).ravel()
        lengths = (self.ends - self.starts) / MINUTE
        self.cum_end = np.cumsum(lengths)
        self.cum = self.cum_end - lengths

    def position(self, at: np.ndarray) -> np.ndarray:
        """Return business minutes elapsed since the calendar's start at each timestamp."""
        i = np.minimum(np.searchsorted(self.ends, at, side="right"), len(self.ends) - 1)
        inside = np.clip((at - self.starts[i]) / MINUTE, 0, self.cum_end[i] - self.cum[i])
        return self.cum[i] + inside

    def at(self, position: np.ndarray) -> np.ndarray:
        """Return the timestamp reached after ``position`` business minutes."""
        j = np.minimum(np.searchsorted(self.cum_end, position, side="left"), len(self.ends) - 1)
        offset = np.rint(position - self.cum[j]).astype("int64")
        return self.starts[j] + offset * MINUTE

    def add(self, at: np.ndarray, minutes: np.ndarray) -> np.ndarray:
        """Return ``at`` plus ``minutes`` business minutes (a ticket opened at night counts
        from the next opening)."""
        return self.at(self.position(at) + np.asarray(minutes, dtype=float))
