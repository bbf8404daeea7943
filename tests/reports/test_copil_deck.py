"""The Copil deck a client sees: one message per slide, French figures, every text in its box.

Decks of four real contracts (numeric and text ticket keys, a régie, a contract without
any data) are opened back with python-pptx. Every text is checked for raw values
(« <NA> », « None », « nan »…) and measured with the font's own metrics (Pillow and the
Liberation Sans file, Arial's metric twin), wrapped word by word here, against its box.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import plotly.graph_objects as go
import pytest
from PIL import ImageFont
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Emu, Inches

from tests.naive import views as naive
from tests.reports.conftest import NAMES
from tests.reports.helpers import tiny_png
from tma_metrics.charts.contract import CHART_IDS, contract_charts
from tma_metrics.reports.copil_deck import CHART_SLIDES, copil_deck
from tma_metrics.reports.deck import (
    IMAGE_FONT_FAMILY,
    ChartSlide,
    FiguresSlide,
    SectionSlide,
    TableSlide,
    TextSlide,
    slide_figure,
    with_chart_images,
)
from tma_metrics.reports.logo import contract_logo
from tma_metrics.reports.slides import deck_bytes
from tma_metrics.views.copil import copil_view

RAW = re.compile(r"<NA>|\bNone\b|\bnan\b|\bNaN\b|\bNaT\b|\binf\b|\bTrue\b|\bFalse\b|\bnull\b")
#: English words a French deck never shows.
ENGLISH = re.compile(r"\b(the|and|of|Month|Date|Hours|Tickets|Count|Total|Value)\b")
SLIDE_WIDTH, SLIDE_HEIGHT = Inches(13.333), Inches(7.5)
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
)


def _font_path(bold: bool) -> Path | None:
    name = "LiberationSans-Bold.ttf" if bold else "LiberationSans-Regular.ttf"
    return next((d / name for d in FONT_DIRS if (d / name).is_file()), None)


@pytest.fixture(scope="module")
def fonts():
    """Arial's metric twins, in points at size 1 000 (skip without fonts-liberation)."""
    paths = {bold: _font_path(bold) for bold in (False, True)}
    if None in paths.values():
        pytest.skip("Liberation Sans absente (paquet Debian fonts-liberation2) : mesure impossible")
    return {bold: ImageFont.truetype(str(path), 1000) for bold, path in paths.items()}


def fake_render(fig: go.Figure) -> bytes:
    return tiny_png(76, 44)  # the real images' aspect ratio, without a browser


@pytest.fixture(scope="module")
def decks(quarter, contracts_file, contracts):
    """Each contract's client deck, built from its real charts, as .pptx bytes."""
    out = {}
    for name in NAMES:
        figures = quarter[name]
        view = copil_view(figures, client_view=True)
        charts = contract_charts(figures, client_view=True)
        contract = contracts[name]
        logo = contract_logo(contract, contracts_file)
        deck = copil_deck(view, charts, client=contract.client or "", logo=logo.data)
        deck = with_chart_images(deck, render=fake_render)
        out[name] = (deck, deck_bytes(deck, render_charts=False))
    return out


def texts_of(content: bytes) -> list[list[str]]:
    """Every text of each slide: shapes, table cells and speaker notes."""
    out = []
    for slide in Presentation(io.BytesIO(content)).slides:
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        texts += [
            c.text for s in slide.shapes if s.has_table for r in s.table.rows for c in r.cells
        ]
        if slide.has_notes_slide:
            texts.append(slide.notes_slide.notes_text_frame.text)
        out.append(texts)
    return out


@pytest.mark.parametrize("name", NAMES)
def test_no_raw_value_and_no_english_anywhere(decks, name) -> None:
    _, content = decks[name]
    for number, texts in enumerate(texts_of(content), start=1):
        for text in texts:
            assert not RAW.search(text), (number, text)
            assert not ENGLISH.search(text), (number, text)


# -- measured with the font's metrics ---------------------------------------------------


def line_count(text: str, width: float, size: float, font) -> tuple[int, float]:
    """Greedy word wrap: (lines, widest word in points) of one paragraph."""
    scale = size / 1000
    lines, line, widest = 1, "", 0.0
    for word in text.split(" "):
        widest = max(widest, font.getlength(word) * scale)
        candidate = f"{line} {word}" if line else word
        if line and font.getlength(candidate) * scale > width:
            lines, line = lines + 1, word
        else:
            line = candidate
    return lines, widest


def frame_extent(frame, width: float, fonts) -> tuple[float, float]:
    """(height of the text, widest word) in points, wrapped in ``width`` points."""
    height, widest = 0.0, 0.0
    for i, paragraph in enumerate(frame.paragraphs):
        runs = paragraph.runs
        if not runs:
            continue
        size = max(r.font.size.pt for r in runs)
        font = fonts[bool(runs[0].font.bold)]
        lines, word = line_count("".join(r.text for r in runs), width, size, font)
        before = paragraph.space_before.pt if (i and paragraph.space_before) else 0.0
        height += before + lines * size * 1.2
        widest = max(widest, word)
    return height, widest


def overflows(slide, fonts) -> list[str]:
    """Texts of a slide that do not fit their box, and shapes outside the slide."""
    found = []
    for shape in slide.shapes:
        if (
            shape.left < 0
            or shape.top < 0
            or shape.left + shape.width > SLIDE_WIDTH
            or (shape.top + shape.height > SLIDE_HEIGHT)
        ):
            found.append(f"hors de la diapositive : {shape.name}")
        if shape.has_text_frame and shape.text_frame.text.strip():
            tf = shape.text_frame
            width = Emu(shape.width - tf.margin_left - tf.margin_right).pt
            room = Emu(shape.height - tf.margin_top - tf.margin_bottom).pt
            height, word = frame_extent(tf, width, fonts)
            if height > room + 1 or word > width + 0.5:
                found.append(
                    f"« {tf.text[:40]} » : {height:.0f} pt pour {room:.0f}, mot {word:.0f}"
                )
        if shape.has_table:
            found += table_overflows(shape, fonts)
    return found


def table_overflows(shape, fonts) -> list[str]:
    found, bottom = [], shape.top
    table = shape.table
    for row in table.rows:
        needed = 0.0
        for j, cell in enumerate(row.cells):
            width = Emu(table.columns[j].width - cell.margin_left - cell.margin_right).pt
            height, word = frame_extent(cell.text_frame, width, fonts)
            needed = max(needed, height + Emu(cell.margin_top + cell.margin_bottom).pt)
            if word > width + 0.5:
                found.append(f"mot coupé dans « {cell.text[:30]} »")
        bottom += max(row.height, Emu(int(Inches(needed / 72))))
    if bottom > Inches(6.9):
        found.append(f"tableau jusqu'à {Emu(bottom).inches:.2f} in, sur le pied de page")
    return found


@pytest.mark.parametrize("name", NAMES)
def test_every_text_fits_its_box(decks, fonts, name) -> None:
    _, content = decks[name]
    for number, slide in enumerate(Presentation(io.BytesIO(content)).slides, start=1):
        assert overflows(slide, fonts) == [], number


def test_a_long_text_is_made_smaller_not_cut(fonts) -> None:
    from tma_metrics.reports.deck import Deck, FiguresSlide, KeyFigure

    long = "Consommation " * 12
    tiles = tuple(KeyFigure(f"Libellé {i} " * 3, "29/12/2026", long) for i in range(9))
    deck = Deck(
        "Comité de pilotage",
        client="Client " * 8,
        slides=(FiguresSlide(long, tiles), TextSlide("Points", tuple(long for _ in range(12)))),
    )
    for slide in Presentation(io.BytesIO(deck_bytes(deck))).slides:
        assert overflows(slide, fonts) == []


# -- one message per slide --------------------------------------------------------------


def test_the_title_slide_names_the_client_and_shows_its_logo(decks) -> None:
    _, content = decks["gamma"]
    title = Presentation(io.BytesIO(content)).slides[0]
    text = " ".join(s.text_frame.text for s in title.shapes if s.has_text_frame)
    assert "Comité de pilotage" in text and "Syndicat des Eaux de la Gâtine" in text
    assert "Période du 01/10/2026 au 20/11/2026" in text and "Arrêté au 20/11/2026" in text
    pictures = [s for s in title.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == 1 and pictures[0].width == 3 * pictures[0].height  # 240 × 80
    _, other = decks["alpha"]
    first = Presentation(io.BytesIO(other)).slides[0]
    assert not [s for s in first.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]


@pytest.mark.parametrize("name", NAMES)
def test_no_chart_is_repeated_as_a_table_and_tables_are_in_the_appendix(decks, name) -> None:
    deck, _ = decks[name]
    kinds = [type(s) for s in deck.slides]
    tables = [i for i, k in enumerate(kinds) if k is TableSlide]
    if tables:
        appendix = kinds.index(SectionSlide)
        assert deck.slides[appendix].title == "Annexes" and min(tables) > appendix
    titles = [s.title for s in deck.slides if isinstance(s, TableSlide)]
    for repeated in (
        "Consommation mensuelle",
        "Typologie des demandes",
        "Ancienneté des demandes ouvertes",
    ):
        assert repeated not in titles


def test_a_chart_with_nothing_to_show_gets_no_slide(decks) -> None:
    deck, _ = decks["vide"]
    titles = [s.title for s in deck.slides if isinstance(s, ChartSlide)]
    assert "Respect des SLA par sévérité" not in titles
    assert "Demandes les plus consommatrices" not in titles
    full, _ = decks["gamma"]
    assert [s.title for s in full.slides if isinstance(s, ChartSlide)] == [
        CHART_SLIDES[name][0] for name in CHART_IDS
    ]


def test_the_costliest_key_figure_names_a_ticket_or_the_time_without_one(quarter) -> None:
    view = copil_view(quarter["beta-regie"], client_view=True)
    _, label = CHART_SLIDES["costliest_tickets"][1](view)
    top = view.costliest.iloc[0]
    expected = (
        "le temps saisi sans demande"
        if top["key"] is None or top["key"] != top["key"]
        else str(top["key"])
    )
    assert expected in label and "<NA>" not in label


def test_key_figures_are_tiles_and_the_sla_one_is_the_loop_s(quarter) -> None:
    figures = quarter["gamma"]
    deck = copil_deck(copil_view(figures, client_view=True), {"sla_compliance_matrix": go.Figure()})
    assert [type(s) for s in deck.slides[:2]] == [FiguresSlide, FiguresSlide]
    (slide,) = [s for s in deck.slides if isinstance(s, ChartSlide)]
    met, breached, _, _ = naive.sla_counts(
        figures.outcomes, figures.period.start, figures.period.end
    )
    assert slide.key_figure == f"{round(100 * met / (met + breached))}\u00a0%"


def test_the_deck_is_client_safe_by_default(quarter) -> None:
    view = copil_view(quarter["gamma"])  # an internal view
    deck = copil_deck(view)
    shown = " ".join(
        [f.label for s in deck.slides if isinstance(s, FiguresSlide) for f in s.figures]
        + [h for s in deck.slides if isinstance(s, TableSlide) for h in s.table.columns]
    )
    assert "absorbé" not in shown.lower() and "passé (h)" not in shown.lower()
    internal = copil_deck(view, client_view=False)
    labels = [f.label for s in internal.slides if isinstance(s, FiguresSlide) for f in s.figures]
    assert "Temps absorbé" in labels


@pytest.mark.parametrize(
    "names",
    [(), ("burn_up",), ("sla_compliance_matrix", "unknown_chart", "burn_up")],
    ids=["no-chart", "one-chart", "known-and-unknown"],
)
def test_one_chart_slide_per_chart_in_the_builder_s_order(quarter, names) -> None:
    charts = {name: go.Figure(layout={"title": {"text": "Graphique maison"}}) for name in names}
    deck = copil_deck(copil_view(quarter["gamma"]), charts)
    slides = [s for s in deck.slides if isinstance(s, ChartSlide)]
    known = [CHART_SLIDES[n][0] for n in CHART_SLIDES if n in names]
    assert [s.title for s in slides] == known + ["Graphique maison"] * (len(names) - len(known))
    assert isinstance(deck.slides[-1], TableSlide | TextSlide)
    assert any(isinstance(s, TextSlide) and "Actions" in s.title for s in deck.slides)


# -- one font, charts included ------------------------------------------------------------


def test_chart_images_use_the_deck_font_whatever_the_figure_asked(quarter) -> None:
    charts = contract_charts(quarter["gamma"], client_view=True)
    for name, figure in charts.items():
        spec = slide_figure(figure).to_plotly_json()
        families = set(re.findall(r"'family': '([^']*)'", str(spec)))
        assert families == {IMAGE_FONT_FAMILY}, name
        assert not slide_figure(figure).layout.title.text, name  # the slide carries it


def test_the_deck_font_exists_on_this_debian_machine() -> None:
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        pytest.skip("fontconfig absent : pas de résolution de police à vérifier")
    found = subprocess.run(
        [fc_match, "--format=%{family}", "Arial"], capture_output=True, text=True, check=True
    ).stdout
    assert "Liberation Sans" in found or "Arial" in found, found
