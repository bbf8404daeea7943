"""What a slide deck says: frozen value objects, independent of PowerPoint.

A view (Point TMA, Copil...) builds a :class:`Deck`; :func:`with_chart_images` turns
its Plotly figures into PNG images (or records, in French, why it could not);
``slides.deck_bytes`` lays it out as a ``.pptx``.

One font everywhere: the slides' texts are in `text_metrics.DECK_FONT` (Arial; Liberation
Sans, same metrics, on Debian), and every chart image is rendered with the same family
(`IMAGE_FONT_FAMILY`), whatever family the figure asked for. The chart's own title
becomes the slide's message line (`chart_message`), so the image does not repeat it.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from tma_metrics.reports.chart_images import ChartRenderError, figure_png
from tma_metrics.reports.text_metrics import DECK_FONT

__all__ = [
    "CHART_IMAGE_PX",
    "CHART_IMAGE_SCALE",
    "IMAGE_FONT_FAMILY",
    "ChartSlide",
    "Deck",
    "FiguresSlide",
    "KeyFigure",
    "SectionSlide",
    "Slide",
    "TableSlide",
    "TextSlide",
    "chart_message",
    "slide_figure",
    "with_chart_images",
]

#: CSS pixel size of a slide's chart, for its 8.9 × 5.2 in box: 85 px per inch, so the
#: figure's 13 px texts read as 11 pt on the slide; rendered 2.5 times denser for
#: sharpness (1 900 px wide).
CHART_IMAGE_PX = (760, 444)
CHART_IMAGE_SCALE = 2.5
#: The font family of rendered charts: the deck's font, then its Debian twin (fontconfig
#: also maps Arial to Liberation Sans, from the `fonts-liberation2` package).
IMAGE_FONT_FAMILY = f"{DECK_FONT}, Liberation Sans, sans-serif"
#: Top margin (px) of a chart once its title moved to the slide.
_UNTITLED_TOP_MARGIN = 16
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True, eq=False)
class ChartSlide:
    """A chart with its key figure shown big beside it.

    ``figure`` is rendered to ``image_png`` when the deck is built, unless an image is
    already given. ``image_error`` records why there is no image (French).
    """

    title: str
    figure: go.Figure | None = None
    image_png: bytes | None = None
    key_figure: str = ""
    key_label: str = ""
    comment: str = ""
    notes: str = ""
    image_error: str | None = None
    message: str = ""  # one sentence under the title: what the chart shows


@dataclass(frozen=True, eq=False)
class TableSlide:
    """A table, formatted the French way; long tables continue on following slides.

    At most ``max_rows`` rows per slide and ``max_slides`` slides; the rows left over
    are counted in a closing line "… et N autres lignes".
    """

    title: str
    table: pd.DataFrame
    max_rows: int = 15
    max_slides: int = 3
    notes: str = ""

    def __post_init__(self) -> None:
        if self.max_rows < 1 or self.max_slides < 1:
            raise ValueError("max_rows et max_slides doivent valoir au moins 1.")


@dataclass(frozen=True)
class TextSlide:
    """A list of points: actions, decisions, highlights."""

    title: str
    bullets: tuple[str, ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class KeyFigure:
    """One figure of a :class:`FiguresSlide`: label, value as French text, detail."""

    label: str
    value: str
    detail: str = ""


@dataclass(frozen=True)
class FiguresSlide:
    """Key figures shown as tiles, three per row (at most nine)."""

    title: str
    figures: tuple[KeyFigure, ...] = ()
    notes: str = ""
    message: str = ""

    def __post_init__(self) -> None:
        if len(self.figures) > 9:
            raise ValueError(
                f"Au plus 9 chiffres clés par diapositive, trouvé {len(self.figures)}."
            )


@dataclass(frozen=True)
class SectionSlide:
    """A divider between parts of the deck (« Annexes »)."""

    title: str
    subtitle: str = ""


Slide = ChartSlide | TableSlide | TextSlide | FiguresSlide | SectionSlide


@dataclass(frozen=True)
class Deck:
    """A whole presentation: a title slide, then the slides in order.

    The title slide shows ``title``, the ``client``'s name (when given), ``subtitle``,
    ``date_label`` and the client's ``logo`` (PNG or JPEG bytes) in its top right corner.
    """

    title: str
    subtitle: str = ""
    date_label: str = ""
    slides: tuple[Slide, ...] = field(default_factory=tuple)
    client: str = ""
    logo: bytes | None = None

    @property
    def missing_charts(self) -> tuple[tuple[str, str], ...]:
        """Return ``(slide title, reason)`` for each chart slide without an image."""
        return tuple(
            (s.title, s.image_error or "aucune image fournie")
            for s in self.slides
            if isinstance(s, ChartSlide) and s.image_png is None
        )


def with_chart_images(
    deck: Deck,
    render: Callable[[go.Figure], bytes] | None = None,
) -> Deck:
    """Return the deck with every chart figure rendered to a PNG image.

    After the first :class:`ChartRenderError` (typically: no Chromium) the remaining
    figures are not tried: their slides get the same French reason, so a missing
    browser costs one failure, not one per chart.
    """
    if render is None:
        render = _render_for_slide
    failure: str | None = None
    slides: list[Slide] = []
    for slide in deck.slides:
        if not _needs_render(slide):
            slides.append(slide)
            continue
        if failure is None:
            try:
                slide = dataclasses.replace(slide, image_png=render(slide.figure))
            except ChartRenderError as exc:
                failure = str(exc)
        if failure is not None:
            slide = dataclasses.replace(slide, image_error=failure)
        slides.append(slide)
    return dataclasses.replace(deck, slides=tuple(slides))


def _render_for_slide(fig: go.Figure) -> bytes:
    width, height = CHART_IMAGE_PX
    return figure_png(slide_figure(fig), width=width, height=height, scale=CHART_IMAGE_SCALE)


def slide_figure(fig: go.Figure) -> go.Figure:
    """Return a copy of ``fig`` for a slide: the deck's font everywhere, no title."""
    spec = _with_font(fig.to_plotly_json(), IMAGE_FONT_FAMILY)
    out = go.Figure(spec)
    out.update_layout(
        font_family=IMAGE_FONT_FAMILY,
        paper_bgcolor="white",  # the slide's own background: no grey box around the chart
        title_text="",
        title_subtitle_text="",
        margin_t=_UNTITLED_TOP_MARGIN,
        width=None,
        height=None,
    )
    return out


def chart_message(fig: go.Figure) -> str:
    """Return a figure's title (and subtitle) as one plain sentence for the slide."""
    title = fig.layout.title
    parts = [title.text or "", (title.subtitle.text or "") if title.subtitle else ""]
    text = " — ".join(p for p in (_plain(part) for part in parts) if p)
    return text


def _plain(text: str) -> str:
    """Turn a Plotly label (``<br>``, ``<b>``, entities) into plain text."""
    text = re.sub(r"<br\s*/?>", " ", text, flags=re.IGNORECASE)
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def _with_font(node: Any, family: str) -> Any:
    """Return a figure's JSON with every font family replaced by ``family``."""
    if isinstance(node, dict):
        out = {key: _with_font(value, family) for key, value in node.items()}
        for key in ("font", "tickfont", "textfont", "insidetextfont", "outsidetextfont"):
            if isinstance(out.get(key), dict):
                out[key] = {**out[key], "family": family}
        return out
    if isinstance(node, list):
        return [_with_font(item, family) for item in node]
    return node


def _needs_render(slide: Slide) -> bool:
    return (
        isinstance(slide, ChartSlide)
        and slide.figure is not None
        and slide.image_png is None
        and slide.image_error is None
    )
