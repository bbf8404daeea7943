"""Tables on slides: column widths, row heights and pages measured with the deck font.

A column is as wide as its longest word needs, and wider in proportion to its longest
text; the cell size drops from 12 to 9 points when the longest words would not fit
otherwise. A page holds at most ``max_rows`` rows and no more than the body's height;
at most ``max_slides`` pages, the rows left over are counted on the last one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.slide import Slide as PptxSlide
from pptx.table import _Cell
from pptx.util import Emu, Inches, Pt

from tma_metrics.reports.columns import columns_of
from tma_metrics.reports.deck import TableSlide
from tma_metrics.reports.display import display_texts, is_numeric
from tma_metrics.reports.slide_text import DARK, WHITE, set_text
from tma_metrics.reports.text_metrics import LINE_SPACING, text_width, wrapped_lines

__all__ = [
    "CELL_MARGIN_X",
    "CELL_MARGIN_Y",
    "CELL_SIZES",
    "MAX_COLUMN_TEXT",
    "MIN_ROW_HEIGHT",
    "MORE_LINE",
    "TablePage",
    "column_widths",
    "draw",
    "pages",
]

#: Cell sizes tried, largest first, until the longest words fit the width.
CELL_SIZES = (12, 11, 10, 9)
CELL_MARGIN_X, CELL_MARGIN_Y = Inches(0.08), Inches(0.04)
MIN_ROW_HEIGHT = Inches(0.28)
#: Widest a column grows for its long texts before they wrap (points).
MAX_COLUMN_TEXT = 260.0
#: Room kept under the last page's table for "… et N autres lignes".
MORE_LINE = Inches(0.55)


@dataclass(frozen=True)
class TablePage:
    """One slide's part of a table: texts, sizes, and the rows left over after it."""

    number: int
    headers: tuple[str, ...]
    numeric: tuple[bool, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...]  # EMU, per column
    heights: tuple[int, ...]  # EMU, header row first
    size: int  # points
    rest: int = 0


def pages(item: TableSlide, width: int, height: int) -> list[TablePage]:
    """Cut a table into pages that fit ``width`` × ``height`` EMU (none when it is empty)."""
    columns = columns_of(item.table)
    if not columns or item.table.empty:
        return []
    headers = tuple(c.name for c in columns)
    numeric = tuple(is_numeric(c) for c in columns)
    texts = [display_texts(c) for c in columns]
    rows = [tuple(column[i] for column in texts) for i in range(len(item.table))]
    size = _cell_size(headers, rows, width)
    widths = column_widths(headers, rows, width, size)
    header_height = _row_height(headers, widths, size, bold=True)
    heights = [_row_height(row, widths, size) for row in rows]
    out: list[TablePage] = []
    start = 0
    while start < len(rows) and len(out) < item.max_slides:
        room = height - header_height - (MORE_LINE if len(out) == item.max_slides - 1 else 0)
        stop = start
        while stop < len(rows) and stop - start < item.max_rows:
            if stop > start and sum(heights[start : stop + 1]) > room:
                break
            stop += 1
        out.append(
            TablePage(
                number=len(out) + 1,
                headers=headers,
                numeric=numeric,
                rows=tuple(rows[start:stop]),
                widths=widths,
                heights=(header_height, *heights[start:stop]),
                size=size,
            )
        )
        start = stop
    if start < len(rows):
        out[-1] = replace(out[-1], rest=len(rows) - start)
    return out


def draw(slide: PptxSlide, page: TablePage, left: int, top: int) -> int:
    """Draw a page's table on a slide at (left, top); return its bottom (EMU)."""
    n_rows, n_columns = len(page.rows) + 1, len(page.headers)
    frame = slide.shapes.add_table(
        n_rows, n_columns, left, top, sum(page.widths), sum(page.heights)
    )
    table = frame.table
    for j, width in enumerate(page.widths):
        table.columns[j].width = Emu(width)
    for i, height in enumerate(page.heights):
        table.rows[i].height = Emu(height)
    for j, header in enumerate(page.headers):
        align = PP_ALIGN.RIGHT if page.numeric[j] else PP_ALIGN.LEFT
        _cell(table.cell(0, j), header, page.size, align, header=True)
        for i, row in enumerate(page.rows, start=1):
            _cell(table.cell(i, j), row[j], page.size, align)
    return top + sum(page.heights)


def column_widths(
    headers: tuple[str, ...], rows: list[tuple[str, ...]], width: int, size: float
) -> tuple[int, ...]:
    """Share ``width`` EMU: each column its longest word, the rest by longest text."""
    margins = 2 * Emu(CELL_MARGIN_X).pt + 1
    floors, wants = [], []
    for j, header in enumerate(headers):
        cells = [row[j] for row in rows]
        floor = max(
            _longest_word(header, size, bold=True), *(_longest_word(t, size) for t in cells)
        )
        longest = max(
            text_width(header, size, bold=True) / 2,
            *(min(text_width(t, size), MAX_COLUMN_TEXT) for t in cells),
        )
        floors.append(floor + margins)
        wants.append(max(longest, floor) + margins)
    total = Emu(width).pt
    spare = max(total - sum(floors), 0.0)
    extra = [w - f for w, f in zip(wants, floors, strict=True)]
    share = min(1.0, spare / sum(extra)) if sum(extra) else 0.0
    points = [f + e * share for f, e in zip(floors, extra, strict=True)]
    points = [p * total / sum(points) for p in points]  # use the whole width
    widths = [int(Pt(p)) for p in points]
    widths[-1] = width - sum(widths[:-1])
    return tuple(widths)


def _cell_size(headers: tuple[str, ...], rows: list[tuple[str, ...]], width: int) -> int:
    """Return the largest cell size at which every column's longest word fits."""
    margins = len(headers) * (2 * Emu(CELL_MARGIN_X).pt + 1)
    for size in CELL_SIZES:
        floors = [
            max(_longest_word(h, size, bold=True), *(_longest_word(r[j], size) for r in rows))
            for j, h in enumerate(headers)
        ]
        if sum(floors) + margins <= Emu(width).pt:
            return size
    return CELL_SIZES[-1]


def _longest_word(text: str, size: float, *, bold: bool = False) -> float:
    return max((text_width(word, size, bold=bold) for word in text.split()), default=0.0)


def _row_height(
    cells: tuple[str, ...], widths: tuple[int, ...], size: float, *, bold: bool = False
) -> int:
    lines = max(
        wrapped_lines(text, Emu(w - 2 * CELL_MARGIN_X).pt, size, bold=bold)
        for text, w in zip(cells, widths, strict=True)
    )
    needed = Pt(lines * size * LINE_SPACING) + 2 * CELL_MARGIN_Y
    return max(int(needed), int(MIN_ROW_HEIGHT))


def _cell(cell: _Cell, text: str, size: float, align: PP_ALIGN, *, header: bool = False) -> None:
    if header:
        cell.fill.solid()
        cell.fill.fore_color.rgb = DARK
    cell.margin_left = cell.margin_right = CELL_MARGIN_X
    cell.margin_top = cell.margin_bottom = CELL_MARGIN_Y
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    set_text(
        cell.text_frame, text, size=size, bold=header, color=WHITE if header else None, align=align
    )
