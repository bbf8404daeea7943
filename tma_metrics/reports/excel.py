"""Excel workbook export: one formatted sheet per table, safe to open, ready to compute.

Rules (for the README):

- numbers stay numbers and dates stay dates, with French display formats: Excel stores
  number formats US-style (``#,##0.0 "j"``) and shows them in the reader's locale
  (``1 234,5 j`` in French Excel); percentages are fractions shown ``93 %``;
- the format of a cell comes, in order, from ``row_formats`` (one per row: a column of
  key figures in different units), from ``column_formats``, from its unit in the KPI
  catalog (`tma_metrics.metrics`, found by field name or French header: days
  ``# ##0,0 "j"``, hours ``# ##0,00 "h"``, counts ``# ##0``, percentages ``0 %``,
  ratios ``0,00``, dates ``jj/mm/aaaa``...), then from its dtype (a datetime column
  whose values are all at midnight is a date);
- ticket keys (unit ``id``) are numbers when every key of the column is one (Redmine,
  Mantis, GLPI ids: they sort and filter as numbers), text otherwise (``PROJ-12``);
- booleans are written ``Oui`` / ``Non`` (the readers are managers, not formulas),
  missing values (NaN, NA, NaT, None) as empty cells, infinities as empty cells,
  tz-aware timestamps in Paris wall-clock time, months (``Period[M]``) as ``mm/yyyy``;
- every sheet has a formatted, frozen header row with filters, and column widths that
  fit the displayed values (capped);
- text that a spreadsheet would run as a formula (see ``formula_guard``) is stored as
  a string with Excel's ``quotePrefix``: it displays unchanged and can never compute;
- the DataFrame index is not written: reset it first if it carries data.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tma_metrics.french import formats as fr
from tma_metrics.reports.columns import Column, Kind, columns_of, normalise
from tma_metrics.reports.formula_guard import formula_like
from tma_metrics.views.tables import FORMAT_OF_UNIT

__all__ = [
    "ABOUT_SHEET",
    "EMPTY_SHEET",
    "FORMAT_CODES",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_SHEET_TITLE",
    "MAX_TEXT",
    "format_code",
    "format_name",
    "sheet_titles",
    "workbook_bytes",
]

#: Named formats accepted in ``column_formats`` (any other string is an Excel code).
FORMAT_CODES: dict[str, str] = {
    "days": '#,##0.0 "j"',
    "hours": '#,##0.00 "h"',
    "days_per_month": '#,##0.0 "j/mois"',
    "minutes": "#,##0",
    "number": "#,##0.00",
    "ratio": "0.00",
    "integer": "#,##0",
    "calendar_days": "#,##0",  # the header says "(jours)": calendar days, not carnet days
    "identifier": "0",  # ticket numbers: no thousands separator
    "percent": "0 %",
    "euro": '#,##0.00 "€"',
    "date": "dd/mm/yyyy",
    "datetime": "dd/mm/yyyy hh:mm",
    "month": "mm/yyyy",
    "duration": "[h]:mm",
    "text": "@",
}
#: Formats whose cells are not numbers: the writer leaves their number format alone.
_NOT_NUMBER_FORMATS = frozenset({"text", "bool", "row", "identifier"})
#: Longest number a ticket key may be to be written as a number (Excel keeps 15 digits).
_MAX_ID_DIGITS = 15
_ID = re.compile(rf"[1-9][0-9]{{0,{_MAX_ID_DIGITS - 1}}}")
_BY_KIND = {
    Kind.NUMBER: "number",
    Kind.INTEGER: "integer",
    Kind.DATE: "date",
    Kind.DATETIME: "datetime",
    Kind.MONTH: "month",
    Kind.DURATION: "duration",
}
#: Content width (characters) of kinds whose width does not depend on the values.
_FIXED_WIDTH = {Kind.DATE: 10, Kind.DATETIME: 16, Kind.MONTH: 7, Kind.DURATION: 7, Kind.BOOL: 3}

ABOUT_SHEET = "À propos"
EMPTY_SHEET = "Aucune donnée"
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
MAX_TEXT = 32_767
MAX_SHEET_TITLE = 31
_BAD_TITLE_CHARS = str.maketrans({"[": "(", "]": ")", ":": "-", "*": "-", "?": "-", "/": "-"})
_HEADER_FONT = Font(name="Calibri", size=11, bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", start_color="1F4E78")
_HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
_NUMERIC_HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center", horizontal="right")
_ILLEGAL = ILLEGAL_CHARACTERS_RE.pattern


def sheet_titles(names: Iterable[str], reserved: Iterable[str] = ()) -> list[str]:
    r"""Turn names into valid, unique Excel sheet titles (≤ 31 characters, no ``[]:*?/\``).

    Uniqueness is case-insensitive, as in Excel; ``reserved`` titles are avoided too.

    >>> sheet_titles(["Tickets 2025/2026", "a" * 40, "A" * 40, "", "'Copil'", "History"])
    ['Tickets 2025-2026', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA (2)', 'Feuille', 'Copil', 'History (Excel)']
    """  # noqa: E501
    taken = {name.casefold() for name in reserved}
    titles = []
    for raw in names:
        base = str(raw).translate(_BAD_TITLE_CHARS).replace("\\", "-")
        base = ILLEGAL_CHARACTERS_RE.sub("", base).strip().strip("'").strip()
        if base.casefold() == "history":  # reserved by Excel
            base = f"{base} (Excel)"
        base = base[:MAX_SHEET_TITLE] or "Feuille"
        title, n = base, 1
        while title.casefold() in taken:
            n += 1
            suffix = f" ({n})"
            title = base[: MAX_SHEET_TITLE - len(suffix)].rstrip() + suffix
        taken.add(title.casefold())
        titles.append(title)
    return titles


def workbook_bytes(
    sheets: Mapping[str, pd.DataFrame],
    *,
    title: str | None = None,
    about: Mapping[str, str] | None = None,
    column_formats: Mapping[str, str] | None = None,
    row_formats: Mapping[str, Mapping[str, Sequence[str | None]]] | None = None,
    generated_at: datetime | None = None,
) -> bytes:
    """Write tables as an ``.xlsx`` workbook, one formatted sheet per table.

    Parameters
    ----------
    sheets
        Sheet name → table, in order. Names are made valid (see :func:`sheet_titles`).
    title
        When given, a first sheet "À propos" holds the title, the generation date,
        the ``about`` lines (e.g. ``{"Contrat": "ACME", "Période": "novembre 2026"}``)
        and the list of sheets.
    column_formats
        Column name → a name of :data:`FORMAT_CODES` or a raw Excel format code
        (US-style: ``#,##0.0``); it overrides the catalog's unit.
    row_formats
        Sheet name (as given) → column name → one format (name or code, None: the
        column's) per row; it overrides ``column_formats`` for those cells.
    generated_at
        The date printed on the "À propos" sheet (now by default).
    """
    frames = list(sheets.values())
    for frame in frames:
        if len(frame) >= MAX_ROWS or len(frame.columns) > MAX_COLUMNS:
            raise ValueError(
                f"Tableau trop grand pour Excel ({fr.number(len(frame), 0)} lignes, "
                f"{fr.number(len(frame.columns), 0)} colonnes) : au plus "
                f"{fr.number(MAX_ROWS - 1, 0)} lignes et {fr.number(MAX_COLUMNS, 0)} colonnes."
            )
    wb = Workbook()
    wb.remove(wb.active)
    reserved = [ABOUT_SHEET] if title is not None else []
    titles = sheet_titles(sheets.keys(), reserved=reserved)
    if title is not None:
        moment = generated_at or datetime.now()
        _write_about(wb.create_sheet(ABOUT_SHEET), title, about or {}, moment, titles, frames)
        wb.properties.title = title
        wb.properties.created = moment
    wb.properties.creator = "TMA Metrics"
    per_row = row_formats or {}
    for name, sheet_title, frame in zip(sheets, titles, frames, strict=True):
        ws = wb.create_sheet(sheet_title)
        _write_table(ws, frame, column_formats or {}, per_row.get(name, {}))
    if not wb.worksheets:
        wb.create_sheet(EMPTY_SHEET)["A1"] = "Aucune donnée à exporter."
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def format_name(column: Column, column_formats: Mapping[str, str]) -> str | None:
    """Return the named format (or raw code) of a column: override, catalog unit, dtype."""
    if column.name in column_formats:
        return column_formats[column.name]
    if column.unit is not None and FORMAT_OF_UNIT[column.unit] not in ("text", "bool", "row"):
        return FORMAT_OF_UNIT[column.unit]
    return _BY_KIND.get(column.kind)


def format_code(column: Column, column_formats: Mapping[str, str]) -> str | None:
    """Return the Excel number format of a column (None: leave Excel's default)."""
    name = format_name(column, column_formats)
    if name == "identifier":
        return FORMAT_CODES[name] if column.kind == Kind.INTEGER else None
    if name is None or name in _NOT_NUMBER_FORMATS:
        return None
    return FORMAT_CODES.get(name, name)


def _write_table(
    ws: Worksheet,
    frame: pd.DataFrame,
    column_formats: Mapping[str, str],
    row_formats: Mapping[str, Sequence[str | None]],
) -> None:
    columns = [_as_identifiers(c, column_formats) for c in columns_of(frame)]
    if not columns:
        ws["A1"] = "Aucune donnée."
        return
    for j, column in enumerate(columns, start=1):
        _put(ws, 1, j, column.name)
    values = [_cell_values(c) for c in columns]
    for row in zip(*values, strict=True):
        ws.append(row)
    n_rows = len(frame)
    widths = []
    for j, column in enumerate(columns, start=1):
        codes = _row_codes(column, column_formats, row_formats.get(column.name), n_rows)
        for i, code in enumerate(codes, start=2):
            if code is not None:
                ws.cell(row=i, column=j).number_format = code
        if column.kind == Kind.TEXT:
            _keep_as_text(ws, j, values[j - 1])
        width = _width(column, values[j - 1], codes)
        ws.column_dimensions[get_column_letter(j)].width = width
        widths.append(width)
    _style_header(ws, columns, widths)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{n_rows + 1}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _as_identifiers(column: Column, column_formats: Mapping[str, str]) -> Column:
    """Turn a text column of ticket keys into numbers when every key is a number."""
    if column.kind != Kind.TEXT or format_name(column, column_formats) != "identifier":
        return column
    keys = column.data.dropna().astype(str)
    if keys.empty or not keys.str.fullmatch(_ID).all():
        return column
    numbers = pd.to_numeric(column.data, errors="coerce").astype("Int64")
    return normalise(column.name, numbers)


def _row_codes(
    column: Column,
    column_formats: Mapping[str, str],
    per_row: Sequence[str | None] | None,
    n_rows: int,
) -> list[str | None]:
    """Return the number format of each cell of a column (one per row)."""
    default = format_code(column, column_formats)
    if per_row is None:
        return [default] * n_rows
    if len(per_row) != n_rows:
        raise ValueError(
            f"Formats de la colonne « {column.name} » : attendu un par ligne ({n_rows}), "
            f"trouvé {len(per_row)}."
        )
    return [FORMAT_CODES.get(name, name) if name else default for name in per_row]


def _cell_values(column: Column) -> list[object]:
    """Return one column as Python values openpyxl writes natively (None = empty)."""
    s = column.data
    if column.kind == Kind.TEXT:
        text = s.str.replace(_ILLEGAL, "", regex=True).str.slice(0, MAX_TEXT)
        return text.astype(object).where(s.notna(), None).tolist()
    if column.kind == Kind.BOOL:
        out = np.where(s.fillna(False).to_numpy(dtype=bool), "Oui", "Non").astype(object)
        out[s.isna().to_numpy()] = None
        return out.tolist()
    if column.kind in (Kind.DATE, Kind.DATETIME, Kind.MONTH):
        out = np.array(s.dt.to_pydatetime(), dtype=object)
        out[s.isna().to_numpy()] = None
        return out.tolist()
    if column.kind == Kind.DURATION:
        s = s / pd.Timedelta(days=1)  # Excel durations are fractions of a day
    return s.astype(object).where(s.notna(), None).tolist()


def _keep_as_text(ws: Worksheet, j: int, texts: list[object]) -> None:
    """Store formula-like (and error-like) strings of column ``j`` as plain text."""
    series = pd.Series(texts, dtype=object)
    risky = formula_like(series) | series.isin(ERROR_CODES).to_numpy()
    for i in np.flatnonzero(risky):
        _as_text(ws.cell(row=int(i) + 2, column=j))


def _as_text(cell: Cell) -> None:
    cell.data_type = "s"  # openpyxl bound "=..." as a formula, "#N/A" as an error
    cell.quotePrefix = True  # Excel keeps it text even when the cell is edited


def _width(column: Column, values: list[object], codes: list[str | None]) -> float:
    """Return a column's width in characters: its longest displayed value, or its header."""
    if column.kind in _FIXED_WIDTH:
        content = _FIXED_WIDTH[column.kind]
    elif column.kind == Kind.TEXT:
        lengths = pd.Series(values, dtype=object).str.len()
        content = int(lengths.max()) if lengths.notna().any() else 0
    else:
        numbers = pd.Series(values, dtype=object)
        shown = [
            _shown_length(float(v), code)
            for v, code in zip(numbers, codes, strict=True)
            if v is not None
        ]
        content = max(shown, default=0)
    header = min(len(column.name), 24)  # longer headers wrap
    return float(min(max(content, header, 6), 60) + 2)


def _shown_length(value: float, code: str | None) -> int:
    """Return the length of a number as a format code displays it (close enough)."""
    code = code or "General"
    decimals = len(code.split(".", 1)[1].split('"')[0].rstrip(" %")) if "." in code else 0
    if code.endswith("%"):
        value *= 100
    text = f"{value:,.{decimals}f}" if "," in code else f"{value:.{decimals}f}"
    if code == "General":
        text = f"{value:g}"
    suffix = re.findall(r'"([^"]*)"', code)
    return len(text) + sum(len(s) + 1 for s in suffix) + (2 if code.endswith("%") else 0)


def _style_header(ws: Worksheet, columns: list[Column], widths: list[float]) -> None:
    lines = 1
    for j, (column, width) in enumerate(zip(columns, widths, strict=True), start=1):
        cell = ws.cell(row=1, column=j)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        numeric = column.kind in (Kind.NUMBER, Kind.INTEGER, Kind.DURATION)
        cell.alignment = _NUMERIC_HEADER_ALIGNMENT if numeric else _HEADER_ALIGNMENT
        lines = max(lines, math.ceil(len(column.name) / max(width - 2, 1)))
    ws.row_dimensions[1].height = 15 * min(lines, 4) + 3


def _write_about(
    ws: Worksheet,
    title: str,
    about: Mapping[str, str],
    moment: datetime,
    titles: list[str],
    frames: list[pd.DataFrame],
) -> None:
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 70
    _put(ws, 1, 1, title).font = Font(bold=True, size=14)
    _put(ws, 3, 1, "Généré le").font = Font(bold=True)
    generated = ws.cell(row=3, column=2, value=moment.replace(tzinfo=None, microsecond=0))
    generated.number_format = FORMAT_CODES["datetime"]
    generated.alignment = Alignment(horizontal="left")
    row = 4
    for label, value in about.items():
        _put(ws, row, 1, label).font = Font(bold=True)
        _put(ws, row, 2, value)
        row += 1
    row += 1
    _put(ws, row, 1, "Feuilles").font = Font(bold=True)
    for sheet_title, frame in zip(titles, frames, strict=True):
        row += 1
        _put(ws, row, 1, sheet_title)
        _put(ws, row, 2, f"{fr.number(len(frame), 0)} ligne{'s' if len(frame) > 1 else ''}")
    row += 2
    _put(
        ws,
        row,
        1,
        "Les textes qui commencent par =, +, - ou @ sont conservés comme du texte : "
        "ils ne sont jamais calculés comme des formules.",
    ).alignment = Alignment(wrap_text=False)


def _put(ws: Worksheet, row: int, column: int, text: object) -> Cell:
    """Write a text cell that can never become a formula."""
    clean = re.sub(_ILLEGAL, "", str(text))[:MAX_TEXT]
    cell = ws.cell(row=row, column=column, value=clean)
    cell.data_type = "s"
    if formula_like(pd.Series([clean], dtype=object)).any():
        cell.quotePrefix = True
    return cell
