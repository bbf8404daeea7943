"""Checks every chart must pass, written from the style rules rather than from the code."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import plotly.graph_objects as go

#: Okabe & Ito (2008), "Color Universal Design", as RGB triplets; plus the neutral grey.
OKABE_ITO_RGB = {
    (0, 0, 0),
    (230, 159, 0),
    (86, 180, 233),
    (0, 158, 115),
    (240, 228, 66),
    (0, 114, 178),
    (213, 94, 0),
    (204, 121, 167),
    (153, 153, 153),
}
ENGLISH_MONTHS = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b"
)
_RGBA = re.compile(r"rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)")
#: Keys of trace attributes that carry a data colour (outlines and text are left out).
_COLOR_KEYS = ("color", "fillcolor")


def title_of(fig: go.Figure) -> str:
    """The figure's title on one line (wrapping breaks are spaces)."""
    return (fig.layout.title.text or "").replace("<br>", " ")


def rgb(color: str) -> tuple[int, int, int]:
    """A CSS colour (#RRGGBB or rgb()/rgba()) as an RGB triplet."""
    if color.startswith("#") and len(color) == 7:
        return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))
    match = _RGBA.match(color)
    assert match, f"colour not understood: {color!r}"
    return tuple(int(v) for v in match.groups())


def _walk_colors(node: Any, key: str = "") -> Iterator[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "line" and key == "marker":
                continue  # bar outlines: white separators, not data colours
            if k in ("textfont", "font", "hoverlabel"):
                continue
            yield from _walk_colors(v, k)
    elif key in _COLOR_KEYS and isinstance(node, str):
        yield node
    elif key in _COLOR_KEYS and isinstance(node, (list, tuple, np.ndarray)):
        for value in node:
            if isinstance(value, str):
                yield value
    elif key == "colorscale" and isinstance(node, (list, tuple)):
        for _, color in node:
            yield color


def data_colors(fig: go.Figure) -> set[str]:
    """Every colour the traces draw with (markers, lines, fills, colour scales)."""
    found: set[str] = set()
    for trace in fig.to_plotly_json()["data"]:
        found |= set(_walk_colors(trace))
    return found


def tick_labels(fig: go.Figure) -> list[str]:
    """Tick texts of every axis plus the category values traces put on them."""
    labels: list[str] = []
    layout = fig.to_plotly_json()["layout"]
    for name, axis in layout.items():
        if re.fullmatch(r"[xy]axis\d*", name) and axis.get("ticktext") is not None:
            labels += [str(t) for t in axis["ticktext"]]
    for trace in fig.data:
        for values in (getattr(trace, "x", None), getattr(trace, "y", None)):
            if values is not None and len(values) and isinstance(values[0], str):
                labels += [v for v in values if isinstance(v, str)]
    return labels


def axis_of(fig: go.Figure, trace: Any, letter: str) -> Any:
    ref = getattr(trace, f"{letter}axis", None) or letter
    return fig.layout[f"{letter}axis{ref[1:]}"]


def axis_titles(fig: go.Figure) -> list[str]:
    layout = fig.to_plotly_json()["layout"]
    return [
        axis.get("title", {}).get("text", "")
        for name, axis in layout.items()
        if re.fullmatch(r"[xy]axis\d*", name)
    ]


def check_common(fig: go.Figure) -> None:
    """French separators, a title, serialisable, palette colours, French date ticks."""
    assert isinstance(fig, go.Figure)
    assert fig.layout.separators == ", "
    assert title_of(fig).strip()
    json.loads(fig.to_json())
    for color in data_colors(fig):
        assert rgb(color) in OKABE_ITO_RGB, f"{color} is not in the colour-blind palette"
    for label in tick_labels(fig):
        assert not ENGLISH_MONTHS.search(label), label
    for trace in fig.data:
        x = getattr(trace, "x", None)
        if x is not None and len(x) and np.asarray(x).dtype.kind == "M":
            axis = axis_of(fig, trace, "x")
            # Plotly would write its own (English) month names otherwise.
            assert axis.tickmode == "array" and axis.ticktext, "date axis without French ticks"
            assert not re.search(r"%[bB]", axis.hoverformat or "")
    hover = json.dumps([t.to_plotly_json().get("hovertemplate") for t in fig.data])
    assert "%{x}" not in hover, "a raw date in a hover would be written in English"


def check_empty(fig: go.Figure, message_part: str) -> None:
    """An empty figure: no trace, a French message in the middle."""
    check_common(fig)
    assert len(fig.data) == 0
    messages = " ".join(a.text for a in fig.layout.annotations)
    assert message_part in messages


def figure_text(fig: go.Figure) -> str:
    """Everything a reader may see: the figure's JSON, unescaped."""
    return json.dumps(fig.to_plotly_json(), ensure_ascii=False, default=str)


def values(array: Any) -> np.ndarray:
    return np.asarray(array, dtype=float)


def plain(text: str) -> str:
    """``text`` with no-break spaces as plain spaces, to write readable expected strings."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")
