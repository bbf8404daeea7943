"""Workbooks (.xlsx, .xls, .ods): safety checks, then every sheet as rows of text.

The archive of an .xlsx is checked first (`archive.inspect`: inflated sizes, ratio, the
farthest cell of every sheet) so that python-calamine only opens a workbook it can hold.

Typed cells become the text the SQL parsers read: dates ISO (2026-11-20 17:30:00),
durations h:mm:ss (a ``[h]:mm`` cell of 1 h 30 is 1:30:00), numbers with a dot.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import python_calamine as calamine

from tma_metrics.domain.model import ImportFormatError
from tma_metrics.french import formats as fr
from tma_metrics.sources import archive, limits
from tma_metrics.sources.failures import ParseFailed
from tma_metrics.sources.payload import Payload
from tma_metrics.sources.source import Row, Source, register

__all__ = ["Sheet", "cell_text", "read_sheets"]

#: What python-calamine's errors mean, in French (its own texts are English).
_CALAMINE_ERRORS = (
    ("XmlError", "du XML invalide dans une feuille"),
    ("ZipError", "une archive zip endommagée"),
    ("WorksheetNotFound", "une feuille annoncée mais absente"),
)


@dataclass(frozen=True)
class Sheet:
    """The cells of one sheet from A1 (row i of ``cells`` is spreadsheet row i + 1)."""

    name: str
    cells: list[list[object]]
    #: Row index (0-based) -> French reason, for rows the reader could not convert.
    broken: dict[int, str] = field(default_factory=dict)

    def head(self, limit: int = 40) -> tuple[list[Row], list[int], bool]:
        """Return the first non-blank rows as text, their row numbers, and whether all."""
        rows: list[Row] = []
        lines: list[int] = []
        for number, values in enumerate(self.cells, start=1):
            texts = [cell_text(v) for v in values]
            if any(t.strip() for t in texts):
                if len(rows) == limit:
                    return rows, lines, False
                rows.append(texts)
                lines.append(number)
        return rows, lines, True

    def source(self, con: duckdb.DuckDBPyConnection, header_line: int, header: Row) -> Source:
        """Register the rows below spreadsheet row ``header_line`` as a Source.

        Cells become text column by column (whole typed columns at once through
        pyarrow; only columns mixing types go cell by cell). Blank rows are left out;
        each row keeps its spreadsheet row number.
        """
        width = len(header)
        below = self.cells[header_line:]
        columns: list[Sequence[object]] = []
        if below:
            # calamine's rows all have the sheet's width: numpy transposes them at C speed.
            grid = np.array(below, dtype=object)
            columns = [grid[:, i].tolist() for i in range(min(width, grid.shape[1]))]
        columns += [("",) * len(below)] * (width - len(columns))
        arrays = [_column_text(col) for col in columns]
        lines = pa.array(range(header_line + 1, header_line + 1 + len(below)), type=pa.int64())
        extra = self._broken_columns(header_line, len(below))
        if arrays:
            filled = arrays[0].is_valid()
            for array in [*arrays[1:], *extra.values()]:
                filled = pc.or_(filled, array.is_valid())
            if not pc.all(filled).as_py():
                arrays = [pc.filter(array, filled) for array in arrays]
                extra = {name: pc.filter(array, filled) for name, array in extra.items()}
                lines = pc.filter(lines, filled)
        label = f"feuille « {self.name} »"
        src = register(con, header, arrays, lines, extra=extra or None, label=label)
        src.sheet, src.workbook = self.name, True
        return src

    def _broken_columns(self, header_line: int, count: int) -> dict[str, pa.Array]:
        """Return the ``_malformed`` columns rejecting the rows the reader lost, or {}."""
        if not any(header_line <= i < header_line + count for i in self.broken):
            return {}
        reasons = [self.broken.get(header_line + k) for k in range(count)]
        return {
            "_malformed": pa.array(reasons, type=pa.string()),
            "_malformed_raw": pa.array([None] * count, type=pa.string()),
        }


def read_sheets(payload: Payload) -> tuple[str, list[Sheet]]:
    """Return the workbook kind ("xlsx", "xlsb", "xls", "ods") and its sheets, or refuse it."""
    if payload.kind == "zip":
        with payload.open() as stream:
            kind = archive.inspect(stream, limits.active()).kind
    else:
        kind = _check_ole(payload.read_all())
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(payload.read_all()))
        sheets = []
        for meta in book.sheets_metadata:
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            read = _read_cells(sheet)
            _fill_merged_columns(read.cells, getattr(sheet, "merged_cell_ranges", None))
            sheets.append(read)
    except calamine.PasswordError as exc:
        raise _protected() from exc
    except (calamine.CalamineError, ValueError, OSError) as exc:
        raise ParseFailed(
            f"Classeur illisible : attendu un classeur {kind} valide, trouvé "
            f"{_calamine_reason(exc)}."
        ) from exc
    return kind, sheets


def _calamine_reason(exc: BaseException) -> str:
    """Return what a python-calamine error means, in French (never its English text)."""
    for name, meaning in _CALAMINE_ERRORS:
        if type(exc).__name__ == name:
            return meaning
    return "un contenu que le lecteur de classeurs ne sait pas lire (fichier endommagé ?)"


def _read_cells(sheet: calamine.CalamineSheet) -> Sheet:
    """Return the cells of ``sheet`` from A1; rows the reader cannot convert are marked."""
    try:
        return Sheet(sheet.name, sheet.to_python(skip_empty_area=False))
    except OverflowError:
        pass
    # A date or duration beyond Python's range (1e9 days) fails its whole sheet: read
    # it again row by row; such a row is kept, empty, with the reason of its rejection.
    offset = [""] * (sheet.start[1] if sheet.start else 0)
    cells: list[list[object]] = []
    broken: dict[int, str] = {}
    for index, row in enumerate(_rows(sheet)):
        if row is None:
            broken[index] = (
                f"Ligne illisible : attendu des dates et des durées plausibles, trouvé une "
                f"cellule hors limites (plus de {fr.number(999_999_999, 0)} jours ?) en ligne "
                f"{index + 1}"
            )
            row = []
        cells.append([*offset, *row])
    width = max((len(r) for r in cells), default=0)
    return Sheet(sheet.name, [r + [""] * (width - len(r)) for r in cells], broken)


def _rows(sheet: calamine.CalamineSheet) -> Iterator[list[object] | None]:
    """Yield each row of ``sheet`` (from row 1), None for a row that failed to convert."""
    rows = sheet.iter_rows()
    while True:
        try:
            yield next(rows)
        except StopIteration:
            return
        except OverflowError:
            yield None


def _fill_merged_columns(cells: list[list[object]], ranges: object) -> None:
    """Copy the value of cells merged down a column into every row they cover.

    Home-made timesheets merge one date over the rows of that day: each row is an
    entry of that date. Merges across columns (titles) are left as they are.
    """
    for merged in ranges or ():
        (top, left), (bottom, right) = merged
        if left != right or bottom <= top or top >= len(cells):
            continue
        value = cells[top][left] if left < len(cells[top]) else None
        for row in cells[top + 1 : bottom + 1]:
            if left < len(row) and row[left] in ("", None):
                row[left] = value


def cell_text(value: object) -> str:
    """Return a typed spreadsheet cell as the text the SQL parsers read.

    >>> cell_text(datetime(2026, 11, 20, 17, 30))
    '2026-11-20 17:30:00'
    >>> cell_text(timedelta(hours=26, minutes=15))
    '26:15:00'
    >>> cell_text(7.5), cell_text(8.0)
    ('7.5', '8')
    """
    if value is None or isinstance(value, str):
        return value or ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, timedelta):
        seconds = round(value.total_seconds())
        sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
        return f"{sign}{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return str(value)


def _column_text(values: Sequence[object]) -> pa.Array:
    """Return one column of typed cells as text (null for empty), as `cell_text` would."""
    kinds = set(map(type, values))
    if kinds <= {str}:
        text = pa.array(values, type=pa.string())
        return pc.if_else(pc.equal(pc.utf8_trim_whitespace(text), ""), None, text)
    if str in kinds and not any(v for v in values if isinstance(v, str)):
        values = [None if isinstance(v, str) else v for v in values]  # empty cells only
        kinds.discard(str)
    kinds.discard(type(None))
    if kinds and kinds <= {float, int}:
        numbers = pa.array(values, type=pa.float64())
        size = pc.abs(numbers)
        tiny = pc.and_(pc.less(size, 1e-4), pc.not_equal(size, 0))
        if pc.any(pc.or_(pc.greater_equal(size, 1e9), tiny)).as_py():
            # Scientific notation: Python and Arrow spell exponents differently.
            return pa.array([cell_text(v) or None for v in values], type=pa.string())
        whole = pc.and_(pc.equal(pc.floor(numbers), numbers), pc.less(pc.abs(numbers), 1e15))
        as_int = pc.cast(pc.if_else(whole, numbers, 0.0), pa.int64())
        return pc.if_else(whole, pc.cast(as_int, pa.string()), pc.cast(numbers, pa.string()))
    if kinds == {datetime}:
        # Serial days are floats: round to the second (09:14:59.999999 is 09:15:00).
        stamps = pc.round_temporal(pa.array(values, type=pa.timestamp("us")), unit="second")
        return pc.cast(pc.cast(stamps, pa.timestamp("s")), pa.string())  # 2026-11-20 17:30:00
    if kinds == {date}:
        return pc.cast(pa.array(values, type=pa.date32()), pa.string())  # 2026-11-20
    texts = [cell_text(v) for v in values]
    return pa.array([t if t.strip() else None for t in texts], type=pa.string())


def _check_ole(data: bytes) -> str:
    """Refuse encrypted Office files (an .xlsx with a password is an OLE container)."""
    if (
        "EncryptedPackage".encode("utf-16-le") in data
        or "EncryptionInfo".encode("utf-16-le") in data
    ):
        raise _protected()
    if "Workbook".encode("utf-16-le") not in data and "Book".encode("utf-16-le") not in data:
        raise ImportFormatError(
            "Fichier Office non pris en charge : attendu un classeur Excel, trouvé un "
            "document OLE sans classeur (Word ou PowerPoint ?)."
        )
    return "xls"


def _protected() -> ImportFormatError:
    return ImportFormatError(
        "Classeur protégé par mot de passe : attendu un classeur lisible, trouvé un "
        "fichier chiffré ; enregistrez-le sans mot de passe puis importez-le à nouveau."
    )
