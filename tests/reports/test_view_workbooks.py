"""Workbooks people can compute with: every cell of real exports read back with openpyxl.

The Point TMA, Bilan, Copil and portfolio workbooks of four real contracts are opened
again; each cell's type and number format must be those its column's catalog unit
calls for (written here by hand, as French Excel shows them: ``# ##0,0 "j"``,
``0 %``…), ticket keys are numbers where every key is one, and every column shown has
a catalog entry.
"""

from __future__ import annotations

import dataclasses
import io
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from tests.reports.conftest import AS_OF, NAMES
from tma_metrics.metrics import COLUMNS
from tma_metrics.reports.meeting_files import (
    bilan_files,
    copil_files,
    point_files,
    portfolio_files,
)
from tma_metrics.views.bilan import bilan_view
from tma_metrics.views.copil import copil_view
from tma_metrics.views.point import point_view
from tma_metrics.views.portfolio import portfolio_table

#: Catalog unit -> (cell type, Excel number format) of a number cell, by hand.
NUMBER_CELLS = {
    "j": '#,##0.0 "j"',
    "h": '#,##0.00 "h"',
    "%": "0 %",
    "nb": "#,##0",
    "jours": "#,##0",
    "ratio": "0.00",
    "j/mois": '#,##0.0 "j/mois"',
}
DATE_CELLS = {"date": "dd/mm/yyyy", "datetime": "dd/mm/yyyy hh:mm", "month": "mm/yyyy"}
#: The « Unité » words of key-figure sheets and the format of their « Valeur ».
ROW_UNITS = {"jours": "j", "heures": "h", "%": "%", "nombre": "nb", "jours calendaires": "jours"}
BY_HEADER = {c.header: c for c in COLUMNS.values()}


def reports(current, quarter, client: bool):
    """Every report of every contract, client or internal view, as ReportFiles."""
    out = []
    for name in NAMES:
        now, before = current[name]
        out.append((f"point-{name}", point_files(point_view(now, before, client_view=client))))
        month = bilan_view(now, date(2026, 10, 1), client_view=client)
        out.append((f"bilan-{name}", bilan_files(month)))
        out.append((f"copil-{name}", copil_files(copil_view(quarter[name], client_view=client))))
    table = portfolio_table([current[n][0] for n in NAMES], AS_OF)
    out.append(("portefeuille", portfolio_files(table, AS_OF, client_view=client)))
    return out


@pytest.fixture(scope="module")
def books(current, quarter):
    """(report, sheet name, worksheet, the frame it was written from) of every sheet."""
    out = []
    for client in (False, True):
        for name, files in reports(current, quarter, client):
            book = load_workbook(io.BytesIO(files.workbook()))
            for sheet, frame in files.sheets.items():
                out.append(
                    (f"{name}-{'client' if client else 'interne'}", sheet, book[sheet[:31]], frame)
                )
    return out


def cells_of(ws, header: str) -> list:
    headers = [c.value for c in ws[1]]
    j = headers.index(header) + 1
    return [row[0] for row in ws.iter_rows(min_row=2, min_col=j, max_col=j)]


def test_every_column_shown_or_exported_has_a_catalog_entry(books) -> None:
    unknown = {
        (sheet, h) for _, sheet, _, frame in books for h in frame.columns if h not in BY_HEADER
    }
    assert unknown == set()


def test_every_cell_has_its_unit_s_type_and_format(books) -> None:
    wrong = []
    for report, sheet, ws, frame in books:
        units = [BY_HEADER[h].unit for h in frame.columns]
        row_units = [ROW_UNITS.get(w) for w in frame["Unité"]] if "Unité" in frame else None
        for header, unit in zip(frame.columns, units, strict=True):
            for i, cell in enumerate(cells_of(ws, header)):
                if cell.value is None:
                    continue
                if unit == "row":
                    unit_here = row_units[i] if header == "Valeur" else None
                    if unit_here is None:
                        continue  # a date's value is in « Date »; a change's unit varies
                    problem = _number_problem(cell, NUMBER_CELLS[unit_here])
                else:
                    problem = _problem(cell, unit)
                if problem:
                    wrong.append((report, sheet, header, cell.coordinate, cell.value, problem))
    assert wrong[:10] == []


def _number_problem(cell, code: str) -> str:
    if cell.data_type != "n" or isinstance(cell.value, bool):
        return f"type {cell.data_type}"
    return "" if cell.number_format == code else f"format {cell.number_format}"


def _problem(cell, unit: str) -> str:
    if unit in NUMBER_CELLS:
        problem = _number_problem(cell, NUMBER_CELLS[unit])
        if not problem and unit in ("nb", "jours") and cell.value != int(cell.value):
            return "un compte non entier"
        return problem
    if unit in DATE_CELLS:
        if not isinstance(cell.value, datetime) or cell.number_format != DATE_CELLS[unit]:
            return f"pas une date ({cell.number_format})"
        return ""
    if unit == "duration":
        return (
            "" if isinstance(cell.value, timedelta) and cell.number_format == "[h]:mm" else "durée"
        )
    if unit == "bool":
        return "" if cell.value in ("Oui", "Non") else "booléen"
    if unit == "id":
        numeric = isinstance(cell.value, int) and cell.number_format == "0"
        text = cell.data_type == "s" and not str(cell.value).isdigit()
        return "" if numeric or text else f"clé {cell.value!r} ({cell.data_type})"
    return "" if cell.data_type == "s" else f"texte en {cell.data_type}"


def test_numeric_ticket_ids_are_numbers_and_text_keys_stay_text(books) -> None:
    keys = {
        report.split("-")[1]: [c.value for c in cells_of(ws, "Demande")]
        for report, sheet, ws, frame in books
        if report.startswith("point") and sheet == "Demandes entrées" and len(frame)
    }
    assert keys["alpha"] and all(isinstance(k, int) for k in keys["alpha"])  # Redmine
    assert keys["gamma"] and all(isinstance(k, str) and k.startswith("G-") for k in keys["gamma"])


def test_key_figures_are_numbers_in_their_own_unit(books) -> None:
    (ws,) = [
        ws
        for report, sheet, ws, _ in books
        if report == "bilan-gamma-interne" and sheet == "Synthèse"
    ]
    rows = {r[0].value: (r[1].value, r[1].number_format) for r in ws.iter_rows(min_row=2)}
    assert rows["Part gestion de projet"][1] == "0 %" and 0 < rows["Part gestion de projet"][0] < 1
    assert rows["Demandes ouvertes"][1] == "#,##0" and isinstance(rows["Demandes ouvertes"][0], int)
    assert rows["Solde"][1] == '#,##0.0 "j"'


def test_sheets_have_a_frozen_filtered_header_and_fitted_widths(books) -> None:
    for report, sheet, ws, frame in books:
        if not len(frame.columns):
            continue
        assert ws.freeze_panes == "A2", (report, sheet)
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), (report, sheet)
        for j, header in enumerate(frame.columns, start=1):
            width = ws.column_dimensions[ws.cell(row=1, column=j).column_letter].width
            assert 8 <= width <= 62, (report, sheet, header, width)
            assert ws.cell(row=1, column=j).font.bold


def test_text_cells_that_look_like_formulas_stay_text(current) -> None:
    now, before = current["gamma"]
    view = point_view(now, before)
    incoming = view.incoming.copy()
    incoming.loc[incoming.index[:1], "title"] = '=HYPERLINK("http://x")'
    files = point_files(dataclasses.replace(view, incoming=incoming))
    ws = load_workbook(io.BytesIO(files.workbook()))["Demandes entrées"]
    (cell,) = cells_of(ws, "Titre")[:1]
    assert cell.data_type == "s" and cell.quotePrefix
