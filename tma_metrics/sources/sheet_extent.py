"""The farthest cell of a worksheet's XML, read as a stream, without parsing the sheet.

python-calamine sizes its grid from the cells a sheet holds (not from ``<dimension>``):
one cell at ``XFD1048576`` makes it allocate 17 billion cells. `Extent` reads the XML
chunk by chunk and keeps the largest row and column of the ``<row>`` and ``<c>`` start
tags. The usual form (every tag with one ``r="B12"`` attribute) is read with numpy; a
chunk in any other form (tags without ``r``, namespace prefixes, odd spacing) makes the
whole member be read again tag by tag (`ExactScan`), positions counted as the reader
counts them. Tags inside comments count too: the bound is conservative.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

__all__ = ["ExactScan", "Extent", "column_letters", "column_number", "dimension", "fast_extent"]

#: Bytes read after ``r="``: up to 6 letters, 10 digits and the closing quote.
_WINDOW = 17
_LT, _GT, _SPACE, _QUOTE, _APOS = 60, 62, 32, 34, 39
_ENDS = np.zeros(256, dtype=bool)  # what may follow a tag name: whitespace, "/", ">"
_ENDS[[9, 10, 13, 32, 47, 62]] = True
_COLON_TAG = re.compile(rb":(?:c|row)[\s/>]")  # cheap first look for _PREFIXED
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:(?:c|row)[\s/>]")
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_R_ATTR = re.compile(rb"""(?:^|\s)r\s*=\s*["']\s*([A-Za-z]*)\s*([0-9]*)\s*["']""")
_DIMENSION = re.compile(rb"""<(?:[\w.-]+:)?dimension\s[^>]*ref\s*=\s*["']([^"']*)["']""")


def column_number(letters: bytes | str) -> int:
    """Return the 1-based number of a column's letters (``A`` 1, ``XFD`` 16 384).

    >>> column_number("A"), column_number("AA"), column_number(b"XFD")
    (1, 27, 16384)
    """
    text = letters.decode("ascii") if isinstance(letters, bytes) else letters
    number = 0
    for char in text.upper():
        number = number * 26 + ord(char) - 64
    return number


def column_letters(number: int) -> str:
    """Return the letters of a 1-based column number (16 384 is ``XFD``).

    >>> column_letters(1), column_letters(28), column_letters(16384)
    ('A', 'AB', 'XFD')
    """
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Extent:
    """The largest row and column (1-based) seen so far in one sheet."""

    rows: int = 0
    columns: int = 0
    dimension: str | None = None  # the sheet's <dimension ref=...>, as declared

    @property
    def cells(self) -> int:
        """Return the size of the grid from A1 to the farthest row and column."""
        return self.rows * self.columns

    def merge(self, rows: int, columns: int) -> None:
        """Take the larger of this extent and (rows, columns)."""
        self.rows = max(self.rows, rows)
        self.columns = max(self.columns, columns)


def dimension(head: bytes) -> str | None:
    """Return the ``ref`` of the ``<dimension>`` tag in the first bytes of a sheet."""
    found = _DIMENSION.search(head)
    return found.group(1).decode("ascii", "replace")[:40] if found else None


def fast_extent(chunk: bytes) -> tuple[int, int] | None:
    """Return (last row, last column) of complete tags in ``chunk``, or None if unusual.

    ``chunk`` ends at a tag's ``>``. None means: some row or cell tag does not carry
    exactly one ``r="..."`` right after a space (or has a prefix): use `ExactScan`.
    """
    if _COLON_TAG.search(chunk) and _PREFIXED.search(chunk):
        return None
    n = len(chunk)
    a = np.frombuffer(chunk + b"\0" * _WINDOW, dtype=np.uint8)
    lt = np.flatnonzero(a[:n] == _LT)
    after = a[lt + 1]
    cells = lt[(after == ord("c")) & _ENDS[a[lt + 2]]]
    rows = lt[
        (after == ord("r")) & (a[lt + 2] == ord("o")) & (a[lt + 3] == ord("w")) & _ENDS[a[lt + 4]]
    ]
    if not len(cells) and not len(rows):
        return 0, 0
    if _r_first(a, cells + 2) and _r_first(a, rows + 4):
        # Every tag starts with its r attribute (Excel, openpyxl, XlsxWriter...).
        cell_starts, row_starts = cells + 6, rows + 8
    else:
        found = _r_anywhere(a, n, lt, cells, rows)
        if found is None:
            return None
        cell_starts, row_starts = found
    cell_rows, cell_cols = _coordinates(a, cell_starts)
    row_rows, _ = _coordinates(a, row_starts)
    if cell_rows is None or row_rows is None:
        return None
    last_row = max(int(cell_rows.max(initial=0)), int(row_rows.max(initial=0)))
    return last_row, int(cell_cols.max(initial=0))


def _r_first(a: np.ndarray, at: np.ndarray) -> bool:
    """Return True when every position ``at`` holds `` r="`` (or `` r='``)."""
    return bool(
        np.all(
            (a[at] == _SPACE)
            & (a[at + 1] == ord("r"))
            & (a[at + 2] == ord("="))
            & ((a[at + 3] == _QUOTE) | (a[at + 3] == _APOS))
        )
    )


def _r_anywhere(
    a: np.ndarray, n: int, lt: np.ndarray, cells: np.ndarray, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """Return where the r values of the cell and row tags start, wherever the attribute is.

    None when a tag has no `` r="`` (or two): `ExactScan` then counts positions.
    """
    body = a[:n]
    needles = np.flatnonzero(
        (body[:-3] == _SPACE)
        & (body[1:-2] == ord("r"))
        & (body[2:-1] == ord("="))
        & ((body[3:] == _QUOTE) | (body[3:] == _APOS))
    )
    gt = np.flatnonzero(body == _GT)
    # The tag each needle sits in: the last "<" before it, with no ">" in between.
    owner = np.searchsorted(lt, needles) - 1
    keep = owner >= 0
    owner, needles = lt[owner[keep]], needles[keep]
    inside = np.searchsorted(gt, owner) == np.searchsorted(gt, needles)
    in_cell = inside & np.isin(owner, cells)
    in_row = inside & np.isin(owner, rows)
    if int(in_cell.sum()) != len(cells) or int(in_row.sum()) != len(rows):
        return None
    counted = owner[in_cell | in_row]
    if len(counted) > 1 and not np.all(np.diff(counted) > 0):
        return None  # a tag with two r attributes
    return needles[in_cell] + 4, needles[in_row] + 4


def _coordinates(a: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray | None, np.ndarray]:
    """Return the row and column numbers written at ``starts`` (letters then digits)."""
    if not len(starts):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    window = np.lib.stride_tricks.sliding_window_view(a, _WINDOW)[starts]
    upper = window & 0xDF  # ASCII letters to upper case
    letter = (upper >= 65) & (upper <= 90)
    n_letters = np.argmin(letter, axis=1)  # letters come first
    digit = (window >= 48) & (window <= 57)
    positions = np.arange(_WINDOW)
    past_letters = positions[None, :] >= n_letters[:, None]
    end = np.argmin(digit | ~past_letters, axis=1)  # first byte after the digits
    quote = window[np.arange(len(starts)), end]
    if not np.all((quote == _QUOTE) | (quote == _APOS)) or np.any(n_letters > 6):
        return None, np.zeros(0, np.int64)
    columns = np.zeros(len(starts), np.int64)
    rows = np.zeros(len(starts), np.int64)
    for k in range(int(n_letters.max())):
        letters = k < n_letters
        columns[letters] = columns[letters] * 26 + upper[letters, k] - 64
    for k in range(int(n_letters.min()), int(end.max())):
        digits = (k >= n_letters) & (k < end)
        rows[digits] = rows[digits] * 10 + window[digits, k] - 48
    return rows, columns


class ExactScan:
    """Tag-by-tag reading of a sheet: rows and cells without ``r`` follow the previous one."""

    def __init__(self) -> None:
        self.extent = Extent()
        self._row = 0
        self._column = 0

    def feed(self, chunk: bytes) -> None:
        """Read the complete tags of ``chunk`` (it ends at a tag's ``>``)."""
        for match in _TAG.finditer(chunk):
            ref = _R_ATTR.search(match.group(2))
            letters, digits = (ref.group(1), ref.group(2)) if ref else (b"", b"")
            if match.group(1) == b"row":
                self._row = int(digits) if digits else self._row + 1
                self._column = 0
                self.extent.merge(self._row, 0)
                continue
            self._column = column_number(letters) if letters else self._column + 1
            row = int(digits) if digits else self._row
            self.extent.merge(row, self._column)
