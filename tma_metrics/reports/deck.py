"""What a slide deck says: frozen value objects, independent of PowerPoint.

A view (Point TMA, Copil...) builds a :class:`Deck`; :func:`with_chart_images` turns
its Plotly figures into PNG images (or records, in French, why it could not);
``slides.deck_bytes`` lays it out as a ``.pptx``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from tma_metrics.reports.chart_images import ChartRenderError, figure_png

#: Pixel size of a slide's chart: its 8.9 × 5.5 in box at 96 px per inch, so the
#: figure's font sizes read as points on the slide; rendered at twice that for sharpness.
CHART_IMAGE_PX = (854, 528)
CHART_IMAGE_SCALE = 2


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


Slide = ChartSlide | TableSlide | TextSlide


@dataclass(frozen=True)
class Deck:
    """A whole presentation: a title slide, then the slides in order."""

    title: str
    subtitle: str = ""
    date_label: str = ""
    slides: tuple[Slide, ...] = field(default_factory=tuple)

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
    return figure_png(fig, width=width, height=height, scale=CHART_IMAGE_SCALE)


def _needs_render(slide: Slide) -> bool:
    return (
        isinstance(slide, ChartSlide)
        and slide.figure is not None
        and slide.image_png is None
        and slide.image_error is None
    )
