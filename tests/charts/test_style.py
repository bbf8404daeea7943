"""Palette, config and French axis helpers shared by the charts."""

from __future__ import annotations

import ast
from pathlib import Path

import plotly.graph_objects as go
import pytest

from tests.charts.helpers import OKABE_ITO_RGB, check_empty, rgb
from tests.test_architecture import import_crimes
from tma_metrics import charts
from tma_metrics.charts import style
from tma_metrics.french.formats import NBSP, THIN

CHARTS_DIR = Path(__file__).resolve().parents[2] / "tma_metrics" / "charts"


def test_palette_is_okabe_ito_plus_grey() -> None:
    assert {rgb(c) for c in style.PALETTE} == OKABE_ITO_RGB


@pytest.mark.parametrize(
    "mapping",
    [
        style.CONSUMPTION_COLORS,
        style.SEVERITY_COLORS,
        style.OUTCOME_COLORS,
        style.KIND_COLORS,
        style.RAG_COLORS,
        dict(style.COMPLIANCE_SCALE),
    ],
    ids=["consumption", "severity", "outcome", "kind", "rag", "compliance-scale"],
)
def test_every_meaning_uses_the_palette(mapping: dict) -> None:
    assert {rgb(c) for c in mapping.values()} <= OKABE_ITO_RGB


@pytest.mark.parametrize(
    "mapping",
    [style.SEVERITY_COLORS, style.OUTCOME_COLORS, style.RAG_COLORS],
    ids=["severity", "outcome", "rag"],
)
def test_colours_inside_one_dimension_are_distinct(mapping: dict) -> None:
    meaningful = {k: v for k, v in mapping.items() if k != "not_applicable"}
    assert len(set(meaningful.values())) == len(meaningful)


def test_the_five_kinds_and_other_have_distinct_colours() -> None:
    assert set(style.KIND_COLORS) == {
        "corrective",
        "evolutive",
        "preventive",
        "support",
        "management",
        "other",
    }
    assert len(set(style.KIND_COLORS.values())) == 6


def test_chart_config_keeps_the_png_download_and_drops_the_logo() -> None:
    config = style.chart_config("Consommation du carnet — Gâtine")
    assert config["displaylogo"] is False
    assert config["toImageButtonOptions"]["format"] == "png"
    assert config["toImageButtonOptions"]["filename"] == "consommation-du-carnet-gatine"
    assert "toImage" not in config["modeBarButtonsToRemove"]
    assert {"lasso2d", "select2d", "sendChartToCloud"} <= set(config["modeBarButtonsToRemove"])
    assert charts.CHART_CONFIG["toImageButtonOptions"]["filename"] == "tma-graphique"


SLUG_CASES = [
    ("Respect des SLA — févr. 2026", "respect-des-sla-fevr-2026"),
    ("  Épuisement   prévu ", "epuisement-prevu"),
    ("«»", "tma-graphique"),
]


@pytest.mark.parametrize(("text", "expected"), SLUG_CASES, ids=["dash-accent", "spaces", "empty"])
def test_slug(text: str, expected: str) -> None:
    assert style.slug(text) == expected


COMPACT_CASES = [
    (114.0, "j", f"114{NBSP}j"),
    (12.5, "j", f"12,5{NBSP}j"),
    (1234.56, "h", f"1{THIN}234,6{NBSP}h"),
    (0.0, "j", f"0{NBSP}j"),
    (-2.0, "j", f"-2{NBSP}j"),
    (None, "j", "—"),
    (float("nan"), "", "—"),
]


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    COMPACT_CASES,
    ids=["integer", "decimal", "thousands", "zero", "negative", "none", "nan"],
)
def test_compact_drops_a_useless_decimal(value: float, unit: str, expected: str) -> None:
    assert style.compact(value, unit) == expected


MONTH_TICK_CASES = [
    ("2026-11-20", "2027-02-03", 12, ["nov. 2026", "déc.", "janv. 2027", "févr."]),
    ("2026-02-01", "2026-02-28", 12, ["févr. 2026"]),
    # 24 months thinned to every other month; the year shows on each new year's first tick.
    ("2025-01-01", "2026-12-31", 12, None),
]


@pytest.mark.parametrize(
    ("start", "end", "max_ticks", "expected"),
    MONTH_TICK_CASES,
    ids=["across-new-year", "one-month", "two-years"],
)
def test_month_ticks_are_french(
    start: str, end: str, max_ticks: int, expected: list | None
) -> None:
    values, texts = style.month_ticks(start, end, max_ticks=max_ticks)
    assert len(values) == len(texts) <= max_ticks
    assert all(v.day == 1 for v in values)
    if expected is not None:
        assert texts == expected
    else:
        assert texts[0] == "janv. 2025"
        assert "janv. 2026" in texts
        assert len(texts) == 12


def test_empty_figure_says_why_in_french() -> None:
    fig = style.empty_figure("Respect des délais", "Aucune demande résolue sur la période.")
    check_empty(fig, "Aucune demande résolue")


@pytest.mark.parametrize(
    ("names", "rows"),
    [((), 0), (("Reçues", "Résolues"), 1), (("x" * 60,) * 3, 3)],
    ids=["no-legend", "short", "long-names-wrap"],
)
def test_legend_rows_grow_with_long_names(names: tuple, rows: int) -> None:
    fig = go.Figure([go.Bar(x=[1], y=[1], name=n, legendgroup=str(i)) for i, n in enumerate(names)])
    assert style.legend_rows(fig) == rows


@pytest.mark.parametrize("path", sorted(CHARTS_DIR.glob("*.py")), ids=lambda p: p.name)
def test_chart_modules_import_no_streamlit_duckdb_or_file_io(path: Path) -> None:
    assert import_crimes(path.read_text(encoding="utf-8")) == []


PUBLIC_BUILDERS = [name for name in charts.__all__ if name.endswith(("_chart", "_histogram"))]


@pytest.mark.parametrize("name", PUBLIC_BUILDERS)
def test_each_builder_says_which_frame_it_reads(name: str) -> None:
    doc = getattr(charts, name).__doc__ or ""
    assert "Reads" in doc or "Expected columns" in doc, name


def test_every_builder_is_exported() -> None:
    defined = set()
    for path in CHARTS_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined |= {
            node.name
            for node in tree.body
            if isinstance(node, ast.FunctionDef)
            and node.name.endswith(("_chart", "_histogram"))
            and not node.name.startswith("_")
            and node.name != "contract_charts"
        }
    assert defined == set(PUBLIC_BUILDERS)


def test_alt_text_is_the_title_and_subtitle_on_one_line() -> None:
    fig = go.Figure()
    style.style_figure(fig, "Respect des délais : " + "x " * 60, subtitle="Mois de l'arrêt")
    text = style.alt_text(fig)
    assert "<br>" not in text
    assert text.startswith("Respect des délais : x x") and text.endswith("Mois de l'arrêt.")
