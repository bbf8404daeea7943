"""PowerPoint (16:9) layout of a :class:`~tma_metrics.reports.deck.Deck`.

A title slide, then per slide kind: a chart with its key figure big on the right, a
table in French formats (continued over at most ``max_slides`` slides, then "… et N
autres lignes"), or a list of points. A chart without an image says so in French.
Every content slide carries a footer: deck title, date label, page number.
"""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.shapes.base import BaseShape
from pptx.slide import Slide as PptxSlide
from pptx.table import _Cell
from pptx.text.text import TextFrame
from pptx.util import Emu, Inches, Pt

from tma_metrics.reports.columns import columns_of
from tma_metrics.reports.deck import ChartSlide, Deck, TableSlide, TextSlide, with_chart_images
from tma_metrics.reports.display import display_texts, is_numeric

WIDTH, HEIGHT = Emu(12_192_000), Emu(6_858_000)  # PowerPoint's 16:9: 13.333 × 7.5 in
MARGIN = Inches(0.5)
BODY_TOP = Inches(1.35)
BODY_BOTTOM = Inches(6.85)
CHART_WIDTH, CHART_HEIGHT = Inches(8.9), Inches(5.5)  # see deck.CHART_IMAGE_PX
ROW_HEIGHT = Inches(0.34)
DARK = RGBColor(0x1F, 0x4E, 0x78)
GREY = RGBColor(0x59, 0x59, 0x59)
LIGHT = RGBColor(0xF2, 0xF2, 0xF2)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_TITLE_ONLY, _TITLE_SLIDE = 5, 0  # layouts of python-pptx's default template


def deck_bytes(deck: Deck, *, render_charts: bool = True) -> bytes:
    """Write the deck as a 16:9 ``.pptx``.

    Figures without an image are rendered first (``render_charts``); call
    :func:`~tma_metrics.reports.deck.with_chart_images` yourself beforehand to learn
    which charts are missing (``Deck.missing_charts``) and tell the user.
    """
    if render_charts:
        deck = with_chart_images(deck)
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    _title_slide(prs, deck)
    footer = " · ".join(part for part in (deck.title, deck.date_label) if part)
    for item in deck.slides:
        if isinstance(item, ChartSlide):
            _chart_slide(prs, item)
        elif isinstance(item, TableSlide):
            _table_slides(prs, item)
        elif isinstance(item, TextSlide):
            _text_slide(prs, item)
        else:
            raise TypeError(f"Type de diapositive inconnu : {type(item).__name__}")
    for number, slide in enumerate(prs.slides, start=1):
        if number > 1:
            _footer(slide, footer, number)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def png_size(data: bytes) -> tuple[int, int] | None:
    """Return a PNG's (width, height) in pixels, or None when it is not a PNG.

    >>> png_size(PNG_SIGNATURE + bytes(8) + (1200).to_bytes(4, "big") + (600).to_bytes(4, "big"))
    (1200, 600)
    """
    if len(data) < 24 or not data.startswith(PNG_SIGNATURE):
        return None
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return (width, height) if width and height else None


def _title_slide(prs: Presentation, deck: Deck) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[_TITLE_SLIDE])
    title, subtitle = slide.placeholders[0], slide.placeholders[1]
    _place(title, MARGIN, Inches(2.2), WIDTH - 2 * MARGIN, Inches(1.5))
    _set_text(title.text_frame, deck.title, size=40, bold=True, color=DARK)
    _place(subtitle, MARGIN, Inches(3.9), WIDTH - 2 * MARGIN, Inches(1.4))
    lines = [line for line in (deck.subtitle, deck.date_label) if line]
    _set_text(subtitle.text_frame, "\n".join(lines), size=22, color=GREY)


def _content_slide(prs: Presentation, title: str, notes: str) -> PptxSlide:
    slide = prs.slides.add_slide(prs.slide_layouts[_TITLE_ONLY])
    shape = slide.shapes.title
    _place(shape, MARGIN, Inches(0.3), WIDTH - 2 * MARGIN, Inches(0.9))
    _set_text(shape.text_frame, title, size=28, bold=True, color=DARK, align=PP_ALIGN.LEFT)
    shape.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    if notes:
        slide.notes_slide.notes_text_frame.text = notes
    return slide


def _chart_slide(prs: Presentation, item: ChartSlide) -> None:
    slide = _content_slide(prs, item.title, item.notes)
    box_height = CHART_HEIGHT
    size = png_size(item.image_png) if item.image_png else None
    if size is not None:
        width, height = size
        scale = min(CHART_WIDTH / width, box_height / height)
        pic_width, pic_height = Emu(int(width * scale)), Emu(int(height * scale))
        top = BODY_TOP + (box_height - pic_height) // 2
        slide.shapes.add_picture(io.BytesIO(item.image_png), MARGIN, top, pic_width, pic_height)
    else:
        reason = item.image_error or (
            "l'image fournie n'est pas un PNG lisible."
            if item.image_png
            else "aucune image n'a été fournie."
        )
        box = slide.shapes.add_shape(
            MSO_SHAPE.ROUNDED_RECTANGLE, MARGIN, BODY_TOP, CHART_WIDTH, box_height
        )
        box.fill.solid()
        box.fill.fore_color.rgb = LIGHT
        box.line.color.rgb = GREY
        _set_text(
            box.text_frame,
            f"Graphique indisponible\n{reason}",
            size=16,
            color=GREY,
            align=PP_ALIGN.CENTER,
        )
        box.text_frame.paragraphs[0].runs[0].font.bold = True
    side_left = MARGIN + CHART_WIDTH + Inches(0.3)
    side_width = WIDTH - MARGIN - side_left
    panel = slide.shapes.add_textbox(side_left, BODY_TOP + Inches(0.6), side_width, Inches(4))
    frame = panel.text_frame
    frame.word_wrap = True
    _set_text(frame, item.key_figure, size=48, bold=True, color=DARK, align=PP_ALIGN.LEFT)
    for text, size, color in ((item.key_label, 18, GREY), (item.comment, 14, GREY)):
        if text:
            paragraph = frame.add_paragraph()
            paragraph.space_before = Pt(12)
            run = paragraph.add_run()
            run.text = text
            run.font.size, run.font.color.rgb = Pt(size), color


def _table_slides(prs: Presentation, item: TableSlide) -> None:
    columns = columns_of(item.table)
    n_rows = len(item.table)
    if not columns or not n_rows:
        slide = _content_slide(prs, item.title, item.notes)
        box = slide.shapes.add_textbox(MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, Inches(1))
        _set_text(box.text_frame, "Aucune ligne.", size=18, color=GREY, align=PP_ALIGN.LEFT)
        return
    shown = min(n_rows, item.max_rows * item.max_slides)
    head = columns_of(item.table.iloc[:shown])
    texts = [display_texts(c) for c in head]
    widths = _column_widths([c.name for c in head], texts)
    chunks = range(0, shown, item.max_rows)
    for page, start in enumerate(chunks, start=1):
        title = item.title if len(chunks) == 1 else f"{item.title} ({page}/{len(chunks)})"
        slide = _content_slide(prs, title, item.notes)
        stop = min(start + item.max_rows, shown)
        rows = stop - start + 1
        frame = slide.shapes.add_table(
            rows, len(head), MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, ROW_HEIGHT * rows
        )
        table = frame.table
        for j, (column, width) in enumerate(zip(head, widths, strict=True)):
            table.columns[j].width = width
            align = PP_ALIGN.RIGHT if is_numeric(column) else PP_ALIGN.LEFT
            _cell(table.cell(0, j), column.name, bold=True, color=WHITE, fill=DARK, align=align)
            for i in range(start, stop):
                _cell(table.cell(i - start + 1, j), texts[j][i], align=align)
        if stop == shown and shown < n_rows:
            rest = n_rows - shown
            more = slide.shapes.add_textbox(
                MARGIN, BODY_TOP + ROW_HEIGHT * rows + Inches(0.1), Inches(8), Inches(0.4)
            )
            _set_text(
                more.text_frame,
                f"… et {rest} autre{'s' if rest > 1 else ''} ligne{'s' if rest > 1 else ''}",
                size=14,
                color=GREY,
                align=PP_ALIGN.LEFT,
            )


def _text_slide(prs: Presentation, item: TextSlide) -> None:
    slide = _content_slide(prs, item.title, item.notes)
    box = slide.shapes.add_textbox(MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, BODY_BOTTOM - BODY_TOP)
    frame = box.text_frame
    frame.word_wrap = True
    bullets = item.bullets or ("Rien à signaler.",)
    for i, text in enumerate(bullets):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.space_after = Pt(10)
        run = paragraph.add_run()
        run.text = f"• {text}"
        run.font.size = Pt(20)


def _footer(slide: PptxSlide, text: str, number: int) -> None:
    box = slide.shapes.add_textbox(MARGIN, Inches(7.0), WIDTH - 2 * MARGIN, Inches(0.35))
    _set_text(box.text_frame, f"{text}    {number}", size=10, color=GREY, align=PP_ALIGN.RIGHT)


def _column_widths(names: list[str], texts: list[list[str]]) -> list[Emu]:
    """Share the table width in proportion to each column's longest text."""
    weights = [
        # a header wraps between words, never inside one (bold: one more character)
        max(
            1 + max(len(word) for word in [*name.split(), ""]),
            min(len(name), 12),
            *(min(len(t), 40) for t in column),
            4,
        )
        for name, column in zip(names, texts, strict=True)
    ]
    total = WIDTH - 2 * MARGIN
    widths = [Emu(int(total * w / sum(weights))) for w in weights]
    widths[-1] = Emu(total - sum(widths[:-1]))
    return widths


def _cell(
    cell: _Cell,
    text: str,
    *,
    bold: bool = False,
    color: RGBColor | None = None,
    fill: RGBColor | None = None,
    align: PP_ALIGN = PP_ALIGN.LEFT,
) -> None:
    if fill is not None:
        cell.fill.solid()
        cell.fill.fore_color.rgb = fill
    cell.margin_top = cell.margin_bottom = Inches(0.03)
    _set_text(cell.text_frame, text, size=12, bold=bold, color=color, align=align)


def _set_text(
    frame: TextFrame,
    text: str,
    *,
    size: int,
    bold: bool = False,
    color: RGBColor | None = None,
    align: PP_ALIGN | None = None,
) -> None:
    """Replace a text frame's text, one paragraph per line, in one style."""
    frame.clear()
    frame.word_wrap = True  # else LibreOffice shrinks the box and centres the text
    for i, line in enumerate(text.split("\n")):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        if color is not None:
            run.font.color.rgb = color


def _place(shape: BaseShape, left: int, top: int, width: int, height: int) -> None:
    shape.left, shape.top, shape.width, shape.height = left, top, width, height
