"""No markup from data in charts: every builder escapes the texts it is given, and the
figure handed to the page or the deck keeps no tag but the builders' own."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from tests.charts.test_portfolio import portfolio
from tests.figures_fixtures import DEMO_AS_OF, NOW, gamma_frames
from tma_metrics import charts
from tma_metrics.charts.contract import CHART_IDS, contract_charts
from tma_metrics.charts.safe_text import escaped, safe_figure
from tma_metrics.figures.contract_figures import compute_figures, moment
from tma_metrics.figures.periods import default_period
from tma_metrics.french.markup import PLOTLY_TAGS, escape_plotly
from tma_metrics.store.contracts_file import DEFAULT_CONTRACTS, load_contracts

#: Hostile texts put in every text a file can carry (issue 12, finding 7).
HOSTILE = (
    "<b>x</b>",
    '<a href="http://evil.example/">x</a>',
    "![x](http://evil.example/x.png)",
    "[lien](http://evil.example)",
    "**gras** $x$ `code`",
    "<script>alert(1)</script>",
    "<img src=http://evil.example/i.png>",
    "<span style='font-size:90px'>R&D</span>",
)
_TAG = re.compile(r"<[^<>]*>?")


def texts(node: Any) -> Iterator[str]:
    """Every string of a figure's JSON (trace names, texts, hovers, axes, annotations...)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            if key != "template":
                yield from texts(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from texts(value)
    elif isinstance(node, np.ndarray) and node.dtype.kind in "OUS":
        for value in node.ravel().tolist():
            yield from texts(value)


def foreign_tags(fig: go.Figure) -> list[str]:
    """The tags of a figure that are not the builders' own (so came from data)."""
    return [t for s in texts(fig.to_plotly_json()) for t in _TAG.findall(s) if t not in PLOTLY_TAGS]


@pytest.fixture(scope="module")
def hostile_charts(tmp_path_factory) -> dict[str, go.Figure]:
    """Every chart of the demo's Gamma contract, its titles, keys and people hostile."""
    (contract,) = [c for c in load_contracts(DEFAULT_CONTRACTS) if "Gâtine" in c.name]
    tickets, entries, history = gamma_frames(tmp_path_factory.mktemp("hostile"))
    hostile = [HOSTILE[i % len(HOSTILE)] for i in range(len(tickets))]
    keys = {k: f"{k} {h}" for k, h in zip(tickets["key"], hostile, strict=True)}
    tickets["key"] = tickets["key"].map(keys)
    tickets["uid"] = "canonical:" + tickets["key"]
    tickets["title"] = [f"{h} titre" for h in reversed(hostile)]
    tickets["assignee"] = hostile
    entries["ticket_key"] = entries["ticket_key"].map(keys).astype("string")
    entries["ticket_uid"] = ("canonical:" + entries["ticket_key"]).astype("string")
    entries["person"] = [HOSTILE[i % len(HOSTILE)] for i in range(len(entries))]
    history["ticket_key"] = history["ticket_key"].map(keys)
    figures = compute_figures(
        contract,
        tickets,
        entries,
        history,
        default_period(contract, DEMO_AS_OF),
        moment(DEMO_AS_OF, NOW),
    )
    built = contract_charts(figures)
    client = contract_charts(figures, client_view=True)
    built |= {f"{name}-client": fig for name, fig in client.items()}
    hostile_portfolio = portfolio()
    hostile_portfolio["contract"] = list(HOSTILE[:5])
    hostile_portfolio["rag_reason"] = list(HOSTILE[3:8])
    built["portfolio"] = charts.portfolio_chart(hostile_portfolio)
    return built


BUILDERS = [name for name in charts.__all__ if name.endswith(("_chart", "_histogram"))]


@pytest.mark.parametrize("name", BUILDERS)
def test_every_public_builder_escapes_its_frames(name: str) -> None:
    assert getattr(getattr(charts, name), "escapes_data", False), name


@pytest.mark.parametrize("chart_id", [*CHART_IDS, "portfolio"])
def test_no_tag_from_data_in_any_chart(hostile_charts, chart_id: str) -> None:
    assert foreign_tags(hostile_charts[chart_id]) == []
    assert foreign_tags(hostile_charts.get(f"{chart_id}-client", go.Figure())) == []


@pytest.mark.parametrize(
    ("chart_id", "shown"),
    [
        ("costliest_tickets", "&lt;b&gt;x&lt;/b&gt;"),
        ("costliest_tickets", "&lt;a href="),
        ("resolution_time", "&lt;script&gt;"),
        ("portfolio", "&lt;span style='font-size:90px'&gt;R&amp;D"),
    ],
    ids=["key-bold", "title-link", "resolution-key", "portfolio-name"],
)
def test_hostile_texts_reach_the_chart_as_text(hostile_charts, chart_id: str, shown: str) -> None:
    # the data is there, escaped: the test above cannot pass by dropping it
    assert any(shown in s for s in texts(hostile_charts[chart_id].to_plotly_json()))


def test_escaped_frames_keep_types_and_values() -> None:
    frame = pd.DataFrame(
        {
            "title": pd.Series(["<b>x</b>", "ok", None], dtype="str"),
            "hours": [1.5, 2.0, 3.0],
            "kind": pd.Series(["R&D", "corrective", "R&D"], dtype="category"),
            "mixed": pd.Series([pd.Timestamp("2026-01-01"), "<i>", None], dtype=object),
        }
    )
    out = escaped(frame)
    assert out["title"].tolist()[:2] == ["&lt;b&gt;x&lt;/b&gt;", "ok"]
    assert pd.isna(out["title"].iloc[2])
    assert out["hours"].tolist() == [1.5, 2.0, 3.0]
    assert list(out["kind"].cat.categories) == sorted(
        escape_plotly(k) for k in ("R&D", "corrective")
    )
    assert out["mixed"].tolist()[:2] == [pd.Timestamp("2026-01-01"), "&lt;i&gt;"]
    assert frame["title"].iloc[0] == "<b>x</b>", "the caller's frame is left as it was"
    plain = pd.DataFrame({"title": ["ok"], "hours": [1.0]})
    assert escaped(plain) is plain, "nothing to escape: no copy"


def test_safe_figure_escapes_a_tag_whatever_built_the_figure() -> None:
    fig = go.Figure(
        go.Bar(
            x=["<a href='http://evil.example'>A</a>", "B"],
            y=[1, 2],
            name="<img src=x>",
            text=["<b>1</b>", "<span style='x'>2</span>"],
            hovertemplate="%{x}<br>%{y}<extra></extra>",
            customdata=[["<a href=x>c</a>"], ["d"]],
        ),
        layout={"title": {"text": "Titre<br><i>x</i>"}},
    )
    fig.add_annotation(text="<a href='http://evil.example'>ici</a>", x=0, y=0)
    safe = safe_figure(fig)
    assert foreign_tags(safe) == []
    assert safe.data[0].text == ("<b>1</b>", "&lt;span style='x'&gt;2&lt;/span&gt;")
    assert safe.data[0].hovertemplate == "%{x}<br>%{y}<extra></extra>"
    assert safe.layout.title.text == "Titre<br>&lt;i&gt;x&lt;/i&gt;"
    assert fig.data[0].x[0].startswith("<a"), "the original figure is left as it was"


def test_the_deck_renderer_gets_a_safe_figure(monkeypatch) -> None:
    from tma_metrics.reports import chart_images

    seen: list[go.Figure] = []
    monkeypatch.setattr(chart_images._RENDERER, "render", lambda fig, opts: seen.append(fig) or b"")
    fig = go.Figure(go.Bar(x=["<a href='http://evil.example'>A</a>"], y=[1]))
    chart_images.figure_png(fig)
    assert foreign_tags(seen[0]) == []


def test_safe_figure_takes_plotly_dicts_and_leaves_the_rest_to_the_renderer() -> None:
    spec = {"data": [{"type": "bar", "x": ["<a href='http://evil.example'>A</a>"], "y": [1]}]}
    safe = safe_figure(spec)
    assert safe["data"][0]["x"] == ["&lt;a href='http://evil.example'&gt;A&lt;/a&gt;"]
    assert safe_figure("pas une figure") == "pas une figure"
    clean = {"data": [{"type": "bar", "x": ["A"], "y": [1]}]}
    assert safe_figure(clean) is clean
