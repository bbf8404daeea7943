"""Plotly figures to PNG with kaleido and the system Chromium."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import plotly.graph_objects as go
import pytest

from tma_metrics.reports import chart_images
from tma_metrics.reports.chart_images import ChartRenderError, figure_png, find_browser
from tma_metrics.reports.deck import ChartSlide, Deck, with_chart_images
from tma_metrics.reports.slides import png_size

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def small_figure(title: str = "Consommation (j)") -> go.Figure:
    return go.Figure(
        go.Bar(x=["sept.", "oct.", "nov."], y=[4.5, 6.25, 3.0]),
        layout={"title": title, "separators": ", "},
    )


@pytest.fixture(scope="module")
def chromium() -> Iterator[str]:
    """Yield the browser path; skip without one, but fail on CI where it must exist."""
    path = find_browser()
    if path is None:
        reason = "Chromium absent (/usr/bin/chromium ou BROWSER_PATH) : rendu réel non testé"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} ; CI=true exige Chromium (voir .ci/run).")
        pytest.skip(reason)
    yield path
    chart_images.shutdown()


SIZE_CASES = [(320, 200, 1), (1200, 600, 1), (400, 300, 2)]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("width", "height", "scale"), SIZE_CASES, ids=[f"{w}x{h}@{s}" for w, h, s in SIZE_CASES]
)
def test_a_real_render_is_a_png_of_the_requested_size(
    chromium: str, width: int, height: int, scale: int
) -> None:
    png = figure_png(small_figure(), width=width, height=height, scale=scale)
    assert png.startswith(PNG_SIGNATURE)
    assert png_size(png) == (width * scale, height * scale)


@pytest.mark.slow
def test_the_browser_is_started_once_per_process(chromium: str) -> None:
    figure_png(small_figure(), width=300, height=200)
    pid = chart_images.browser_process_id()
    assert pid is not None
    started = time.perf_counter()
    for i in range(4):
        figure_png(small_figure(f"Graphique {i}"), width=300, height=200)
    per_chart = (time.perf_counter() - started) / 4
    assert chart_images.browser_process_id() == pid
    # Starting Chromium takes seconds; a render on the running browser well under that.
    assert per_chart < 3


@pytest.mark.slow
def test_a_deck_gets_real_images(chromium: str) -> None:
    deck = Deck("Copil", slides=(ChartSlide("Consommation", figure=small_figure()),))
    (slide,) = with_chart_images(deck).slides
    assert slide.image_error is None
    assert png_size(slide.image_png) == (1900, 1110)  # 760 × 444 CSS px at 2.5


def test_a_missing_browser_is_a_clear_french_error(monkeypatch: pytest.MonkeyPatch) -> None:
    chart_images.shutdown()
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    with pytest.raises(ChartRenderError, match="Chromium est introuvable"):
        figure_png(small_figure())


@pytest.mark.skipif(not os.path.exists("/bin/false"), reason="/bin/false absent")
def test_a_browser_that_dies_at_once_is_a_clear_french_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chart_images.shutdown()
    monkeypatch.setenv("BROWSER_PATH", "/bin/false")
    with pytest.raises(ChartRenderError, match="n'a pas pu démarrer"):
        figure_png(small_figure())


@pytest.mark.parametrize(
    ("width", "height", "scale"), [(0, 600, 1), (1200, -1, 1), (1200, 600, 0)], ids=str
)
def test_a_nonsense_size_is_refused(width: int, height: int, scale: float) -> None:
    with pytest.raises(ValueError, match="Taille d'image invalide"):
        figure_png(small_figure(), width=width, height=height, scale=scale)


BAD_FIGURES = [
    ({"data": "pas une liste"}, "non-array"),
    ("pas une figure", "valid plotly figure"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("figure", "detail"), BAD_FIGURES, ids=["bad-data", "not-a-figure"])
def test_a_bad_figure_is_an_error_but_keeps_the_browser(
    chromium: str, figure: object, detail: str
) -> None:
    figure_png(small_figure(), width=300, height=200)
    pid = chart_images.browser_process_id()
    with pytest.raises(ChartRenderError, match=f"Le rendu du graphique a échoué.*{detail}"):
        figure_png(figure, width=300, height=200)
    assert chart_images.browser_process_id() == pid
