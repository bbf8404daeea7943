"""Write the generated spreadsheet timesheet: one sheet, canonical columns, typed cells.

A subcontracting team logs its time in a workbook rather than in Redmine: columns
``date`` (a real date cell), ``person``, ``hours`` (a number), ``ticket`` (the Redmine
number), ``project``, ``activity``, ``comment``: the canonical time-entry layout the
importer recognises. XlsxWriter writes it in constant-memory mode when it is installed
(it is not a dependency of the project: only this generator uses it), else openpyxl's
write-only mode; the reader sees the same cells either way.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np

from bench import vocab
from bench.dataset import Data
from bench.writers import project_names

HEADER = ("date", "person", "hours", "ticket", "project", "activity", "comment")
SHEET = "Temps passé"
#: Excel's day 0 (1899-12-30) in days since 1970-01-01.
EXCEL_EPOCH_DAYS = -25_569
#: Fixed document date, so that the same data gives the same workbook.
CREATED = datetime(2026, 11, 20, 18, 0)


def sheet_rows(data: Data) -> tuple[np.ndarray, list[list[object]]]:
    """Return the Excel serial day of each row and the other cells, newest first."""
    s = data.sheet
    order = np.argsort(-s["day"], kind="stable")
    projects = {
        (i, p): name
        for i in range(len(data.contracts["index"]))
        for p, name in enumerate(project_names(data, i))
    }
    people = data.people
    keys = data.tickets["key"]
    columns = [
        [people[p] for p in s["person"][order]],
        s["hours"][order].tolist(),
        [str(keys[t]) for t in s["ticket"][order]],
        [projects[(c, p)] for c, p in zip(s["contract"][order], s["project"][order], strict=True)],
        [vocab.ACTIVITIES[a] for a in s["activity"][order]],
        [vocab.COMMENTS[c] or None for c in s["comment"][order]],
    ]
    serial = (s["day"][order] - EXCEL_EPOCH_DAYS).astype(float)
    return serial, [list(row) for row in zip(*columns, strict=True)]


def write_timesheet(data: Data, path: Path) -> tuple[Path, str]:
    """Write the timesheet workbook; return its path and the library that wrote it."""
    serial, rows = sheet_rows(data)
    try:
        import xlsxwriter
    except ImportError:
        return _openpyxl(path, serial, rows), "openpyxl (write-only)"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    book.set_properties({"created": CREATED, "author": "TMA Metrics bench"})
    sheet = book.add_worksheet(SHEET)
    day_format = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, HEADER)
    for r, (day, row) in enumerate(zip(serial.tolist(), rows, strict=True), start=1):
        sheet.write_number(r, 0, day, day_format)
        sheet.write_row(r, 1, row)
    book.close()
    return path, f"XlsxWriter {xlsxwriter.__version__} (constant_memory)"


def _openpyxl(path: Path, serial: np.ndarray, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    book.properties.created = CREATED
    sheet = book.create_sheet(SHEET)
    sheet.append(list(HEADER))
    for day, row in zip(serial.tolist(), rows, strict=True):
        cell = WriteOnlyCell(sheet, value=day)
        cell.number_format = "DD/MM/YYYY"
        sheet.append([cell, *row])
    book.save(path)
    return path
