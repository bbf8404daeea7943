"""The optional « Carnet » sheet of a workbook: days purchased, start date, hours per day.

The canonical template (`template.py`) carries one; a client's own tracking workbook may
too. The sheet holds label / value rows (« Jours achetés » | 40); the labels are matched
without case or accents, in French or English. The workbook is read by `workbook.read_sheets`,
with the same limits as an import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tma_metrics.domain.contracts.model import normalise_label
from tma_metrics.domain.model import ImportFormatError
from tma_metrics.french.parsing import french_day, french_number
from tma_metrics.sources.payload import load_payload
from tma_metrics.sources.workbook import read_sheets

__all__ = [
    "MAX_ROWS",
    "SETTING_LABELS",
    "SHEET_NAMES",
    "CarnetSettings",
    "positive_number",
    "read_carnet_settings",
]

#: Names the sheet may have (compared without case or accents).
SHEET_NAMES = ("carnet", "contrat", "contract")
#: Accepted labels of each setting (compared without case, accents or a final colon).
SETTING_LABELS = {
    "days": ("jours achetes", "jours commandes", "nombre de jours", "days purchased", "days"),
    "start": ("date de debut", "debut", "debut du carnet", "start", "start date"),
    "hours_per_day": ("heures par jour", "heures / jour", "hours per day", "hours_per_day"),
}
#: Rows of the sheet looked at: the settings are at its top.
MAX_ROWS = 50


@dataclass(frozen=True)
class CarnetSettings:
    """What a balance needs besides the time entries (None: not given)."""

    days: float | None = None
    start: date | None = None
    hours_per_day: float | None = None

    def or_else(self, other: CarnetSettings) -> CarnetSettings:
        """Return these settings with the missing ones taken from ``other``."""
        return CarnetSettings(
            days=self.days if self.days is not None else other.days,
            start=self.start if self.start is not None else other.start,
            hours_per_day=self.hours_per_day
            if self.hours_per_day is not None
            else other.hours_per_day,
        )


def read_carnet_settings(data: bytes, file_name: str) -> CarnetSettings:
    """Return the settings of the workbook's « Carnet » sheet; empty ones without it.

    A CSV, a workbook without such a sheet, an unreadable file or value give empty
    settings: the visitor then types them.
    """
    try:
        payload = load_payload(data, file_name)
        if payload.kind not in ("zip", "ole"):
            return CarnetSettings()
        _, sheets = read_sheets(payload)
    except ImportFormatError:
        return CarnetSettings()
    sheet = next((s for s in sheets if normalise_label(s.name) in SHEET_NAMES), None)
    if sheet is None:
        return CarnetSettings()
    found: dict[str, object] = {}
    for row in sheet.cells[:MAX_ROWS]:
        if len(row) < 2 or not isinstance(row[0], str):
            continue
        label = normalise_label(row[0]).rstrip(" :")
        for key, aliases in SETTING_LABELS.items():
            if label in aliases and key not in found:
                found[key] = row[1]
    hours = positive_number(found.get("hours_per_day"))
    return CarnetSettings(
        days=positive_number(found.get("days")),
        start=french_day(found.get("start")),
        hours_per_day=hours if hours is not None and hours <= 24 else None,
    )


def positive_number(value: object) -> float | None:
    """Return a cell (a number, or a text such as ``12,5``) as a positive number, or None.

    >>> positive_number("1 234,5"), positive_number(8), positive_number("-3")
    (1234.5, 8.0, None)
    """
    number = french_number(value)
    return number if number is not None and number > 0 else None
