"""PowerPoint (16:9) layout of a :class:`~tma_metrics.reports.deck.Deck`.

A title slide (title, client, period, date, logo), then per slide kind: key figures as
tiles, a chart with its key figure big on the right, a table in French formats
(continued over at most ``max_slides`` slides, then "… et N autres lignes"), a list of
points, or a section divider. A chart without an image says so in French. Every content
slide carries a footer: deck title, client, date label, page number.

Every text is in the deck font (`text_metrics.DECK_FONT`), marked French for the spell
checker, never auto-shrunk by the viewer: sizes are chosen here, from the font's metrics,
so that each text fits its box (a test measures every box of real decks).
"""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.shapes.base import BaseShape
from pptx.slide import Slide as PptxSlide
from pptx.text.text import TextFrame
from pptx.util import Emu, Inches, Pt

from tma_metrics.reports import slide_tables
from tma_metrics.reports.deck import (
    ChartSlide,
    Deck,
    FiguresSlide,
    SectionSlide,
    TableSlide,
    TextSlide,
    with_chart_images,
)
from tma_metrics.reports.slide_text import (
    DARK,
    GREY,
    INSET_X,
    INSET_Y,
    LIGHT,
    PARAGRAPH_GAP,
    add_paragraph,
    fit_text,
    inner_width,
    room,
    set_text,
)
from tma_metrics.reports.text_metrics import fitting_size, text_height

__all__ = [
    "BODY_BOTTOM",
    "BODY_TOP",
    "CHART_HEIGHT",
    "CHART_WIDTH",
    "FOOTER_HEIGHT",
    "FOOTER_TOP",
    "GAP",
    "HEIGHT",
    "LOGO_HEIGHT",
    "LOGO_WIDTH",
    "MARGIN",
    "MESSAGE_HEIGHT",
    "MESSAGE_TOP",
    "PNG_SIGNATURE",
    "TITLE_HEIGHT",
    "TITLE_TOP",
    "WIDTH",
    "deck_bytes",
    "image_size",
    "png_size",
]

WIDTH, HEIGHT = Emu(12_192_000), Emu(6_858_000)  # PowerPoint's 16:9: 13.333 × 7.5 in
MARGIN = Inches(0.5)
TITLE_TOP, TITLE_HEIGHT = Inches(0.3), Inches(0.75)
MESSAGE_TOP, MESSAGE_HEIGHT = Inches(1.05), Inches(0.5)
BODY_TOP = Inches(1.6)
BODY_BOTTOM = Inches(6.85)
FOOTER_TOP, FOOTER_HEIGHT = Inches(7.0), Inches(0.35)
CHART_WIDTH, CHART_HEIGHT = Inches(8.9), Inches(5.2)  # see deck.CHART_IMAGE_PX
LOGO_WIDTH, LOGO_HEIGHT = Inches(3.0), Inches(1.4)
GAP = Inches(0.25)
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
    prs.core_properties.title = " — ".join(p for p in (deck.title, deck.client) if p)
    prs.core_properties.author = "TMA Metrics"
    prs.core_properties.language = "fr-FR"
    _title_slide(prs, deck)
    for item in deck.slides:
        _LAYOUTS.get(type(item), _unknown)(prs, item)
    footer = " · ".join(part for part in (deck.title, deck.client, deck.date_label) if part)
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


def image_size(data: bytes) -> tuple[int, int] | None:
    """Return a PNG's or JPEG's (width, height) in pixels, None when it is neither."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("PNG", "JPEG"):
                return None
            return image.size
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError):
        return None


# -- slides ---------------------------------------------------------------------------


def _title_slide(prs: Presentation, deck: Deck) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[_TITLE_SLIDE])
    title, subtitle = slide.placeholders[0], slide.placeholders[1]
    width = WIDTH - 2 * MARGIN
    if deck.logo:
        _picture(slide, deck.logo, WIDTH - MARGIN - LOGO_WIDTH, MARGIN, LOGO_WIDTH, LOGO_HEIGHT)
    _place(title, MARGIN, Inches(2.1), width, Inches(1.2))
    fit_text(title.text_frame, deck.title, width, Inches(1.2), largest=40, bold=True, color=DARK)
    title.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    bar = slide.shapes.add_shape(
        MSO_SHAPE.RECTANGLE, MARGIN + INSET_X, Inches(3.4), Inches(1.6), Inches(0.06)
    )
    bar.fill.solid()
    bar.fill.fore_color.rgb = DARK
    bar.line.fill.background()
    if deck.client:
        box = slide.shapes.add_textbox(MARGIN, Inches(3.6), width, Inches(1.0))
        fit_text(box.text_frame, deck.client, width, Inches(1.0), largest=30, color=DARK)
    _place(subtitle, MARGIN, Inches(4.8), width, Inches(1.1))
    lines = "\n".join(line for line in (deck.subtitle, deck.date_label) if line)
    set_text(subtitle.text_frame, lines, size=20, color=GREY, align=PP_ALIGN.LEFT)
    subtitle.text_frame.vertical_anchor = MSO_ANCHOR.TOP


def _content_slide(prs: Presentation, title: str, notes: str, message: str = "") -> PptxSlide:
    slide = prs.slides.add_slide(prs.slide_layouts[_TITLE_ONLY])
    shape = slide.shapes.title
    width = WIDTH - 2 * MARGIN
    _place(shape, MARGIN, TITLE_TOP, width, TITLE_HEIGHT)
    fit_text(
        shape.text_frame, title, width, TITLE_HEIGHT, largest=28, smallest=18, bold=True, color=DARK
    )
    shape.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    if message:
        box = slide.shapes.add_textbox(MARGIN, MESSAGE_TOP, width, MESSAGE_HEIGHT)
        fit_text(
            box.text_frame, message, width, MESSAGE_HEIGHT, largest=16, smallest=10, color=GREY
        )
    if notes:
        slide.notes_slide.notes_text_frame.text = notes
    return slide


def _chart_slide(prs: Presentation, item: ChartSlide) -> None:
    slide = _content_slide(prs, item.title, item.notes, item.message)
    if item.image_png and png_size(item.image_png):
        _picture(slide, item.image_png, MARGIN, BODY_TOP, CHART_WIDTH, CHART_HEIGHT)
    else:
        reason = item.image_error or (
            "l'image fournie n'est pas un PNG lisible."
            if item.image_png
            else "aucune image n'a été fournie."
        )
        box = slide.shapes.add_shape(
            MSO_SHAPE.ROUNDED_RECTANGLE, MARGIN, BODY_TOP, CHART_WIDTH, CHART_HEIGHT
        )
        box.fill.solid()
        box.fill.fore_color.rgb = LIGHT
        box.line.color.rgb = GREY
        set_text(
            box.text_frame,
            f"Graphique indisponible\n{reason}",
            size=16,
            color=GREY,
            align=PP_ALIGN.CENTER,
        )
        box.text_frame.paragraphs[0].runs[0].font.bold = True
    left = MARGIN + CHART_WIDTH + GAP
    width = WIDTH - MARGIN - left
    _key_figure_panel(slide, item, left, width)


def _key_figure_panel(slide: PptxSlide, item: ChartSlide, left: int, width: int) -> None:
    """The key figure big, its label and the comment, stacked on the chart's right."""
    top = BODY_TOP + Inches(0.3)
    if item.key_figure:
        height = Inches(1.1)
        box = slide.shapes.add_textbox(left, top, width, height)
        fit_text(
            box.text_frame,
            item.key_figure,
            width,
            height,
            largest=44,
            smallest=20,
            bold=True,
            color=DARK,
        )
        top += height
    for text, size, height in ((item.key_label, 16, Inches(1.6)), (item.comment, 13, Inches(1.6))):
        if text:
            box = slide.shapes.add_textbox(left, top, width, height)
            fit_text(box.text_frame, text, width, height, largest=size, smallest=10, color=GREY)
            used = text_height(text, inner_width(width), _size_of(box.text_frame))
            top += Pt(used) + 2 * INSET_Y + Inches(0.15)


def _figures_slide(prs: Presentation, item: FiguresSlide) -> None:
    slide = _content_slide(prs, item.title, item.notes, item.message)
    if not item.figures:
        _empty_note(slide, "Aucun chiffre à présenter.")
        return
    columns = 3
    rows = -(-len(item.figures) // columns)
    width = (WIDTH - 2 * MARGIN - (columns - 1) * GAP) // columns
    height = min(Inches(1.8), (BODY_BOTTOM - BODY_TOP - (rows - 1) * GAP) // rows)
    for i, figure in enumerate(item.figures):
        left = MARGIN + (i % columns) * (width + GAP)
        top = BODY_TOP + (i // columns) * (height + GAP)
        tile = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, left, top, width, height)
        tile.adjustments[0] = 0.08
        tile.fill.solid()
        tile.fill.fore_color.rgb = LIGHT
        tile.line.fill.background()
        tile.shadow.inherit = False
        _tile_text(tile.text_frame, figure.value, figure.label, figure.detail, width, height)


def _tile_text(
    frame: TextFrame, value: str, label: str, detail: str, width: int, height: int
) -> None:
    """Value big, label bold, detail small; sizes chosen so the three fit the tile."""
    w = inner_width(width)
    value_size = fitting_size(value, w, 40, largest=32, smallest=16, bold=True)
    label_size = fitting_size(label, w, 2 * 14 * 1.2, largest=14, smallest=10, bold=True)
    label_height = text_height(label, w, label_size, bold=True)
    rest = room(height) - 1.2 * value_size - label_height - 2 - 4
    detail_size = fitting_size(detail, w, rest, largest=12, smallest=8) if detail else 12
    set_text(frame, value, size=value_size, bold=True, color=DARK, align=PP_ALIGN.LEFT)
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    add_paragraph(frame, label, label_size, bold=True, color=DARK, space_before=2)
    if detail:
        add_paragraph(frame, detail, detail_size, color=GREY, space_before=4)


def _text_slide(prs: Presentation, item: TextSlide) -> None:
    """A list of points, as large as fits (20 to 14 pt), continued on more slides if long."""
    width, height = WIDTH - 2 * MARGIN, BODY_BOTTOM - BODY_TOP
    bullets = [f"• {text}" for text in (item.bullets or ("Rien à signaler.",))]
    line_width = inner_width(width)
    size = fitting_size(
        "\n".join(bullets), line_width, room(height, len(bullets)), largest=20, smallest=14
    )
    pages: list[list[str]] = [[]]
    used = 0.0
    for text in bullets:
        needed = text_height(text, line_width, size) + (PARAGRAPH_GAP if pages[-1] else 0)
        if pages[-1] and used + needed > room(height):
            pages.append([])
            needed -= PARAGRAPH_GAP
            used = 0.0
        pages[-1].append(text)
        used += needed
    for number, page in enumerate(pages, start=1):
        title = item.title if len(pages) == 1 else f"{item.title} ({number}/{len(pages)})"
        slide = _content_slide(prs, title, item.notes)
        frame = slide.shapes.add_textbox(MARGIN, BODY_TOP, width, height).text_frame
        set_text(frame, page[0], size=size, align=PP_ALIGN.LEFT)
        for text in page[1:]:
            add_paragraph(frame, text, size, space_before=PARAGRAPH_GAP)


def _section_slide(prs: Presentation, item: SectionSlide) -> None:
    slide = _content_slide(prs, item.title, "")
    if item.subtitle:
        box = slide.shapes.add_textbox(MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, Inches(1.2))
        fit_text(
            box.text_frame, item.subtitle, WIDTH - 2 * MARGIN, Inches(1.2), largest=18, color=GREY
        )


def _table_slides(prs: Presentation, item: TableSlide) -> None:
    pages = slide_tables.pages(item, WIDTH - 2 * MARGIN, BODY_BOTTOM - BODY_TOP)
    if not pages:
        slide = _content_slide(prs, item.title, item.notes)
        _empty_note(slide, "Aucune ligne.")
        return
    for page in pages:
        title = item.title if len(pages) == 1 else f"{item.title} ({page.number}/{len(pages)})"
        slide = _content_slide(prs, title, item.notes)
        bottom = slide_tables.draw(slide, page, MARGIN, BODY_TOP)
        if page.rest:
            more = slide.shapes.add_textbox(MARGIN, bottom + Inches(0.1), Inches(8), Inches(0.4))
            plural = "s" if page.rest > 1 else ""
            text = f"… et {page.rest} autre{plural} ligne{plural}"
            set_text(more.text_frame, text, size=14, color=GREY, align=PP_ALIGN.LEFT)


def _unknown(prs: Presentation, item: object) -> None:
    raise TypeError(f"Type de diapositive inconnu : {type(item).__name__}")


_LAYOUTS = {
    ChartSlide: _chart_slide,
    TableSlide: _table_slides,
    TextSlide: _text_slide,
    FiguresSlide: _figures_slide,
    SectionSlide: _section_slide,
}


# -- parts ----------------------------------------------------------------------------


def _footer(slide: PptxSlide, text: str, number: int) -> None:
    box = slide.shapes.add_textbox(MARGIN, FOOTER_TOP, WIDTH - 2 * MARGIN, FOOTER_HEIGHT)
    set_text(box.text_frame, f"{text}    {number}", size=10, color=GREY, align=PP_ALIGN.RIGHT)


def _empty_note(slide: PptxSlide, text: str) -> None:
    box = slide.shapes.add_textbox(MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, Inches(0.6))
    set_text(box.text_frame, text, size=18, color=GREY, align=PP_ALIGN.LEFT)


def _picture(slide: PptxSlide, data: bytes, left: int, top: int, width: int, height: int) -> None:
    """Add an image scaled to fit the box (aspect kept), centred vertically, left-aligned."""
    size = image_size(data)
    if size is None:
        return
    scale = min(width / size[0], height / size[1])
    pic_width, pic_height = Emu(int(size[0] * scale)), Emu(int(size[1] * scale))
    slide.shapes.add_picture(
        io.BytesIO(data), left, top + (height - pic_height) // 2, pic_width, pic_height
    )


def _size_of(frame: TextFrame) -> float:
    return frame.paragraphs[0].runs[0].font.size.pt


def _place(shape: BaseShape, left: int, top: int, width: int, height: int) -> None:
    shape.left, shape.top, shape.width, shape.height = left, top, width, height
