"""Distribution of the business time SLA clocks took, per severity, against the allowance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from tma_metrics.charts.categories import severity_color, severity_label, severity_order
from tma_metrics.charts.safe_text import escapes_data
from tma_metrics.charts.style import (
    BLACK,
    compact,
    count_of,
    empty_figure,
    hover,
    rgba,
    style_figure,
)
from tma_metrics.domain.sla.compliance import in_period
from tma_metrics.french import formats as fr
from tma_metrics.french.labels import OUTCOME_LABELS_FR

__all__ = ["resolution_time_chart"]

_TIME_OF_KIND_FR = {
    "response": "Temps de prise en charge",
    "workaround": "Temps de contournement",
    "resolution": "Temps de résolution",
}
#: Participle of each SLA kind's event, singular and plural ("1 demande résolue").
_DONE_FR = {
    "response": ("prise en charge", "prises en charge"),
    "workaround": ("contournée", "contournées"),
    "resolution": ("résolue", "résolues"),
}


@escapes_data
def resolution_time_chart(
    outcomes: pd.DataFrame,
    *,
    sla_kind: str = "resolution",
    start: object = None,
    end: object = None,
) -> go.Figure:
    """Draw the business hours each ticket took, per severity, against the allowance.

    Reads `sla.sla_outcomes` rows of ``sla_kind`` whose clock has stopped (outcome
    ``met`` or ``breached`` and a known ``stop_source``; running clocks and clocks
    stopped by a bound, whose time is only capped, are left out),
    with ``period_at`` in [start, end]: ``elapsed_minutes`` (business time, client pauses
    removed) as a box with every ticket drawn, ``allowance_minutes`` as a black tick.
    """
    time_fr = _TIME_OF_KIND_FR.get(sla_kind, sla_kind)
    done_one, done_many = _DONE_FR.get(sla_kind, ("close", "closes"))
    rows = in_period(outcomes[outcomes["sla_kind"] == sla_kind], start, end)
    rows, bounded = _stopped_rows(rows)
    if rows.empty:
        if bounded.any():
            return empty_figure(
                time_fr,
                f"Aucune durée connue : {int(bounded.sum())} demande(s) {done_many} à une date "
                "seulement bornée<br>(fermeture ou dernière mise à jour) : synchronisez "
                "l'historique des statuts pour les mesurer.",
            )
        return empty_figure(time_fr, f"Aucune demande {done_one} sur la période.")
    fig = go.Figure()
    limits: list[tuple[str, float]] = []
    for severity in severity_order(rows["severity"]):
        limit = _add_severity_box(fig, rows[rows["severity"] == severity], severity, time_fr)
        if limit is not None:
            limits.append(limit)
    # Added after the boxes so the legend lists the severities first.
    _add_allowance_ticks(fig, limits)
    _lay_out_resolution(fig, rows, bounded, time_fr, done_one, done_many)
    return fig


def _stopped_rows(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Keep the measurable clocks stopped by an event; flag the ones stopped by a bound."""
    stopped = rows["outcome"].isin(["met", "breached"]) & rows["stop_source"].notna()
    bounded = pd.Series(False, index=rows.index)
    if "stop_kind" in rows:  # a bound only caps the time: it is not the time taken
        bounded = (rows["stop_kind"] == "bound").fillna(False)
        stopped &= rows["stop_kind"] == "event"
    rows = rows[stopped.fillna(False).to_numpy(bool) & rows["measurable"].to_numpy(bool)]
    return rows, bounded


def _add_severity_box(
    fig: go.Figure, sub: pd.DataFrame, severity: str, time_fr: str
) -> tuple[str, float] | None:
    """Add one severity's box of hours; return its allowance tick (name, hours) if any."""
    hours = sub["elapsed_minutes"].to_numpy(float) / 60
    allowance = sub["allowance_minutes"].to_numpy(float) / 60
    name, color = severity_label(severity), severity_color(severity)
    texts = [
        f"<b>{key}</b> · {name}<br>{time_fr} : {fr.minutes_as_duration(minutes)} ouvrées"
        f"<br>Délai contractuel : {fr.minutes_as_duration(limit)}"
        f"<br>{OUTCOME_LABELS_FR.get(outcome, outcome)}"
        for key, minutes, limit, outcome in zip(
            sub["key"],
            sub["elapsed_minutes"],
            sub["allowance_minutes"],
            sub["outcome"],
            strict=True,
        )
    ]
    median = float(np.median(hours))
    fig.add_trace(
        go.Box(
            x=[name] * len(sub),
            y=hours,
            name=f"{name} (médiane {compact(median, 'h')}, {count_of(len(sub), 'demande')})",
            legendgroup=severity,
            marker={"color": color, "size": 7, "opacity": 0.8},
            line={"color": color},
            fillcolor=rgba(color, 0.15),
            boxpoints="all",
            jitter=0.4,
            pointpos=0,
            hoveron="points",
            **hover(texts),
        )
    )
    if not np.isnan(allowance).all():
        return name, float(np.nanmax(allowance))
    return None


def _add_allowance_ticks(fig: go.Figure, limits: list[tuple[str, float]]) -> None:
    """Add a black tick at each severity's contractual allowance."""
    for i, (name, limit) in enumerate(limits):
        fig.add_trace(
            go.Scatter(
                x=[name],
                y=[limit],
                name="Délai contractuel",
                legendgroup="allowance",
                showlegend=i == 0,
                mode="markers",
                marker={"symbol": "line-ew", "size": 70, "line": {"width": 3, "color": BLACK}},
                **hover([f"{name} : délai contractuel {fr.minutes_as_duration(60 * limit)}"]),
            )
        )


def _lay_out_resolution(
    fig: go.Figure,
    rows: pd.DataFrame,
    bounded: pd.Series,
    time_fr: str,
    done_one: str,
    done_many: str,
) -> None:
    """Title the resolution-time chart and set its axes."""
    all_hours = rows["elapsed_minutes"].to_numpy(float) / 60
    late = int((rows["outcome"] == "breached").sum())
    title = (
        f"{time_fr} : médiane {compact(float(np.median(all_hours)), 'h')} ouvrées "
        f"sur {count_of(len(rows), 'demande')} {done_one if len(rows) < 2 else done_many}, "
        f"{late} hors délai"
    )
    subtitle = "Heures ouvrées du calendrier du délai, attente du client déduite"
    if bounded.any():
        subtitle += f" · {int(bounded.sum())} durée(s) seulement bornée(s), non comptée(s)"
    style_figure(
        fig,
        title,
        subtitle=subtitle,
        x_title="Sévérité",
        y_title="Temps ouvré écoulé (h)",
    )
    fig.update_yaxes(rangemode="tozero", ticksuffix="\u00a0h")
    fig.update_layout(boxmode="overlay")
