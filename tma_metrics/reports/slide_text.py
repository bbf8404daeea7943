"""Writing text into a slide's boxes: one font, French, sizes that fit the box.

Every run is in the deck font (`text_metrics.DECK_FONT`) and marked French for the
spell checker; text frames wrap between words and are never auto-shrunk by the viewer:
`fit_text` chooses the size from the font's metrics instead.
"""

from __future__ import annotations

from pptx.dml.color import RGBColor
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
from pptx.text.text import TextFrame, _Paragraph
from pptx.util import Emu, Inches, Pt

from tma_metrics.reports.text_metrics import DECK_FONT, fitting_size

__all__ = [
    "DARK",
    "GREY",
    "INSET_X",
    "INSET_Y",
    "LIGHT",
    "PARAGRAPH_GAP",
    "WHITE",
    "add_paragraph",
    "add_run",
    "fit_text",
    "inner_width",
    "room",
    "set_text",
]

DARK = RGBColor(0x1F, 0x4E, 0x78)
GREY = RGBColor(0x59, 0x59, 0x59)
LIGHT = RGBColor(0xF2, 0xF2, 0xF2)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
#: A text frame's default insets (python-pptx, PowerPoint): 0.1 in left and right,
#: 0.05 in top and bottom.
INSET_X, INSET_Y = Inches(0.1), Inches(0.05)
#: Points added before each paragraph after the first of a list of points.
PARAGRAPH_GAP = 10


def room(height: int, paragraphs: int = 1) -> float:
    """Return the points left for lines in a box, once insets and paragraph gaps are taken."""
    return Emu(height - 2 * INSET_Y).pt - PARAGRAPH_GAP * max(paragraphs - 1, 0)


def inner_width(width: int) -> float:
    """Return the points available for a line in a box ``width`` EMU wide."""
    return Emu(width - 2 * INSET_X).pt


def fit_text(
    frame: TextFrame,
    text: str,
    width: int,
    height: int,
    *,
    largest: int,
    smallest: int = 12,
    bold: bool = False,
    color: RGBColor | None = None,
) -> int:
    """Write ``text`` at the largest size (≤ ``largest``) that fits the box; return it."""
    size = fitting_size(
        text, inner_width(width), room(height), largest=largest, smallest=smallest, bold=bold
    )
    set_text(frame, text, size=size, bold=bold, color=color, align=PP_ALIGN.LEFT)
    return size


def set_text(
    frame: TextFrame,
    text: str,
    *,
    size: float,
    bold: bool = False,
    color: RGBColor | None = None,
    align: PP_ALIGN | None = None,
) -> None:
    """Replace a text frame's text, one paragraph per line, in one style."""
    frame.clear()
    frame.word_wrap = True  # else LibreOffice shrinks the box and centres the text
    frame.auto_size = MSO_AUTO_SIZE.NONE  # sizes are chosen here: no viewer shrinks them
    for i, line in enumerate(text.split("\n")):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        add_run(paragraph, line, size, bold=bold, color=color)


def add_paragraph(
    frame: TextFrame,
    text: str,
    size: float,
    *,
    bold: bool = False,
    color: RGBColor | None = None,
    space_before: int = 0,
) -> None:
    """Add a left-aligned paragraph of one run to a text frame."""
    paragraph = frame.add_paragraph()
    paragraph.alignment = PP_ALIGN.LEFT
    paragraph.space_before = Pt(space_before)
    add_run(paragraph, text, size, bold=bold, color=color)


def add_run(
    paragraph: _Paragraph,
    text: str,
    size: float,
    *,
    bold: bool = False,
    color: RGBColor | None = None,
) -> None:
    """Add a run in the deck font, French, at ``size`` points."""
    run = paragraph.add_run()
    run.text = text
    font = run.font
    font.name = DECK_FONT
    font.size = Pt(size)
    font.bold = bold
    font.language_id = MSO_LANGUAGE_ID.FRENCH
    if color is not None:
        font.color.rgb = color
