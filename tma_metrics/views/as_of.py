"""The as-of date the pages open on, and the month a Bilan opens on.

Rules (for the README):

- **End of the data.** The latest dated fact of the contracts in view: a time entry's
  day, a ticket's creation, resolution or closing (never an upload time).
- **Default as-of date.** Today when the data is current (it ends at most
  `FRESH_DAYS` days before today: exports are usually taken weekly), else the end of
  the data, so that a page never opens on weeks without data (0 tickets in, « Décompté
  0,0 j », an exhaustion forecast that moves with no new data).
- **Stale notice.** A page whose as-of date is more than `FRESH_DAYS` days after the
  end of the data says so (« Données jusqu'au 20/11/2026 »).
- **Bilan month.** The last complete month at the as-of date: the as-of date's month
  when it is its last day, else the month before.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from tma_metrics.french import formats as fr

__all__ = [
    "FRESH_DAYS",
    "TICKET_DATES",
    "data_end",
    "data_notice",
    "default_as_of",
    "is_current",
    "last_complete_month",
    "month_as_of",
    "months_until",
    "stale_warning",
]

#: Data that ends at most this many days before today is current (weekly exports).
FRESH_DAYS = 7
#: Ticket events that date the data (each one a real event, never a bound made up).
TICKET_DATES = ("created_at", "resolved_at", "closed_at")


def data_end(tickets: pd.DataFrame, entries: pd.DataFrame) -> date | None:
    """Return the day of the latest time entry or ticket event (None without data)."""
    found = [entries["date"].max()] if "date" in entries and len(entries) else []
    found += [tickets[c].max() for c in TICKET_DATES if c in tickets and len(tickets)]
    known = [pd.Timestamp(v) for v in found if pd.notna(v)]
    return max(known).date() if known else None


def is_current(end: date | None, today: date) -> bool:
    """True when data ending on ``end`` is recent enough to be read at ``today``.

    >>> is_current(date(2026, 11, 30), date(2026, 12, 7)), is_current(None, date(2026, 12, 7))
    (True, False)
    """
    return end is not None and end >= today - timedelta(days=FRESH_DAYS)


def default_as_of(end: date | None, today: date) -> date:
    """Return today when the data is current (or absent), else the end of the data.

    >>> default_as_of(date(2026, 11, 20), date(2026, 12, 7))
    datetime.date(2026, 11, 20)
    >>> default_as_of(date(2026, 12, 4), date(2026, 12, 7)), default_as_of(None, date(2026, 12, 7))
    (datetime.date(2026, 12, 7), datetime.date(2026, 12, 7))
    """
    if end is None or is_current(end, today) or end > today:
        return today
    return end


def data_notice(end: date | None) -> str:
    """Return the sidebar's notice: « Données jusqu'au 20/11/2026 »."""
    return "Aucune donnée importée" if end is None else f"Données jusqu'au {fr.day(end)}"


def stale_warning(end: date | None, as_of: date) -> str | None:
    """Return a warning when ``as_of`` is well past the end of the data, else None."""
    if end is None or as_of <= end + timedelta(days=FRESH_DAYS):
        return None
    gap = (as_of - end).days
    return (
        f"Données jusqu'au {fr.day(end)} : au {fr.day(as_of)}, les {gap} derniers jours "
        "ne comptent aucune activité (ni temps passé, ni demande). Importez des exports "
        f"plus récents, ou choisissez un arrêté au {fr.day(end)} au plus tard."
    )


def last_complete_month(as_of: date) -> date:
    """Return the first day of the last month complete at ``as_of``.

    >>> last_complete_month(date(2026, 11, 20)), last_complete_month(date(2026, 11, 30))
    (datetime.date(2026, 10, 1), datetime.date(2026, 11, 1))
    """
    if (as_of + timedelta(days=1)).month != as_of.month:
        return as_of.replace(day=1)
    return (as_of.replace(day=1) - timedelta(days=1)).replace(day=1)


def months_until(as_of: date, count: int = 12) -> list[date]:
    """Return the first days of the ``count`` months up to ``as_of``'s, newest first.

    >>> [m.month for m in months_until(date(2026, 2, 10), 3)]
    [2, 1, 12]
    """
    months = [as_of.replace(day=1)]
    for _ in range(count - 1):
        months.append((months[-1] - timedelta(days=1)).replace(day=1))
    return months


def month_as_of(month: date, as_of: date) -> date:
    """Return the day a Bilan of ``month`` is drawn up at: its last day, or ``as_of``.

    >>> month_as_of(date(2026, 10, 1), date(2026, 11, 20))
    datetime.date(2026, 10, 31)
    >>> month_as_of(date(2026, 11, 1), date(2026, 11, 20))
    datetime.date(2026, 11, 20)
    """
    last = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return min(last, as_of)
