"""How much room a text takes on a slide, from the deck font's real metrics.

The deck is written in Arial, whose Debian stand-in Liberation Sans has the same advance
widths (`fonts-liberation2`). Widths come from that TrueType file through Pillow when it
is found, else from an average character width that errs on the wide side.
"""

from __future__ import annotations

import functools
from pathlib import Path

from PIL import ImageFont

__all__ = [
    "DECK_FONT",
    "FALLBACK_EM",
    "FONT_DIRS",
    "FONT_FILES",
    "LINE_SPACING",
    "fitting_size",
    "font_file",
    "text_height",
    "text_width",
    "wrapped_lines",
]

#: The font every text of the deck uses, charts included (see `deck.IMAGE_FONT_FAMILY`).
DECK_FONT = "Arial"
#: TrueType files with Arial's metrics, regular and bold, in the order they are tried.
FONT_FILES = {
    False: ("LiberationSans-Regular.ttf", "Arial.ttf", "arial.ttf"),
    True: ("LiberationSans-Bold.ttf", "Arial Bold.ttf", "arialbd.ttf"),
}
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
    Path("/usr/share/fonts/truetype/msttcorefonts"),
    Path("/Library/Fonts"),
    Path("C:/Windows/Fonts"),
)
#: Line height as a multiple of the font size (Arial's ascent + descent, plus leading).
LINE_SPACING = 1.2
#: Average advance of a character, in ems, when no font file is found (wide on purpose).
FALLBACK_EM = 0.6
_UNITS = 1000  # the size the font is loaded at: widths scale linearly


def font_file(bold: bool = False) -> Path | None:
    """Return the TrueType file with the deck font's metrics, None when none is installed."""
    for folder in FONT_DIRS:
        for name in FONT_FILES[bold]:
            path = folder / name
            if path.is_file():
                return path
    return None


@functools.cache
def _font(bold: bool) -> ImageFont.FreeTypeFont | None:
    path = font_file(bold)
    return ImageFont.truetype(str(path), _UNITS) if path is not None else None


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Return the width in points of one line of ``text`` at ``size`` points."""
    font = _font(bold)
    if font is None:
        return len(text) * FALLBACK_EM * size
    return font.getlength(text) * size / _UNITS


def wrapped_lines(text: str, width: float, size: float, *, bold: bool = False) -> int:
    """Return how many lines ``text`` takes in ``width`` points, wrapped between words."""
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and text_width(candidate, size, bold=bold) > width:
                lines += 1
                line = word
            else:
                line = candidate
    return lines


def text_height(text: str, width: float, size: float, *, bold: bool = False) -> float:
    """Return the height in points of ``text`` wrapped in ``width`` points."""
    return wrapped_lines(text, width, size, bold=bold) * size * LINE_SPACING


def fitting_size(
    text: str,
    width: float,
    height: float,
    *,
    largest: int,
    smallest: int,
    bold: bool = False,
) -> int:
    """Return the largest size (points) at which ``text`` fits the box, words unbroken."""
    for size in range(largest, smallest - 1, -1):
        longest_word = max((text_width(w, size, bold=bold) for w in text.split()), default=0)
        fits_height = text_height(text, width, size, bold=bold) <= height
        if longest_word <= width and fits_height:
            return size
    return smallest
