"""Every page, run on hostile data: no Markdown or HTML from a file reaches the screen as
markup, in texts, alerts, titles, expanders or charts (issue 12, finding 7)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.markup_fixtures import AS_OF, CONTRACT, KEYS, hostile_database, raw_markup
from tma_metrics.french.markup import PLOTLY_TAGS, escape_markdown
from tma_metrics.ui.frame import PAGE_TABLE

APP = str(Path(__file__).resolve().parents[2] / "app.py")
_TAG = re.compile(r"<[^<>]*>?")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, Path]:
    return hostile_database(tmp_path_factory.mktemp("hostile"))


@pytest.fixture
def app_env(hostile, tmp_path, monkeypatch):
    db, contracts = hostile
    monkeypatch.setenv("TMA_METRICS_DB", str(db))
    monkeypatch.setenv("TMA_METRICS_CONTRACTS", str(contracts))
    monkeypatch.setenv("TMA_METRICS_USERS", str(tmp_path / "users.toml"))
    monkeypatch.setenv("TMA_METRICS_DEMO", "0")


def run_page(file: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page(f"pages/{file}")
    at.query_params["contrat"] = CONTRACT
    at.query_params["au"] = AS_OF
    at.run()
    assert not at.exception, at.exception
    return at


def markdown_texts(at: AppTest) -> list[str]:
    """Every text the page hands to a Markdown-capable element (labels included)."""
    texts = [
        e.value
        for kind in ("title", "header", "subheader", "caption", "markdown")
        for e in getattr(at, kind)
    ]
    texts += [
        e.value for kind in ("error", "warning", "info", "success") for e in getattr(at, kind)
    ]
    texts += [e.label for e in at.expander] + [t.label for t in at.tabs]
    texts += [m.label for m in at.metric] + [m.value for m in at.metric]
    texts += [b.label for b in at.button]
    return [str(t) for t in texts]


def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(e.proto.spec) for e in at.get("plotly_chart")]


def strings(node: object):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            if key != "template":
                yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


PAGES = [row[1] for row in PAGE_TABLE]


@pytest.mark.parametrize("file", PAGES, ids=[p.removesuffix(".py") for p in PAGES])
def test_no_markup_from_data_on_any_page(app_env, file: str) -> None:
    at = run_page(file)
    found = {text: raw_markup(text) for text in markdown_texts(at) if raw_markup(text)}
    assert found == {}
    foreign = [
        tag
        for spec in chart_specs(at)
        for text in strings(spec)
        for tag in _TAG.findall(text)
        if tag not in PLOTLY_TAGS
    ]
    assert foreign == []


@pytest.mark.parametrize(
    ("file", "shown"),
    [
        ("point_tma.py", escape_markdown(f"Point TMA — {CONTRACT}")),
        ("point_tma.py", escape_markdown(KEYS[3])),  # a key named by the guarantee alert
        ("copil.py", escape_markdown(f"Copil — {CONTRACT}")),
        ("contrats.py", escape_markdown(CONTRACT)),
    ],
    ids=["point-title", "point-alert", "copil-title", "contract-expander"],
)
def test_the_hostile_text_is_shown_as_text(app_env, file: str, shown: str) -> None:
    # the data reached the page, escaped: the test above cannot pass by leaving it out
    at = run_page(file)
    assert any(shown in text for text in markdown_texts(at)), shown


def test_hostile_titles_reach_the_charts_as_text(app_env) -> None:
    at = run_page("copil.py")
    texts = [t for spec in chart_specs(at) for t in strings(spec)]
    assert any("&lt;b&gt;gras&lt;/b&gt;" in t for t in texts)
    assert not any("<b>gras</b>" in t for t in texts)
