"""Palette, layout and French axes shared by every chart builder.

Colours come from the Okabe–Ito set (safe for the common colour-vision deficiencies),
plus one neutral grey for "unknown / not measured". Each dimension has one colour map
used by every chart: consumption, severities, SLA outcomes, ticket kinds, RAG status.
Plotly writes month names in English, so date axes get explicit French ticks
(`month_ticks`) and hover labels are built here with `tma_metrics.french.formats`.
"""

from __future__ import annotations

import html
import textwrap
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from tma_metrics.french import formats as fr

__all__ = [
    "BLACK",
    "BLUE",
    "BLUISH_GREEN",
    "CHART_CONFIG",
    "COMPLIANCE_SCALE",
    "CONSUMPTION_COLORS",
    "FONT_FAMILY",
    "GREY",
    "GRID_COLOR",
    "KIND_COLORS",
    "LEGEND_WIDTH_PX",
    "MUTED_TEXT",
    "OKABE_ITO",
    "ORANGE",
    "OUTCOME_COLORS",
    "PALETTE",
    "RAG_COLORS",
    "RAG_LABELS_FR",
    "REDDISH_PURPLE",
    "SEVERITY_COLORS",
    "SKY_BLUE",
    "TEXT_COLOR",
    "TITLE_WIDTH",
    "VERMILLION",
    "YELLOW",
    "alt_text",
    "axis_label",
    "chart_config",
    "compact",
    "count_of",
    "empty_figure",
    "french_date_axis",
    "hover",
    "legend_rows",
    "month_categories",
    "month_label",
    "month_ticks",
    "ratio_text",
    "rgba",
    "slug",
    "style_figure",
    "vertical_marker",
    "wrap_title",
]

# -- palette -------------------------------------------------------------------------

BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
#: Achromatic, hence safe: "unknown", "not measured", reference bands.
GREY = "#999999"

OKABE_ITO: tuple[str, ...] = (
    BLACK,
    ORANGE,
    SKY_BLUE,
    BLUISH_GREEN,
    YELLOW,
    BLUE,
    VERMILLION,
    REDDISH_PURPLE,
)
#: Every colour a chart may use (translucent variants are made with `rgba`).
PALETTE: tuple[str, ...] = (*OKABE_ITO, GREY)

#: Consumption: what was deducted, what is available, the forecast, the agency's loss.
CONSUMPTION_COLORS: dict[str, str] = {
    "consumed": BLUE,
    "available": BLACK,
    "forecast": ORANGE,
    "absorbed": VERMILLION,
    "allowance": BLACK,
    "reference": GREY,
}
SEVERITY_COLORS: dict[str, str] = {
    "bloquante": REDDISH_PURPLE,
    "majeure": ORANGE,
    "mineure": BLUE,
}
OUTCOME_COLORS: dict[str, str] = {
    "met": BLUISH_GREEN,
    "breached": VERMILLION,
    "at_risk": YELLOW,
    "open": SKY_BLUE,
    "not_measurable": GREY,
    "not_applicable": GREY,
}
KIND_COLORS: dict[str, str] = {
    "corrective": VERMILLION,
    "evolutive": BLUE,
    "preventive": BLUISH_GREEN,
    "support": SKY_BLUE,
    "management": REDDISH_PURPLE,
    "other": GREY,
}
RAG_COLORS: dict[str, str] = {"green": BLUISH_GREEN, "amber": ORANGE, "red": VERMILLION}
RAG_LABELS_FR: dict[str, str] = {"green": "Vert", "amber": "Orange", "red": "Rouge"}
#: Continuous scale of compliance rates (0 % → 100 %), from the same set.
COMPLIANCE_SCALE: tuple[tuple[float, str], ...] = (
    (0.0, VERMILLION),
    (0.5, YELLOW),
    (1.0, BLUISH_GREEN),
)

TEXT_COLOR = "#222222"
MUTED_TEXT = "#555555"
GRID_COLOR = "#E5E5E5"
#: The page's font first (Streamlit serves « Source Sans »), then its older names, then
#: a sans-serif every machine has. Names are quoted: an unquoted « Source Sans 3 » is
#: invalid CSS, which made browsers drop the whole list (charts then fell back to
#: Open Sans here and to a serif font in exported images).
FONT_FAMILY = '"Source Sans", "Source Sans Pro", "Source Sans 3", Arial, sans-serif'
#: Characters per title line before wrapping: the charts sit in half-width columns too.
TITLE_WIDTH = 95

#: Modebar buttons that do nothing useful on these charts (and the cloud share button).
_REMOVED_BUTTONS = (
    "select2d",
    "lasso2d",
    "zoomIn2d",
    "zoomOut2d",
    "autoScale2d",
    "toggleSpikelines",
    "hoverClosestCartesian",
    "hoverCompareCartesian",
    "sendChartToCloud",
)


def slug(text: str) -> str:
    """Return ``text`` as a file-name-safe slug: no accents, lower case, dashes.

    >>> slug("Respect des SLA — févr. 2026")
    'respect-des-sla-fevr-2026'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in ascii_text.lower()).split()
    return "-".join(words) or "tma-graphique"


def chart_config(filename: str = "tma-graphique") -> dict[str, Any]:
    """Return the ``config=`` of ``st.plotly_chart``: PNG download named after ``filename``.

    >>> chart_config("Consommation du carnet Gâtine")["toImageButtonOptions"]["filename"]
    'consommation-du-carnet-gatine'
    """
    return {
        "displaylogo": False,
        "modeBarButtonsToRemove": list(_REMOVED_BUTTONS),
        "toImageButtonOptions": {"format": "png", "filename": slug(filename), "scale": 2},
    }


#: Default ``config=`` of ``st.plotly_chart`` (see `chart_config` for a named file).
CHART_CONFIG: dict[str, Any] = chart_config()


def rgba(color: str, alpha: float) -> str:
    """Return a ``#RRGGBB`` colour as a CSS ``rgba()`` string of opacity ``alpha``.

    >>> rgba("#E69F00", 0.25)
    'rgba(230, 159, 0, 0.25)'
    """
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha:g})"


# -- French numbers ------------------------------------------------------------------


def compact(value: float | None, unit: str = "", decimals: int = 1) -> str:
    r"""Format a number the French way without trailing zeros: ``114 j``, ``12,5 j``.

    >>> compact(114.0, "j"), compact(12.5, "j"), compact(1234.25, "h"), compact(None, "j")
    ('114\xa0j', '12,5\xa0j', '1\u202f234,2\xa0h', '—')
    >>> compact(1.5, decimals=2), compact(1.25, decimals=2)
    ('1,5', '1,25')
    """
    text = fr.number(value, decimals)
    if text != fr.MISSING and "," in text:
        text = text.rstrip("0").rstrip(",")
    if text == fr.MISSING or not unit:
        return text
    return f"{text}{fr.NBSP}{unit}"


def count_of(n: int, singular: str, plural: str | None = None) -> str:
    r"""Return ``n`` with its noun agreed: ``1 demande``, ``12 demandes``.

    >>> count_of(1, "demande"), count_of(1234, "demande")
    ('1 demande', '1\u202f234 demandes')
    """
    noun = singular if abs(n) < 2 else (plural or singular + "s")
    return f"{fr.number(n, 0)} {noun}"


def ratio_text(part: int, whole: int) -> str:
    """Return ``part/whole`` as counts: ``12/15``."""
    return f"{fr.number(part, 0)}/{fr.number(whole, 0)}"


# -- French date axes ----------------------------------------------------------------


def month_label(value: object, *, short: bool = True) -> str:
    """Return a month in French: ``nov. 2026`` (``novembre 2026`` when not short)."""
    return fr.month(value, short=short)


def month_ticks(
    start: object, end: object, *, max_ticks: int = 12
) -> tuple[list[pd.Timestamp], list[str]]:
    """Return French tick values and labels, one per month (or every few months).

    Ticks sit on the first day of each month from ``start``'s month to ``end``'s, thinned
    to at most ``max_ticks``; a label shows the year only on January and on the first
    tick.

    >>> values, texts = month_ticks("2026-11-20", "2027-02-03")
    >>> texts
    ['nov. 2026', 'déc.', 'janv. 2027', 'févr.']
    """
    first = pd.Timestamp(start).to_period("M")
    last = pd.Timestamp(end).to_period("M")
    periods = pd.period_range(first, max(first, last), freq="M")
    step = max(1, int(np.ceil(len(periods) / max_ticks)))
    chosen = periods[::step]
    values = [p.to_timestamp() for p in chosen]
    texts = []
    for i, p in enumerate(chosen):
        name = fr.MONTHS_FR_SHORT[p.month - 1]
        texts.append(f"{name} {p.year}" if i == 0 or p.month <= step else name)
    return values, texts


def french_date_axis(
    fig: go.Figure, start: object, end: object, *, max_ticks: int = 12, **selector: Any
) -> None:
    """Give the date x axes of ``fig`` French month ticks and a numeric hover format."""
    values, texts = month_ticks(start, end, max_ticks=max_ticks)
    fig.update_xaxes(
        type="date",
        tickmode="array",
        tickvals=values,
        ticktext=texts,
        hoverformat="%d/%m/%Y",
        **selector,
    )


def month_categories(months: Sequence[object] | pd.Series) -> list[str]:
    """Return French labels of month starts, for a category axis: ``['oct. 2026', …]``."""
    return [month_label(m) for m in months]


# -- figures -------------------------------------------------------------------------


def axis_label(text: object, width: int = 24, lines: int = 2) -> str:
    """Return a long category name (a contract, a ticket) fit for an axis tick.

    Wrapped on at most ``lines`` lines of about ``width`` characters, the last one
    shortened with « … »; escaped, since Plotly reads tags in texts (a text already
    escaped by `escapes_data` is read back first, so it is measured and escaped once).
    Put the full name in the hover.

    >>> axis_label("Gamma - Syndicat des Eaux de la Gâtine")
    'Gamma - Syndicat des<br>Eaux de la Gâtine'
    >>> axis_label("Un nom <b>très</b> long qui ne tient pas sur deux lignes du tout")
    'Un nom &lt;b&gt;très&lt;/b&gt; long<br>qui ne tient pas sur…'
    """
    value = "" if text is None or text is pd.NA else html.unescape(str(text))
    parts = textwrap.wrap(value, width=width, break_long_words=True) or [value]
    if len(parts) > lines:
        last = parts[lines - 1]
        parts = [*parts[: lines - 1], last[: width - 1].rstrip() + "…"]
    return "<br>".join(html.escape(p, quote=False) for p in parts)


def wrap_title(text: str, width: int = TITLE_WIDTH) -> str:
    """Wrap a long title on ``<br>`` at spaces (numbers keep their no-break spaces)."""
    return "<br>".join(textwrap.wrap(text, width=width, break_long_words=False)) or text


def style_figure(
    fig: go.Figure,
    title: str,
    *,
    subtitle: str | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    legend_title: str | None = None,
    show_legend: bool = True,
    height: int = 440,
) -> go.Figure:
    """Apply the common layout: French separators, title stating the key figure, axes."""
    wrapped = wrap_title(title)
    lines = wrapped.count("<br>") + 1
    # Title, subtitle and the legend row stacked above the plot; their heights in pixels.
    title_px = 22 * lines + 16 * (lines - 1) + (20 if subtitle else 0)
    top = 20 + title_px + 14
    # The legend sits at the bottom of the figure, under the x axis title: wherever it
    # wraps, it can never cover the title or the subtitle.
    legend_px = 24 * legend_rows(fig, legend_title) + 12 if show_legend else 0
    fig.update_layout(
        template="plotly_white",
        separators=", ",
        colorway=list(OKABE_ITO),
        font={"family": FONT_FAMILY, "size": 13, "color": TEXT_COLOR},
        title=_title_layout(wrapped, subtitle, height, top),
        margin={"t": top, "l": 64, "r": 24, "b": 56 + legend_px},
        height=height + top + legend_px,
        showlegend=show_legend,
        legend=_legend_layout(legend_title),
        hoverlabel={"namelength": -1, "align": "left", "font": {"family": FONT_FAMILY}},
        hovermode="closest",
        bargap=0.2,
    )
    fig.update_xaxes(gridcolor=GRID_COLOR, linecolor="#BBBBBB", zerolinecolor="#BBBBBB")
    fig.update_yaxes(gridcolor=GRID_COLOR, linecolor="#BBBBBB", zerolinecolor="#BBBBBB")
    # The first axes only: subplot builders title their other axes themselves.
    if x_title is not None:
        fig.layout.xaxis.title.text = x_title
    if y_title is not None:
        fig.layout.yaxis.title.text = y_title
    return fig


def _title_layout(wrapped: str, subtitle: str | None, height: int, top: int) -> dict[str, Any]:
    """Return the layout of the title (wrapped) and its subtitle, anchored to the top."""
    lines = wrapped.count("<br>") + 1
    return {
        "text": wrapped,
        "x": 0.01,
        "xanchor": "left",
        "y": 1 - (12 + 16 * (lines - 1)) / (height + top),
        "yanchor": "top",
        "yref": "container",
        "font": {"size": 16, "color": TEXT_COLOR},
        "subtitle": {
            "text": subtitle or "",
            "font": {"size": 12, "color": MUTED_TEXT},
        },
    }


def _legend_layout(legend_title: str | None) -> dict[str, Any]:
    """Return the layout of the horizontal legend at the bottom of the figure."""
    return {
        "orientation": "h",
        "x": 0,
        "xanchor": "left",
        "y": 0,
        "yanchor": "bottom",
        "yref": "container",
        "traceorder": "normal",
        "title": {"text": legend_title or ""},
    }


#: Legend width assumed when estimating its rows: a chart in a half-width column.
LEGEND_WIDTH_PX = 640


def legend_rows(fig: go.Figure, title: str | None = None) -> int:
    """Estimate how many rows the horizontal legend under the plot takes.

    Plotly does not reserve room for a legend placed in a margin, so the bottom margin
    is sized from the entries' names (about 7 px a character, 40 px of symbol and gap
    each, plus the legend's title) at the width of a half-page column.
    """
    seen: set[str] = set()
    widths = [7 * len(title) + 12] if title else []
    for trace in fig.data:
        if trace.showlegend is False or not trace.name:
            continue
        group = trace.legendgroup or trace.name
        if group in seen:
            continue
        seen.add(group)
        widths.append(7 * len(trace.name) + 40)
    rows, used = (1 if widths else 0), 0
    for width in widths:
        if used and used + width > LEGEND_WIDTH_PX:
            rows, used = rows + 1, 0
        used += width
    return rows


def empty_figure(title: str, message: str, *, subtitle: str | None = None) -> go.Figure:
    """Return a figure without data whose centre says, in French, why there is none."""
    fig = go.Figure()
    style_figure(fig, title, subtitle=subtitle, show_legend=False, height=260)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.add_annotation(
        text=message,
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        showarrow=False,
        font={"size": 15, "color": MUTED_TEXT},
    )
    return fig


def vertical_marker(
    fig: go.Figure,
    x: object,
    label: str,
    *,
    color: str = BLACK,
    dash: str = "dot",
    position: str | float = "top",
    side: str = "right",
    xref: str = "x",
    yref: str = "y domain",
) -> None:
    """Draw a labelled vertical line at date ``x`` (shapes: add_vline mishandles dates)."""
    stamp = pd.Timestamp(x).strftime("%Y-%m-%d")
    fig.add_shape(
        type="line",
        x0=stamp,
        x1=stamp,
        y0=0,
        y1=1,
        xref=xref,
        yref=yref,
        line={"color": color, "width": 1.5, "dash": dash},
        layer="below",
    )
    fig.add_annotation(
        x=stamp,
        y={"top": 1.0, "bottom": 0.02}.get(position, position),
        xref=xref,
        yref=yref,
        text=label,
        showarrow=False,
        # The label sits on the ``side`` of the line, so the last date stays inside.
        xanchor="left" if side == "right" else "right",
        yanchor="bottom" if position == "bottom" else "top",
        xshift=3 if side == "right" else -3,
        font={"size": 11, "color": color},
        bgcolor="rgba(255, 255, 255, 0.8)",
    )


def alt_text(fig: go.Figure) -> str:
    """Return the chart's description for screen readers (``st.plotly_chart(alt=...)``).

    The title already states what the chart shows with its key figure; the subtitle
    adds how it is measured.
    """
    title = (fig.layout.title.text or "").replace("<br>", " ")
    subtitle = fig.layout.title.subtitle.text or ""
    return f"{title}. {subtitle}".strip(" .") + "." if subtitle else title


def hover(texts: Sequence[str] | pd.Series | np.ndarray) -> dict[str, Any]:
    """Return trace arguments that show ``texts`` (French, built here) as the hover."""
    return {"hovertext": list(texts), "hovertemplate": "%{hovertext}<extra></extra>"}
