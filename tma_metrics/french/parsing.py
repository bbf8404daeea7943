"""Read what a French user types or writes in a cell: ``12,5``, ``1 234``, ``31/01/2026``."""

from __future__ import annotations

import math
import re
from datetime import date, datetime

__all__ = ["french_day", "french_number"]

_SPACES = re.compile(r"[\s\u202f\u00a0]")
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")
_FRENCH_DAY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def french_number(value: object) -> float | None:
    """Return a number, or a text written the French way, as a finite float (None if not).

    >>> french_number("1 234,5"), french_number("7.5"), french_number(8), french_number("8 h")
    (1234.5, 7.5, 8.0, None)
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        text = _SPACES.sub("", value)
        if not _NUMBER.fullmatch(text):
            return None
        number = float(text.replace(",", "."))
    else:
        return None
    return number if math.isfinite(number) else None


def french_day(value: object) -> date | None:
    """Return a date, or a text ``31/01/2026`` (day first) or ``2026-01-31``, as a date.

    >>> french_day("01/02/2026"), french_day(" 1.2.2026 "), french_day("2026-02-01")
    (datetime.date(2026, 2, 1), datetime.date(2026, 2, 1), datetime.date(2026, 2, 1))
    >>> french_day("31/02/2026"), french_day("02/2026"), french_day("hier")
    (None, None, None)
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if match := _FRENCH_DAY.fullmatch(text):
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        if _ISO_DAY.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        return None
    return None
