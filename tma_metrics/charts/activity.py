"""Activity charts: ticket mix per month, created vs resolved, backlog age, costliest tickets.

All read the per-ticket table of `ContractFigures.tickets` (``timeline.prepare_tickets``
plus billing): ``key``, ``title``, ``kind``, ``severity``, ``created_at``, ``is_open``,
``billed_spent_hours``, ``deducted_hours``, ``absorbed_hours``; except the flow of
tickets received and resolved, which reads `ContractFigures.changes` (the same state
changes every ticket count comes from).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from tma_metrics.charts.categories import (
    UNKNOWN_SEVERITY,
    kind_color,
    kind_label,
    kind_order,
    severity_color,
    severity_label,
    severity_order,
)
from tma_metrics.charts.safe_text import escapes_data
from tma_metrics.charts.style import (
    BLACK,
    BLUE,
    BLUISH_GREEN,
    CONSUMPTION_COLORS,
    ORANGE,
    axis_label,
    compact,
    count_of,
    empty_figure,
    hover,
    month_label,
    style_figure,
)
from tma_metrics.domain import ticket_states
from tma_metrics.domain.model import Kind
from tma_metrics.french import formats as fr

__all__ = [
    "AGE_BUCKETS",
    "BACKLOG_TITLE",
    "COSTLIEST_TITLE",
    "FLOW_TITLE",
    "MIX_TITLE",
    "backlog_age_chart",
    "costliest_tickets_chart",
    "created_resolved_chart",
    "resolved_dates",
    "ticket_mix_chart",
]

MIX_TITLE = "Demandes reçues par mois et par type"
FLOW_TITLE = "Demandes reçues et résolues"
BACKLOG_TITLE = "Stock de demandes ouvertes"
COSTLIEST_TITLE = "Demandes les plus coûteuses"

#: Age buckets of the backlog, in calendar days (upper bounds included).
AGE_BUCKETS: tuple[tuple[str, float], ...] = (
    ("0–7 j", 7),
    ("8–30 j", 30),
    ("31–90 j", 90),
    ("> 90 j", np.inf),
)
_KIND_PLURAL_FR = {
    "corrective": "correctives",
    "evolutive": "évolutives",
    "preventive": "préventives",
    "support": "de support",
    "management": "de gestion de projet",
    "other": "autres",
}
#: Step between periods: months start on the 1st, weeks on a Monday (`_periods`).
_FREQ = {"month": "MS", "week": "7D"}


def _dates(tickets: pd.DataFrame, name: str) -> pd.Series:
    if name not in tickets.columns:
        return pd.Series(pd.NaT, index=tickets.index, dtype="datetime64[us]")
    return pd.to_datetime(tickets[name])


def resolved_dates(tickets: pd.DataFrame) -> pd.Series:
    """Return when each ticket was resolved: ``resolution_at``, else resolved / closed dates."""
    found = _dates(tickets, "resolution_at")
    for name in ("resolved_at", "closed_at"):
        found = found.fillna(_dates(tickets, name))
    return found


def _in_window(stamps: pd.Series, start: object, end: object) -> pd.Series:
    keep = stamps.notna()
    if start is not None:
        keep &= stamps >= pd.Timestamp(start)
    if end is not None:
        keep &= stamps < pd.Timestamp(end).normalize() + pd.Timedelta(days=1)
    return keep


def _periods(stamps: pd.Series, freq: str) -> pd.Series:
    """First day of each stamp's month, or Monday of its week."""
    days = stamps.dt.normalize()
    if freq == "week":
        return days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    return days.dt.to_period("M").dt.to_timestamp().astype("datetime64[us]")


def _period_label(value: pd.Timestamp, freq: str, *, short: bool = True) -> str:
    if freq == "week":
        # Two-digit year: short, and still unique over several years of weeks.
        return f"{value:%d/%m/%y}" if short else f"semaine du {fr.day(value)}"
    return month_label(value, short=short)


# -- mix per month -------------------------------------------------------------------


@escapes_data
def ticket_mix_chart(
    tickets: pd.DataFrame, *, start: object = None, end: object = None
) -> go.Figure:
    """Draw the tickets created each month, stacked by kind (corrective, evolutive…).

    Reads ``created_at`` (kept in [start, end]) and ``kind`` (`model.Kind` codes, colours
    of `style.KIND_COLORS`).
    """
    created = _dates(tickets, "created_at")
    rows = tickets[_in_window(created, start, end).to_numpy(bool)]
    if rows.empty:
        return empty_figure(MIX_TITLE, "Aucune demande créée sur la période.")
    month = _periods(_dates(rows, "created_at"), "month")
    kind = rows["kind"].astype("string").fillna(Kind.OTHER.value)
    counts = pd.crosstab(month, kind)
    months = pd.date_range(counts.index.min(), counts.index.max(), freq="MS", unit="us")
    counts = counts.reindex(months, fill_value=0)
    labels = [month_label(m) for m in months]
    totals = counts.sum(axis=1).to_numpy()
    fig = go.Figure()
    for code in kind_order(kind):
        values = counts[code].to_numpy()
        name = kind_label(code)
        texts = [
            f"<b>{name} — {month_label(m, short=False)}</b><br>{count_of(int(n), 'demande')}"
            + (f" ({fr.percent(n / t)} du mois)" if t else "")
            for m, n, t in zip(months, values, totals, strict=True)
        ]
        fig.add_trace(
            go.Bar(
                x=labels,
                y=values,
                name=name,
                marker={"color": kind_color(code)},
                **hover(texts),
            )
        )
    total = len(rows)
    corrective = int((kind == Kind.CORRECTIVE.value).sum())
    share = (
        f"dont {corrective} {_KIND_PLURAL_FR['corrective']} ({fr.percent(corrective / total)})"
        if corrective
        else "aucune corrective"
    )
    title = f"{MIX_TITLE} : {count_of(total, 'demande')}, {share}"
    style_figure(
        fig, title, x_title="Mois de création", y_title="Demandes (nb)", legend_title="Type"
    )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=labels)
    return fig


# -- created vs resolved -------------------------------------------------------------


@escapes_data
def created_resolved_chart(
    changes: pd.DataFrame, *, freq: str = "month", start: object = None, end: object = None
) -> go.Figure:
    """Draw the tickets received, resolved and reopened per month (or week, Monday first).

    Reads `ticket_states.state_changes` rows (``ContractFigures.changes``), counted by
    `ticket_states.flow_by_period` over the periods covering [start, end] (default: the
    changes' first and last dates). A line gives the tickets open at each period's end;
    the title's balance is the change of that stock:
    ``open at the end - open at the start = received - resolved + reopened``.
    """
    if freq not in _FREQ:
        raise ValueError(f"Période « {freq} » inconnue : attendu « month » ou « week ».")
    per = "par semaine" if freq == "week" else "par mois"
    dated = changes["at"].dropna()
    first = pd.Timestamp(start) if start is not None else (dated.min() if len(dated) else None)
    last = pd.Timestamp(end) if end is not None else (dated.max() if len(dated) else None)
    if first is None or last is None or first > last:
        return empty_figure(
            f"{FLOW_TITLE} {per}", "Aucune demande créée ni résolue sur la période."
        )
    table = ticket_states.flow_by_period(changes, _period_starts(first, last, freq), last)
    # The first period starts at ``start`` even when it is not a month's (week's) first day.
    if not (table[["received", "resolved", "reopened"]].to_numpy().sum()):
        return empty_figure(
            f"{FLOW_TITLE} {per}", "Aucune demande créée ni résolue sur la période."
        )
    periods = pd.DatetimeIndex(table["period"])
    came, went, again = (table[name].to_numpy() for name in ("received", "resolved", "reopened"))
    stock = table["open_end"].to_numpy()
    labels = [_period_label(_periods(pd.Series([p]), freq).iloc[0], freq) for p in periods]
    texts = [
        f"<b>{_period_label(p, freq, short=False)}</b><br>Reçues : {c}<br>Résolues : {r}"
        + (f"<br>Réouvertes : {o}" if o else "")
        + f"<br>Ouvertes en fin de période : {k}"
        for p, c, r, o, k in zip(periods, came, went, again, stock, strict=True)
    ]
    fig = go.Figure()
    _add_flow_traces(fig, labels, came, went, again, stock, texts)
    title = _flow_title(table, per, came, went, again)
    style_figure(
        fig,
        title,
        x_title="Semaine (du lundi)" if freq == "week" else "Mois",
        y_title="Demandes (nb)",
    )
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=labels)
    return fig


def _add_flow_traces(
    fig: go.Figure,
    labels: list[str],
    came: np.ndarray,
    went: np.ndarray,
    again: np.ndarray,
    stock: np.ndarray,
    texts: list[str],
) -> None:
    """Add the received, resolved and reopened bars and the open-tickets line."""
    fig.add_trace(go.Bar(x=labels, y=came, name="Reçues", marker={"color": BLUE}, **hover(texts)))
    fig.add_trace(
        go.Bar(x=labels, y=went, name="Résolues", marker={"color": BLUISH_GREEN}, **hover(texts))
    )
    if again.sum():
        fig.add_trace(
            go.Bar(x=labels, y=again, name="Réouvertes", marker={"color": ORANGE}, **hover(texts))
        )
    fig.add_trace(
        go.Scatter(
            x=labels,
            y=stock,
            name="Ouvertes en fin de période",
            mode="lines+markers",
            line={"color": BLACK, "width": 2},
            **hover(texts),
        )
    )


def _flow_title(
    table: pd.DataFrame, per: str, came: np.ndarray, went: np.ndarray, again: np.ndarray
) -> str:
    """Title the flow chart with its totals and the change of the open stock."""
    opened, closed = int(table["open_start"].iloc[0]), int(table["open_end"].iloc[-1])
    title = (
        f"{FLOW_TITLE} {per} : {fr.number(int(came.sum()), 0)} reçues, "
        f"{fr.number(int(went.sum()), 0)} résolues"
        + (f", {fr.number(int(again.sum()), 0)} réouvertes" if again.sum() else "")
        + f" ; ouvertes : {fr.number(opened, 0)} → {fr.number(closed, 0)} "
        f"(solde {fr.number(closed - opened, 0, signed=True)})"
    )
    return title


def _period_starts(first: pd.Timestamp, last: pd.Timestamp, freq: str) -> pd.DatetimeIndex:
    """Return the starts of the periods covering [first, last]: ``first``, then each month
    (each Monday) after it."""
    day = pd.Timestamp(first).normalize()
    anchor = _periods(pd.Series([day]), freq).iloc[0]
    starts = pd.date_range(anchor, pd.Timestamp(last).normalize(), freq=_FREQ[freq], unit="us")
    starts = starts[starts > day]
    return pd.DatetimeIndex([day, *starts]).as_unit("us")


# -- backlog age ---------------------------------------------------------------------


@escapes_data
def backlog_age_chart(tickets: pd.DataFrame, as_of: date, *, by: str = "kind") -> go.Figure:
    """Draw the open tickets by age bucket (0–7 j, 8–30 j, 31–90 j, > 90 j), by kind or severity.

    Reads ``is_open`` (open at the figures' instant; without it, no resolution date),
    ``created_at`` (age = calendar days from its day to ``as_of``; tickets created later
    or undated are left out and counted in the subtitle) and ``kind`` or ``severity``.
    """
    if by not in ("kind", "severity"):
        raise ValueError(f"Regroupement « {by} » inconnu : attendu « kind » ou « severity ».")
    day = pd.Timestamp(as_of).normalize()
    rows, undated = _open_rows(tickets, day)
    title = f"{BACKLOG_TITLE} au {fr.day(as_of)}"
    if rows.empty:
        return empty_figure(title, "Aucune demande ouverte à la date d'arrêté.")
    age = (day - _dates(rows, "created_at").dt.normalize()).dt.days.to_numpy()
    bounds = [b for _, b in AGE_BUCKETS]
    bucket = np.searchsorted(np.asarray(bounds), age, side="left")
    names = [n for n, _ in AGE_BUCKETS]
    if by == "kind":
        group = rows["kind"].astype("string").fillna(Kind.OTHER.value)
        order, label_of, color_of = kind_order(group), kind_label, kind_color
    else:
        group = rows["severity"].astype("string").fillna(UNKNOWN_SEVERITY)
        order, label_of, color_of = severity_order(group), severity_label, severity_color
    fig = go.Figure()
    _add_age_bars(fig, group, order, label_of, color_of, bucket)
    old = int((age > 90).sum())
    title += (
        f" : {count_of(len(rows), 'demande')}, âge médian {compact(float(np.median(age)), 'j')}"
        f", {old} de plus de 90 j"
    )
    subtitle = "Âge en jours calendaires depuis la création"
    if undated:
        left_out = "non comptée" if undated < 2 else "non comptées"
        subtitle += f" · {count_of(undated, 'demande')} sans date de création {left_out}"
    style_figure(
        fig,
        title,
        subtitle=subtitle,
        x_title="Âge (jours calendaires)",
        y_title="Demandes ouvertes (nb)",
        legend_title="Type" if by == "kind" else "Sévérité",
    )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=names)
    return fig


def _open_rows(tickets: pd.DataFrame, day: pd.Timestamp) -> tuple[pd.DataFrame, int]:
    """Return the tickets open on ``day`` and created by then, and how many open are undated."""
    if "is_open" in tickets.columns:
        is_open = tickets["is_open"].to_numpy(bool)
    else:
        is_open = (resolved_dates(tickets).isna() | (resolved_dates(tickets) > day)).to_numpy()
    created = _dates(tickets, "created_at")
    undated = int((is_open & created.isna().to_numpy()).sum())
    keep = is_open & (created.dt.normalize() <= day).to_numpy(bool)
    rows = tickets[keep]
    return rows, undated


def _add_age_bars(
    fig: go.Figure,
    group: pd.Series,
    order: list[str],
    label_of: Callable[[str], str],
    color_of: Callable[[str], str],
    bucket: np.ndarray,
) -> None:
    """Add one stacked bar of open tickets per age bucket for each group, in ``order``."""
    names = [n for n, _ in AGE_BUCKETS]
    for code in order:
        mine = (group == code).to_numpy()
        counts = np.bincount(bucket[mine], minlength=len(AGE_BUCKETS))
        name = label_of(code)
        texts = [
            f"<b>{name} — {b}</b><br>{count_of(int(n), 'demande ouverte', 'demandes ouvertes')}"
            for b, n in zip(names, counts, strict=True)
        ]
        fig.add_trace(
            go.Bar(
                x=names,
                y=counts,
                name=name,
                marker={"color": color_of(code)},
                **hover(texts),
            )
        )


# -- costliest tickets ---------------------------------------------------------------


@escapes_data
def costliest_tickets_chart(
    tickets: pd.DataFrame,
    *,
    top: int = 10,
    client_view: bool = False,
    hours_per_day: float = 8.0,
) -> go.Figure:
    """Draw the ``top`` tickets with the most time: deducted, plus absorbed when internal.

    Reads ``key``, ``title``, ``kind``, ``billed_spent_hours`` (else ``spent_hours``),
    ``deducted_hours`` and ``absorbed_hours``. Internal views rank by time spent and
    stack the absorbed hours; ``client_view`` ranks by deducted time and shows nothing
    else (no spent or absorbed hours in bars, hover or title).
    """
    spent_column = "billed_spent_hours" if "billed_spent_hours" in tickets else "spent_hours"
    spent = pd.to_numeric(tickets[spent_column], errors="coerce").fillna(0.0)
    deducted = pd.to_numeric(tickets["deducted_hours"], errors="coerce").fillna(0.0)
    absorbed = pd.to_numeric(tickets["absorbed_hours"], errors="coerce").fillna(0.0)
    rank = deducted if client_view else spent
    if not (rank > 0).any():
        return empty_figure(COSTLIEST_TITLE, "Aucun temps saisi sur une demande pour la période.")
    chosen = rank[rank > 0].sort_values(ascending=False, kind="stable").index[:top]
    rows = tickets.loc[chosen]
    names = [str(key) for key in rows["key"]]  # unique: the axis' categories
    ticks = [
        axis_label(f"{key} · {_text(title)}", width=32)
        for key, title in zip(rows["key"], rows["title"], strict=True)
    ]
    kinds = [kind_label(str(k)) if pd.notna(k) else "—" for k in rows["kind"]]
    texts = _costliest_hovers(
        rows,
        kinds,
        deducted[chosen],
        absorbed[chosen],
        spent[chosen],
        client_view=client_view,
        hours_per_day=hours_per_day,
    )
    fig = go.Figure()
    _add_costliest_bars(fig, names, deducted[chosen], absorbed[chosen], texts, client_view)
    title = _costliest_title(len(chosen), rank[chosen], rank, absorbed[chosen], client_view)
    style_figure(
        fig,
        title,
        x_title="Heures (h)",
        y_title=None,
        height=max(300, 44 * len(chosen) + 80),  # two-line labels
    )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=names)
    fig.update_yaxes(
        autorange="reversed", automargin=True, tickmode="array", tickvals=names, ticktext=ticks
    )
    fig.update_xaxes(ticksuffix="\u00a0h")
    return fig


def _costliest_hovers(
    rows: pd.DataFrame,
    kinds: list[str],
    deducted: pd.Series,
    absorbed: pd.Series,
    spent: pd.Series,
    *,
    client_view: bool,
    hours_per_day: float,
) -> list[str]:
    """Word each chosen ticket's hover: key, title, kind and its hours."""
    return [
        f"<b>{key}</b> "  # key and title come escaped (`escapes_data`)
        f"{html.escape(_short(html.unescape(_text(title)), 70), quote=False)}<br>{kind}"
        f"<br>Décompté : {fr.hours(d)} ({fr.days(d / hours_per_day, 2)})"
        + (
            ""
            if client_view
            else f"<br>Absorbé par l'agence : {fr.hours(a)}<br>Temps passé : {fr.hours(s)}"
        )
        for key, title, kind, d, a, s in zip(
            rows["key"],
            rows["title"],
            kinds,
            deducted,
            absorbed,
            spent,
            strict=True,
        )
    ]


def _add_costliest_bars(
    fig: go.Figure,
    names: list[str],
    deducted: pd.Series,
    absorbed: pd.Series,
    texts: list[str],
    client_view: bool,
) -> None:
    """Add the deducted bars and, for internal views, the absorbed ones stacked on them."""
    fig.add_trace(
        go.Bar(
            y=names,
            x=deducted.to_numpy(float),
            orientation="h",
            name="Décompté du carnet (h)",
            marker={"color": CONSUMPTION_COLORS["consumed"]},
            **hover(texts),
        )
    )
    if not client_view:
        fig.add_trace(
            go.Bar(
                y=names,
                x=absorbed.to_numpy(float),
                orientation="h",
                name="Absorbé par l'agence (h)",
                marker={"color": CONSUMPTION_COLORS["absorbed"]},
                **hover(texts),
            )
        )


def _costliest_title(
    count: int, shown_rank: pd.Series, rank: pd.Series, absorbed: pd.Series, client_view: bool
) -> str:
    """Title the chart with the shown tickets' share of the time (and the absorbed hours)."""
    label, time_fr = ("décomptées", "décompté") if client_view else ("passées", "passé")
    shown = float(shown_rank.sum())
    share = shown / float(rank.sum())
    title = (
        f"Les {count} demandes les plus {'décomptées' if client_view else 'coûteuses'} : "
        f"{compact(shown, 'h')} {label}, {fr.percent(share)} du temps {time_fr} "
        "sur les demandes"
    )
    lost = float(absorbed.sum())
    if not client_view and lost > 0:
        title += f", dont {compact(lost, 'h')} absorbées"
    return title


def _text(text: object) -> str:
    return "" if text is None or text is pd.NA or text != text else str(text)


def _short(text: object, width: int = 38) -> str:
    value = _text(text)
    return value if len(value) <= width else value[: width - 1].rstrip() + "…"
