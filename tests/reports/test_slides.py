"""PowerPoint deck: slide count, French texts, images or a French placeholder."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from tests.reports.helpers import tiny_png
from tma_metrics.reports.chart_images import ChartRenderError
from tma_metrics.reports.deck import ChartSlide, Deck, TableSlide, TextSlide, with_chart_images
from tma_metrics.reports.slides import deck_bytes, png_size

NBSP = "\u00a0"


def slide_texts(content: bytes) -> list[str]:
    """Return, per slide, all its text (shapes and table cells) joined by newlines."""
    texts = []
    for slide in Presentation(io.BytesIO(content)).slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts.extend(cell.text for row in shape.table.rows for cell in row.cells)
        texts.append("\n".join(parts))
    return texts


def tickets(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ticket": np.arange(1000, 1000 + n),
            "spent_hours": np.full(n, 7.5),
            "created_on": pd.Timestamp("2026-11-22"),
            "reopened": [i % 2 == 0 for i in range(n)],
        }
    )


def test_the_deck_is_16_9_with_a_title_slide() -> None:
    deck = Deck("Copil — ACME", "Bilan du trimestre", "22/11/2026")
    prs = Presentation(io.BytesIO(deck_bytes(deck)))
    assert prs.slide_width * 9 == prs.slide_height * 16
    (title_slide,) = slide_texts(deck_bytes(deck))
    assert "Copil — ACME" in title_slide
    assert "Bilan du trimestre" in title_slide
    assert "22/11/2026" in title_slide


def test_a_chart_slide_shows_the_image_and_its_key_figure() -> None:
    png = tiny_png(200, 100)
    slide = ChartSlide(
        "Consommation",
        image_png=png,
        key_figure=f"13,8{NBSP}j",
        key_label="consommés sur le trimestre",
        comment="Rythme stable.",
        notes="Parler du renouvellement.",
    )
    content = deck_bytes(Deck("Copil", slides=(slide,)))
    prs = Presentation(io.BytesIO(content))
    chart = prs.slides[1]
    pictures = [s for s in chart.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == 1
    assert pictures[0].image.blob == png
    assert pictures[0].width == 2 * pictures[0].height  # the image's aspect ratio is kept
    text = slide_texts(content)[1]
    for expected in (
        "Consommation",
        f"13,8{NBSP}j",
        "consommés sur le trimestre",
        "Rythme stable.",
    ):
        assert expected in text
    assert "Graphique indisponible" not in text
    assert chart.notes_slide.notes_text_frame.text == "Parler du renouvellement."


TABLE_CASES = [
    # rows, max_rows, max_slides, slides expected, rows shown per slide, "autres lignes" text
    (5, 15, 3, 1, [5], None),
    (15, 15, 3, 1, [15], None),
    (16, 15, 3, 2, [15, 1], None),
    (40, 15, 2, 2, [15, 15], "… et 10 autres lignes"),
    (31, 15, 2, 2, [15, 15], "… et 1 autre ligne"),
]


@pytest.mark.parametrize(
    ("n", "max_rows", "max_slides", "n_slides", "shown", "more"),
    TABLE_CASES,
    ids=[f"{c[0]}rows-max{c[1]}x{c[2]}" for c in TABLE_CASES],
)
def test_long_tables_continue_then_count_the_rest(
    n: int, max_rows: int, max_slides: int, n_slides: int, shown: list[int], more: str | None
) -> None:
    item = TableSlide("Tickets", tickets(n), max_rows=max_rows, max_slides=max_slides)
    prs = Presentation(io.BytesIO(deck_bytes(Deck("Copil", slides=(item,)))))
    slides = list(prs.slides)[1:]
    assert len(slides) == n_slides
    tables = [next(s.table for s in slide.shapes if s.has_table) for slide in slides]
    assert [len(t.rows) - 1 for t in tables] == shown
    first_ids = [int(t.cell(1, 0).text) for t in tables]
    assert first_ids == [1000 + max_rows * k for k in range(n_slides)]  # in order, no overlap
    texts = slide_texts(deck_bytes(Deck("Copil", slides=(item,))))[1:]
    if n_slides > 1:
        assert [t.split("\n")[0] for t in texts] == [
            f"Tickets ({k}/{n_slides})" for k in range(1, n_slides + 1)
        ]
    assert (more in texts[-1]) if more else ("autre" not in texts[-1])


def test_table_cells_are_in_french_formats() -> None:
    content = deck_bytes(Deck("Copil", slides=(TableSlide("Tickets", tickets(2)),)))
    prs = Presentation(io.BytesIO(content))
    table = next(s.table for s in prs.slides[1].shapes if s.has_table)
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows == [
        ["ticket", "spent_hours", "created_on", "reopened"],
        ["1000", f"7,5{NBSP}h", "22/11/2026", "Oui"],
        ["1001", f"7,5{NBSP}h", "22/11/2026", "Non"],
    ]


def test_an_empty_table_says_so() -> None:
    content = deck_bytes(Deck("Copil", slides=(TableSlide("Tickets", tickets(0)),)))
    assert "Aucune ligne." in slide_texts(content)[1]


def test_a_text_slide_lists_its_points() -> None:
    item = TextSlide("Actions et décisions", ("Valider le devis n° 42", "Planifier PHP 8.3"))
    text = slide_texts(deck_bytes(Deck("Point TMA", slides=(item,))))[1]
    assert "• Valider le devis n° 42" in text
    assert "• Planifier PHP 8.3" in text


def test_every_content_slide_has_a_footer_with_its_number() -> None:
    slides = (TextSlide("A"), TextSlide("B"))
    texts = slide_texts(deck_bytes(Deck("Copil", date_label="novembre 2026", slides=slides)))
    assert "Copil · novembre 2026    2" in texts[1]
    assert "Copil · novembre 2026    3" in texts[2]


def test_charts_are_rendered_once_the_browser_fails_the_rest_are_not_tried() -> None:
    calls: list[go.Figure] = []

    def broken(fig: go.Figure) -> bytes:
        calls.append(fig)
        raise ChartRenderError("Chromium est introuvable (/usr/bin/chromium).")

    slides = tuple(
        ChartSlide(f"Graphique {i}", figure=go.Figure(), key_figure="93 %") for i in range(3)
    )
    deck = with_chart_images(Deck("Copil", slides=slides), render=broken)
    assert len(calls) == 1
    assert [title for title, _ in deck.missing_charts] == [
        "Graphique 0",
        "Graphique 1",
        "Graphique 2",
    ]
    content = deck_bytes(deck, render_charts=False)
    for text in slide_texts(content)[1:]:
        assert "Graphique indisponible" in text
        assert "Chromium est introuvable" in text
        assert "93 %" in text  # the key figure is still there


def test_rendered_images_are_kept_and_given_images_are_not_rerendered() -> None:
    png = tiny_png(60, 30)
    calls: list[go.Figure] = []

    def fake(fig: go.Figure) -> bytes:
        calls.append(fig)
        return png

    slides = (
        ChartSlide("Rendu", figure=go.Figure()),
        ChartSlide("Fourni", figure=go.Figure(), image_png=tiny_png(10, 10)),
        TextSlide("Texte"),
    )
    deck = with_chart_images(Deck("Copil", slides=slides), render=fake)
    assert len(calls) == 1
    assert deck.slides[0].image_png == png
    assert png_size(deck.slides[1].image_png) == (10, 10)
    assert deck.missing_charts == ()


def test_an_unreadable_image_is_a_placeholder_not_a_crash() -> None:
    deck = Deck("Copil", slides=(ChartSlide("SLA", image_png=b"not a png"), ChartSlide("Vide")))
    texts = slide_texts(deck_bytes(deck))
    assert "l'image fournie n'est pas un PNG lisible." in texts[1]
    assert "aucune image n'a été fournie." in texts[2]


def test_table_slide_refuses_nonsense_limits() -> None:
    with pytest.raises(ValueError, match="au moins 1"):
        TableSlide("Tickets", tickets(1), max_rows=0)
