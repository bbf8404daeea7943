"""The Solde rapide's Excel file, built in memory: no byte of the visitor's figures on disk.

openpyxl writes each sheet to a temporary file (``/tmp/openpyxl.*``) before zipping it;
XlsxWriter's ``in_memory`` mode assembles the whole file in memory. Cells are typed:
numbers with display formats Excel shows the French way (``20,0 j``), dates as dates,
texts as texts (formula-like ones with a quote prefix, so they never compute).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import pandas as pd
import xlsxwriter

from tma_metrics.figures.contract_figures import ContractFigures
from tma_metrics.metrics import kpi
from tma_metrics.reports.formula_guard import formula_like

__all__ = [
    "BALANCE_COLUMNS",
    "DAY",
    "DAYS",
    "DAYS_PER_MONTH",
    "HOURS",
    "MONTH",
    "MONTHLY_COLUMNS",
    "OPTIONS",
    "quick_balance_workbook",
]

#: Excel number formats (stored US-style; Excel and LibreOffice show them in the
#: reader's locale: ``1 234,5 j`` in French).
DAYS = '#,##0.0 "j"'
HOURS = '#,##0.0 "h"'
DAYS_PER_MONTH = '#,##0.0 "j/mois"'
DAY = "dd/mm/yyyy"
MONTH = "mmmm yyyy"
#: XlsxWriter turns no text into a formula, a number or a link by itself.
OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}

_Value = Callable[[str, ContractFigures], Any]
#: The « Solde » sheet: (header, cell format or None for text, value of one carnet).
BALANCE_COLUMNS: tuple[tuple[str, str | None, _Value], ...] = (
    ("Projet", None, lambda label, f: label),
    (kpi("purchased_days").label, DAYS, lambda label, f: f.balance.purchased_days),
    ("Début du carnet", DAY, lambda label, f: f.contract.carnets[0].start),
    ("Fin du carnet", DAY, lambda label, f: f.balance.expiry_date),
    ("Heures par jour", HOURS, lambda label, f: f.contract.hours_per_day),
    (kpi("deducted_hours").label, HOURS, lambda label, f: f.balance.deducted_hours),
    (kpi("consumed_days").label, DAYS, lambda label, f: f.balance.consumed_days),
    (kpi("remaining_days").label, DAYS, lambda label, f: f.balance.remaining_days),
    (
        kpi("burn_rate_days_per_month").label,
        DAYS_PER_MONTH,
        lambda label, f: f.balance.burn_rate_days_per_month,
    ),
    (
        kpi("forecast_exhaustion_date").label,
        DAY,
        lambda label, f: f.balance.forecast_exhaustion_date,
    ),
    ("Arrêté au", DAY, lambda label, f: f.balance.as_of),
)
#: The « Par mois » sheet: (header, cell format or None for text, column of `monthly`).
MONTHLY_COLUMNS = (
    ("Projet", None, ""),
    ("Mois", MONTH, "month"),
    ("Heures décomptées", HOURS, "deducted_hours"),
    ("Jours décomptés", DAYS, "deducted_days"),
)


def quick_balance_workbook(carnets: Mapping[str, ContractFigures]) -> bytes:
    """Return the ``.xlsx`` of the confirmed carnets (label → figures), built in memory."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, OPTIONS)
    styles = _Styles(book)
    balance_rows = [
        [value(label, f) for _, _, value in BALANCE_COLUMNS] for label, f in carnets.items()
    ]
    _sheet(book, styles, "Solde", [(h, fmt) for h, fmt, _ in BALANCE_COLUMNS], balance_rows)
    monthly_rows = []
    for label, figures in carnets.items():
        monthly = figures.monthly
        for row in monthly[[c for _, _, c in MONTHLY_COLUMNS[1:]]].itertuples(index=False):
            monthly_rows.append([label, *row])
    _sheet(book, styles, "Par mois", [(h, fmt) for h, fmt, _ in MONTHLY_COLUMNS], monthly_rows)
    book.close()
    return out.getvalue()


class _Styles:
    """The workbook's cell formats, created once each."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.book = book
        self.header = book.add_format(
            {"bold": True, "bg_color": "#1F4E79", "font_color": "#FFFFFF"}
        )
        self.quoted = book.add_format({"quote_prefix": True})
        self._numbers: dict[str, Any] = {}

    def number(self, code: str) -> Any:
        if code not in self._numbers:
            self._numbers[code] = self.book.add_format({"num_format": code})
        return self._numbers[code]


def _sheet(
    book: xlsxwriter.Workbook,
    styles: _Styles,
    name: str,
    columns: list[tuple[str, str | None]],
    rows: list[list[Any]],
) -> None:
    sheet = book.add_worksheet(name)
    for col, (header, _) in enumerate(columns):
        sheet.write_string(0, col, header, styles.header)
        sheet.set_column(col, col, max(14, len(header) + 2))
    for r, values in enumerate(rows, start=1):
        for col, ((_, code), value) in enumerate(zip(columns, values, strict=True)):
            _cell(sheet, styles, r, col, value, code)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)


def _cell(sheet: Any, styles: _Styles, row: int, col: int, value: Any, code: str | None) -> None:
    """Write one typed cell; a missing value stays an empty cell."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return
    if code is None:
        text = str(value)
        guard = formula_like(pd.Series([text]))[0]
        sheet.write_string(row, col, text, styles.quoted if guard else None)
    elif code in (DAY, MONTH):
        day = value.date() if isinstance(value, pd.Timestamp) else value
        sheet.write_datetime(row, col, day if isinstance(day, date) else None, styles.number(code))
    else:
        sheet.write_number(row, col, float(value), styles.number(code))
