"""Estimation charts: distribution of actual / estimate, and the guarantee rate per month."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from tma_metrics.charts.safe_text import escapes_data
from tma_metrics.charts.style import (
    BLACK,
    BLUE,
    BLUISH_GREEN,
    GREY,
    VERMILLION,
    compact,
    count_of,
    empty_figure,
    hover,
    month_label,
    ratio_text,
    rgba,
    style_figure,
)
from tma_metrics.domain import estimation as engine
from tma_metrics.french import formats as fr

__all__ = [
    "RATIO_CAP",
    "RATIO_TITLE",
    "TREND_TITLE",
    "estimate_ratio_histogram",
    "estimation_trend_chart",
    "ratio_bins",
]

RATIO_TITLE = "Passé / devis"
TREND_TITLE = "Demandes dans la garantie par mois"
#: Ratios above this share the last bar, so one outlier does not squash the others.
RATIO_CAP = 3.0
_NO_TICKET = "Aucune demande estimée close sur la période."


def _measured(estimation: pd.DataFrame) -> pd.DataFrame:
    """Rows with a finite ratio (a positive estimate and a known actual)."""
    if estimation.empty:
        return estimation
    ratio = estimation["ratio"].to_numpy(float)
    return estimation[np.isfinite(ratio)]


def ratio_bins(
    ratio: np.ndarray, width: float = 0.1, cap: float = RATIO_CAP
) -> tuple[np.ndarray, int]:
    """Return each ratio's bin index and the number of bins (the last one: above ``cap``).

    Bins are closed on the right, so a ratio of exactly 1,25 (inside the guarantee) falls
    in the bin ending at 1,25 with the ones just under it.

    >>> ratio_bins(np.array([0.0, 0.1, 0.15, 1.25, 7.0]), width=0.25, cap=3.0)
    (array([ 0,  0,  0,  4, 12]), 13)
    """
    last = round(cap / width)
    index = np.ceil(np.round(ratio / width, 9)).astype("int64") - 1
    return np.clip(index, 0, last), last + 1


@escapes_data
def estimate_ratio_histogram(
    estimation: pd.DataFrame, *, margin: float = 0.25, bin_width: float | None = None
) -> go.Figure:
    """Draw how actual time compares with the estimate: a histogram of A / E.

    Reads `estimation.accuracy`'s ``ratio``, ``within_guarantee`` and ``within_25``.
    Bars are split into tickets within the guarantee (A ≤ (1 + margin) E) and beyond;
    the ±25 % band is shaded and the guarantee limit drawn. Ratios above 3 share the last
    bar. Bars are ``margin / 2`` wide by default (0,125), so the guarantee limit and the
    ±25 % band fall on bar edges.
    """
    rows = _measured(estimation)
    if rows.empty:
        return empty_figure(RATIO_TITLE, _NO_TICKET)
    if bin_width is None:
        bin_width = margin / 2 if margin > 0 else 0.1
    ratio = rows["ratio"].to_numpy(float)
    within = rows["within_guarantee"].to_numpy(bool)
    index, bins = ratio_bins(ratio, bin_width)
    limit = 1 + margin
    fig = go.Figure()
    _shade_band(fig)
    _add_ratio_bars(fig, ratio, within, index, bins, bin_width, limit)
    _limit_line(fig, limit, f"Garantie : {compact(limit, decimals=2)} × E")
    _limit_line(fig, 1.0, "Devis exact", dash="dot", color=GREY, top=0.9)
    fig.add_annotation(
        x=0.75,
        y=1.0,
        xref="x",
        yref="y domain",
        text="±25 %",
        showarrow=False,
        xanchor="left",
        yanchor="top",
        xshift=3,
        font={"size": 11, "color": GREY},
    )
    title = _ratio_title(rows, within)
    style_figure(
        fig,
        title,
        subtitle=f"{count_of(len(rows), 'demande')} closes avec devis · barres de "
        f"{fr.number(bin_width, 3)} · au-delà de {fr.number(RATIO_CAP, 0)} : dernière barre",
        x_title="Passé / devis (ratio A / E)",
        y_title="Demandes (nb)",
    )
    fig.update_layout(barmode="stack", bargap=0)
    # Show up to the last occupied bar, but always past the guarantee limit.
    right = max((index.max() + 1) * bin_width, limit + 0.5)
    fig.update_xaxes(range=[0, right + 0.2 * bin_width], dtick=0.25 if right <= 2 else 0.5)
    return fig


def _shade_band(fig: go.Figure) -> None:
    """Shade the ±25 % band behind the bars."""
    fig.add_shape(
        type="rect",
        x0=0.75,
        x1=1.25,
        y0=0,
        y1=1,
        yref="y domain",
        fillcolor=rgba(GREY, 0.2),
        line={"width": 0},
        layer="below",
    )


def _add_ratio_bars(
    fig: go.Figure,
    ratio: np.ndarray,
    within: np.ndarray,
    index: np.ndarray,
    bins: int,
    bin_width: float,
    limit: float,
) -> None:
    """Add the stacked bars of tickets within and beyond the guarantee, per ratio bin."""
    centres = (np.arange(bins) + 0.5) * bin_width
    for name, keep, color in (
        (f"Dans la garantie (A ≤ {compact(limit, decimals=2)} × E)", within, BLUISH_GREEN),
        (f"Au-delà de la garantie (A > {compact(limit, decimals=2)} × E)", ~within, VERMILLION),
    ):
        counts = np.bincount(index[keep], minlength=bins)
        texts = [_bin_hover(i, n, bins, bin_width, ratio) for i, n in enumerate(counts)]
        fig.add_trace(
            go.Bar(
                x=centres,
                y=counts,
                width=bin_width,
                name=name,
                marker={"color": color, "line": {"width": 0.5, "color": "white"}},
                **hover([f"{name}<br>{t}" for t in texts]),
            )
        )


def _ratio_title(rows: pd.DataFrame, within: np.ndarray) -> str:
    """Title the histogram with the rates within the guarantee and ±25 % and the median."""
    summary = engine.summary(rows)
    title = (
        f"{RATIO_TITLE} : {fr.percent(summary.within_guarantee_rate)} des demandes dans la "
        f"garantie ({ratio_text(int(within.sum()), len(rows))}), "
        f"{fr.percent(summary.within_25_rate)} à ±25 %, "
        f"ratio médian {fr.number(summary.median_ratio, 2)}"
    )
    return title


def _limit_line(
    fig: go.Figure, x: float, label: str, *, dash: str = "dash", color: str = BLACK, top: float = 1
) -> None:
    fig.add_shape(
        type="line",
        x0=x,
        x1=x,
        y0=0,
        y1=top,
        yref="y domain",
        line={"color": color, "width": 1.5, "dash": dash},
    )
    fig.add_annotation(
        x=x,
        y=top,
        xref="x",
        yref="y domain",
        text=label,
        showarrow=False,
        xanchor="left",
        yanchor="top",
        xshift=3,
        font={"size": 11, "color": color},
        bgcolor="rgba(255, 255, 255, 0.8)",
    )


def _bin_hover(i: int, n: int, bins: int, width: float, ratio: np.ndarray) -> str:
    if i == bins - 1:
        span = f"au-delà de {fr.number(RATIO_CAP, 1)} (jusqu'à {fr.number(ratio.max(), 2)})"
    else:
        span = f"de {fr.number(i * width, 2)} à {fr.number((i + 1) * width, 2)}"
    return f"Ratio {span} : {count_of(int(n), 'demande')}"


@escapes_data
def estimation_trend_chart(estimation: pd.DataFrame, *, margin: float = 0.25) -> go.Figure:
    """Draw the share of tickets within the guarantee (and within ±25 %) per month.

    Reads `estimation.accuracy`'s ``month`` (month of resolution), ``ratio``,
    ``within_guarantee`` and ``within_25``; rates per month come from
    `estimation.summary(…, by=["month"])`. Top row: the two rates (no point for a month
    without estimated ticket); bottom row: the ticket counts behind them.
    """
    rows = _measured(estimation)
    if not rows.empty:
        rows = rows[rows["month"].notna()]
    if rows.empty:
        return empty_figure(TREND_TITLE, _NO_TICKET)
    per_month = engine.summary(rows, by=["month"]).set_index("month")
    first, last = per_month.index.min(), per_month.index.max()
    months = pd.date_range(first, last, freq="MS", unit="us")
    per_month = per_month.reindex(months)
    counts = per_month["tickets"].fillna(0).astype("int64").to_numpy()
    labels = [month_label(m) for m in months]
    texts = _trend_hovers(rows, per_month, months, counts)
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, row_heights=[0.7, 0.3], vertical_spacing=0.07
    )
    _add_trend_traces(fig, labels, per_month, counts, texts, margin)
    total_within = int(rows["within_guarantee"].sum())
    title = (
        f"{TREND_TITLE} : {fr.percent(total_within / len(rows))} sur la période "
        f"({ratio_text(total_within, len(rows))})"
    )
    style_figure(fig, title, subtitle="Mois de résolution de la demande", height=440)
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=labels)
    fig.update_xaxes(title_text="Mois", row=2, col=1)
    fig.update_yaxes(title_text="Part (%)", range=[0, 108], ticksuffix="\u00a0%", row=1, col=1)
    top = max(1, int(counts.max()))
    fig.update_yaxes(title_text="Demandes (nb)", range=[0, top * 1.35], row=2, col=1)
    return fig


def _trend_hovers(
    rows: pd.DataFrame, per_month: pd.DataFrame, months: pd.DatetimeIndex, counts: np.ndarray
) -> list[str]:
    """Word each month's hover: both rates with the ticket counts behind them."""
    within_counts = rows.groupby("month")["within_guarantee"].sum().reindex(months, fill_value=0)
    within_25_counts = rows.groupby("month")["within_25"].sum().reindex(months, fill_value=0)
    return [
        f"<b>{month_label(month, short=False)}</b><br>"
        + (
            f"Dans la garantie : {fr.percent(rate)} ({ratio_text(int(k), int(n))})"
            f"<br>À ±25 % : {fr.percent(rate_25)} ({ratio_text(int(k_25), int(n))})"
            if n
            else "Aucune demande estimée close"
        )
        for month, n, rate, k, rate_25, k_25 in zip(
            months,
            counts,
            per_month["within_guarantee_rate"],
            within_counts,
            per_month["within_25_rate"],
            within_25_counts,
            strict=True,
        )
    ]


def _add_trend_traces(
    fig: go.Figure,
    labels: list[str],
    per_month: pd.DataFrame,
    counts: np.ndarray,
    texts: list[str],
    margin: float,
) -> None:
    """Add the two monthly rates (top row) and the ticket counts (bottom row)."""
    limit = compact(1 + margin, decimals=2)
    for column, name, color, dash in (
        ("within_guarantee_rate", f"Dans la garantie (A ≤ {limit} × E)", BLUISH_GREEN, "solid"),
        ("within_25_rate", "À ±25 % du devis", BLUE, "dash"),
    ):
        fig.add_trace(
            go.Scatter(
                x=labels,
                y=100 * per_month[column].to_numpy(float),
                name=name,
                mode="lines+markers",
                connectgaps=False,
                line={"color": color, "dash": dash, "width": 2},
                marker={"color": color, "size": 8},
                **hover(texts),
            ),
            row=1,
            col=1,
        )
    fig.add_trace(
        go.Bar(
            x=labels,
            y=counts,
            name="Demandes estimées closes (nb)",
            marker={"color": GREY},
            text=[str(c) if c else "" for c in counts],
            textposition="outside",
            cliponaxis=False,
            **hover(texts),
        ),
        row=2,
        col=1,
    )
