"""French display formats: ``1 234,5 j``, ``7,25 h``, ``93 %``, ``22/11/2026``.

Pure functions used by pages, texts and exports so every screen writes numbers the
same way. Missing values print as an em dash.
"""

from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd

__all__ = [
    "MISSING",
    "MONTHS_FR",
    "MONTHS_FR_SHORT",
    "NBSP",
    "THIN",
    "WEEKDAYS_FR",
    "day",
    "days",
    "hours",
    "long_day",
    "minutes_as_duration",
    "month",
    "number",
    "percent",
    "timestamp",
]

#: Narrow no-break space: the French thousands separator.
THIN = "\u202f"
#: No-break space between a number and its unit.
NBSP = "\u00a0"
MISSING = "—"

MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
MONTHS_FR_SHORT = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)
WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def number(value: float | None, decimals: int = 1, *, signed: bool = False) -> str:
    """Format a number the French way.

    >>> number(1234.5), number(-0.25, 2), number(3, 0), number(2.5, signed=True)
    ('1\u202f234,5', '-0,25', '3', '+2,5')
    """
    if _missing(value):
        return MISSING
    value = float(value)
    if value == 0:
        value = 0.0  # no "-0,0"
    text = f"{value:+,.{decimals}f}" if signed else f"{value:,.{decimals}f}"
    return text.replace(",", THIN).replace(".", ",")


def days(value: float | None, decimals: int = 1, *, signed: bool = False) -> str:
    """Format days: ``12,5 j``."""
    return _unit(number(value, decimals, signed=signed), "j")


def hours(value: float | None, decimals: int = 1, *, signed: bool = False) -> str:
    """Format hours: ``7,5 h``."""
    return _unit(number(value, decimals, signed=signed), "h")


def percent(fraction: float | None, decimals: int = 0) -> str:
    """Format a fraction as a percentage: ``0.934`` → ``93 %``."""
    if _missing(fraction):
        return MISSING
    return _unit(number(100 * float(fraction), decimals), "%")


def minutes_as_duration(minutes: float | None) -> str:
    """Format business minutes as ``2 h 05`` (or ``45 min``); negative values keep a sign.

    >>> minutes_as_duration(125), minutes_as_duration(45), minutes_as_duration(-30)
    ('2 h 05', '45 min', '-30 min')
    """
    if _missing(minutes):
        return MISSING
    sign = "-" if minutes < 0 else ""
    total = round(abs(float(minutes)))
    h, m = divmod(total, 60)
    return f"{sign}{h} h {m:02d}" if h else f"{sign}{m} min"


def day(value: date | datetime | pd.Timestamp | None) -> str:
    """Format a date: ``22/11/2026``."""
    if _missing(value):
        return MISSING
    return f"{pd.Timestamp(value):%d/%m/%Y}"


def timestamp(value: datetime | pd.Timestamp | None) -> str:
    """Format a timestamp: ``22/11/2026 09:31``."""
    if _missing(value):
        return MISSING
    return f"{pd.Timestamp(value):%d/%m/%Y %H:%M}"


def month(value: date | pd.Timestamp | pd.Period | None, *, short: bool = False) -> str:
    """Format a month: ``novembre 2026`` (or ``nov. 2026``)."""
    if _missing(value):
        return MISSING
    ts = value.to_timestamp() if isinstance(value, pd.Period) else pd.Timestamp(value)
    names = MONTHS_FR_SHORT if short else MONTHS_FR
    return f"{names[ts.month - 1]} {ts.year}"


def long_day(value: date | pd.Timestamp | None) -> str:
    """Format a date in words: ``vendredi 20 novembre 2026``."""
    if _missing(value):
        return MISSING
    ts = pd.Timestamp(value)
    return f"{WEEKDAYS_FR[ts.weekday()]} {ts.day} {MONTHS_FR[ts.month - 1]} {ts.year}"


def _unit(text: str, unit: str) -> str:
    return text if text == MISSING else f"{text}{NBSP}{unit}"
