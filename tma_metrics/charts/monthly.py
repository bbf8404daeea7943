"""Consumption per month: days deducted (and absorbed, internally), management share."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from tma_metrics.charts.safe_text import escapes_data
from tma_metrics.charts.style import (
    BLACK,
    CONSUMPTION_COLORS,
    GREY,
    VERMILLION,
    compact,
    empty_figure,
    hover,
    month_label,
    rgba,
    style_figure,
)
from tma_metrics.domain.carnet.consumption import MANAGEMENT_TOLERANCE
from tma_metrics.french import formats as fr

__all__ = [
    "MANAGEMENT_TITLE",
    "MONTHLY_TITLE",
    "management_share_chart",
    "monthly_consumption_chart",
]

MONTHLY_TITLE = "Jours décomptés par mois"
MANAGEMENT_TITLE = "Part de gestion de projet"


@escapes_data
def monthly_consumption_chart(
    monthly: pd.DataFrame, *, hours_per_day: float = 8.0, client_view: bool = False
) -> go.Figure:
    """Draw the days deducted each month; internal views stack the hours the agency absorbed.

    Reads `consumption.monthly`'s frame: ``month``, ``deducted_days``, ``deducted_hours``,
    ``spent_hours``, ``absorbed_hours``, ``allowance_days`` (subscriptions: a line) and
    ``partial`` (the month of the as-of date, drawn lighter). ``client_view`` shows the
    deducted time only: no absorbed or spent hours anywhere (bars, hover, title).
    """
    if monthly.empty:
        return empty_figure(MONTHLY_TITLE, "Aucun mois à montrer : pas de carnet ni de saisie.")
    labels = [month_label(m) for m in monthly["month"]]
    long_labels = [month_label(m, short=False) for m in monthly["month"]]
    partial = monthly["partial"].to_numpy(bool)
    opacity = np.where(partial, 0.55, 1.0)
    deducted_days = monthly["deducted_days"].to_numpy(float)
    absorbed_days = monthly["absorbed_hours"].to_numpy(float) / hours_per_day
    texts = _monthly_hovers(monthly, long_labels, partial, client_view)
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=labels,
            y=deducted_days,
            name="Décompté du carnet (j)",
            marker={"color": CONSUMPTION_COLORS["consumed"], "opacity": opacity},
            text=[compact(v) for v in deducted_days],
            textposition="inside",
            insidetextanchor="end",
            **hover(texts),
        )
    )
    if not client_view:
        fig.add_trace(
            go.Bar(
                x=labels,
                y=absorbed_days,
                name="Absorbé par l'agence (j, garantie sur devis)",
                marker={"color": CONSUMPTION_COLORS["absorbed"], "opacity": opacity},
                **hover(texts),
            )
        )
    _add_allowance(fig, labels, long_labels, monthly["allowance_days"].to_numpy(float))
    total = float(np.nansum(deducted_days))
    title = f"{MONTHLY_TITLE} : {compact(total, 'j')} de {labels[0]} à {labels[-1]}"
    absorbed = float(monthly["absorbed_hours"].sum())
    if not client_view and absorbed > 0:
        title += f", plus {compact(absorbed, 'h')} absorbées par l'agence"
    subtitle = "Barre claire : mois en cours, incomplet." if partial.any() else None
    style_figure(fig, title, subtitle=subtitle, x_title="Mois", y_title="Jours (j)")
    fig.update_layout(barmode="stack", uniformtext={"minsize": 9, "mode": "hide"})
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=labels)
    return fig


def _monthly_hovers(
    monthly: pd.DataFrame, long_labels: list[str], partial: np.ndarray, client_view: bool
) -> list[str]:
    """Word each month's hover: deducted time, and for internal views absorbed and spent."""
    texts = []
    for i, row in enumerate(monthly.itertuples(index=False)):
        text = f"<b>{long_labels[i]}</b>"
        if partial[i]:
            text += " (en cours)"
        text += f"<br>Décompté : {fr.days(row.deducted_days)} ({fr.hours(row.deducted_hours)})"
        if not client_view:
            text += (
                f"<br>Absorbé par l'agence : {fr.hours(row.absorbed_hours)}"
                f"<br>Temps passé : {fr.hours(row.spent_hours)}"
            )
        texts.append(text)
    return texts


def _add_allowance(
    fig: go.Figure, labels: list[str], long_labels: list[str], allowance: np.ndarray
) -> None:
    """Draw the monthly subscription allowance, when there is one."""
    if not np.isnan(allowance).all():
        fig.add_trace(
            go.Scatter(
                x=labels,
                y=allowance,
                name="Forfait mensuel (j)",
                mode="lines+markers",
                line={"color": CONSUMPTION_COLORS["allowance"], "dash": "dash", "shape": "hvh"},
                marker={"symbol": "line-ew", "size": 14, "line": {"width": 2, "color": BLACK}},
                **hover(
                    [
                        f"{m}<br>Forfait : {fr.days(a)}"
                        for m, a in zip(long_labels, allowance, strict=True)
                    ]
                ),
            )
        )


@escapes_data
def management_share_chart(
    monthly: pd.DataFrame, *, target: float = 0.10, tolerance: float = MANAGEMENT_TOLERANCE
) -> go.Figure:
    """Draw the project-management share of each month against its target (10 % by default).

    Reads `consumption.monthly`'s ``month``, ``management_hours``, ``deducted_hours``,
    ``management_share`` (NaN: nothing deducted, no point), ``management_flag`` (drawn in
    vermillion) and ``partial``. The band is ``target ± tolerance``.
    """
    share = monthly["management_share"].to_numpy(float) if len(monthly) else np.array([])
    if np.isnan(share).all():
        return empty_figure(MANAGEMENT_TITLE, "Aucun temps décompté sur la période.")
    labels = [month_label(m) for m in monthly["month"]]
    flagged = monthly["management_flag"].to_numpy(bool) & ~np.isnan(share)
    low, high = max(0.0, target - tolerance), target + tolerance
    band = f"{fr.number(100 * low, 0)}–{fr.percent(high)}"
    texts = _management_hovers(monthly, target, band)
    fig = go.Figure()
    _add_target(fig, labels, target, (low, high), band)
    fig.add_trace(
        go.Scatter(
            x=labels,
            y=100 * share,
            name="Part de gestion de projet (%)",
            mode="lines+markers",
            connectgaps=False,
            line={"color": CONSUMPTION_COLORS["consumed"], "width": 2},
            marker={
                "size": np.where(flagged, 11, 8),
                "color": np.where(flagged, VERMILLION, CONSUMPTION_COLORS["consumed"]).tolist(),
                "symbol": np.where(flagged, "diamond", "circle").tolist(),
            },
            **hover(texts),
        )
    )
    overall = float(monthly["management_hours"].sum()) / float(monthly["deducted_hours"].sum())
    outside = int(flagged.sum())
    where = f"{outside} mois hors de {band}" if outside else f"tous les mois dans la plage {band}"
    title = (
        f"{MANAGEMENT_TITLE} : {fr.percent(overall)} du temps décompté "
        f"(cible {fr.percent(target)}), {where}"
    )
    style_figure(
        fig,
        title,
        subtitle="Losange vermillon : mois hors de la plage tolérée.",
        x_title="Mois",
        y_title="Part du temps décompté (%)",
        height=320,
    )
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=labels)
    top = max(100 * high, float(np.nanmax(100 * share))) * 1.15
    fig.update_yaxes(range=[0, top], ticksuffix="\u00a0%")
    return fig


def _management_hovers(monthly: pd.DataFrame, target: float, band: str) -> list[str]:
    """Word each month's hover: management hours, deducted hours, share and its target."""
    texts = []
    for row in monthly.itertuples(index=False):
        text = (
            f"<b>{month_label(row.month, short=False)}</b>"
            + (" (en cours)" if row.partial else "")
            + f"<br>Gestion de projet : {fr.hours(row.management_hours)} "
            f"sur {fr.hours(row.deducted_hours)} décomptées"
            f"<br>Part : {fr.percent(row.management_share)} (cible {fr.percent(target)})"
        )
        if row.management_flag:
            text += f"<br>Hors de la plage {band}"
        texts.append(text)
    return texts


def _add_target(
    fig: go.Figure, labels: list[str], target: float, limits: tuple[float, float], band: str
) -> None:
    """Shade the tolerated band and draw the target line."""
    low, high = limits
    fig.add_shape(
        type="rect",
        xref="paper",
        x0=0,
        x1=1,
        y0=100 * low,
        y1=100 * high,
        fillcolor=rgba(GREY, 0.18),
        line={"width": 0},
        layer="below",
    )
    fig.add_trace(
        go.Scatter(
            x=labels,
            y=np.full(len(labels), 100 * target),
            name=f"Cible {fr.percent(target)} (plage {band})",
            mode="lines",
            line={"color": BLACK, "dash": "dash", "width": 1.5},
            hoverinfo="skip",
        )
    )
