"""SLA compliance charts: per month and severity (with its coverage), severity × SLA kind.

When some clocks are not measurable the compliance is a range (`views.sla_range`): the
bar is solid up to the low end (every unknown breached) and hatched up to the high end
(every unknown met); the heatmap colours a cell by its low end and writes the range.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from tma_metrics.charts.categories import severity_color, severity_label, severity_order
from tma_metrics.charts.safe_text import escapes_data
from tma_metrics.charts.style import (
    BLACK,
    COMPLIANCE_SCALE,
    GREY,
    TEXT_COLOR,
    empty_figure,
    hover,
    month_label,
    ratio_text,
    rgba,
    style_figure,
)
from tma_metrics.domain.contracts.model import SLA_KINDS
from tma_metrics.domain.model import Severity
from tma_metrics.domain.sla.compliance import compliance, summarise
from tma_metrics.french import formats as fr
from tma_metrics.french.labels import OUTCOME_LABELS_FR, SLA_KIND_LABELS_FR
from tma_metrics.views.sla_range import ComplianceRange, percent_down, percent_up

__all__ = ["sla_compliance_by_month_chart", "sla_compliance_matrix_chart"]

#: "Respect des délais de résolution", "… de prise en charge", "… de contournement".
_OF_KIND_FR = {
    "response": "de prise en charge",
    "workaround": "de contournement",
    "resolution": "de résolution",
}
_DEFINITION_FR = (
    "Respect = respectés / (respectés + dépassés) · couverture = mesurables / soumises au délai"
)
#: How a range is drawn: bars (solid, then hatched) and the heatmap's colour.
_RANGE_FR = {
    "bars": "Plein : au pire · hachuré : au mieux",
    "heatmap": "Couleur : au pire",
}


def _headline(total: ComplianceRange) -> str:
    """Return ``81 % (83/103), couverture 100 % (106/106)``, a range, or "non mesurable"."""
    rate = total.text()
    if total.measured and not total.is_range:
        rate += f" ({ratio_text(total.met, total.decided)})"
    return f"{rate}, {total.coverage_text()}"


def _subtitle(total: ComplianceRange, drawn: str) -> str:
    """The definition, or how the range is ``drawn`` and what would measure the unknowns."""
    if total.unknown and total.measured:
        return f"{_RANGE_FR[drawn]} · {total.action()}"
    if total.unknown:
        return f"{_DEFINITION_FR} · {total.action()}"
    return _DEFINITION_FR


# -- compliance per month and severity -----------------------------------------------


@escapes_data
def sla_compliance_by_month_chart(
    outcomes: pd.DataFrame,
    *,
    sla_kind: str = "resolution",
    start: object = None,
    end: object = None,
) -> go.Figure:
    """Draw the compliance of one SLA kind per month and severity, with its coverage below.

    Reads `sla.sla_outcomes` rows (``sla_kind``, ``severity``, ``period_at``,
    ``applicable``, ``measurable``, ``outcome``) through
    ``compliance(…, by=("month", "severity"))``, keeping ``period_at`` in [start, end].
    Top row: compliance bars (none where nothing was met or breached); bottom row:
    coverage (measurable / applicable) per severity, so a rate never hides how much of
    it could be measured.
    """
    kind_fr = _OF_KIND_FR.get(sla_kind, sla_kind)
    rows = outcomes[outcomes["sla_kind"] == sla_kind]
    table = compliance(rows, by=("month", "severity"), start=start, end=end)
    table = table[table["applicable"] > 0]
    title = f"Respect des délais {kind_fr}"
    if table.empty:
        return empty_figure(title, f"Aucune demande soumise au délai {kind_fr} sur la période.")
    total = ComplianceRange.of(summarise(rows, start, end))
    months = sorted(table["month"].unique())
    labels = [month_label(m) for m in months]
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, row_heights=[0.72, 0.28], vertical_spacing=0.07
    )
    for severity in severity_order(table["severity"]):
        sub = table[table["severity"] == severity].set_index("month").reindex(months)
        _add_severity_by_month(fig, sub, severity, months, labels)
    _lay_out_by_month(fig, title, total, labels)
    return fig


def _add_severity_by_month(
    fig: go.Figure, sub: pd.DataFrame, severity: str, months: list, labels: list[str]
) -> None:
    """Add one severity's compliance bars, low-end dash and coverage line to ``fig``."""
    name = severity_label(severity)
    texts = [
        _month_hover(name, month, row) for month, row in zip(months, sub.itertuples(), strict=True)
    ]
    low = 100 * sub["compliance_low"].to_numpy(float)
    high = 100 * sub["compliance_high"].to_numpy(float)
    decided = (sub["met"] + sub["breached"]).fillna(0).to_numpy(float)
    # Nothing met or breached: no bar at all (the cell is « non mesurable »).
    low, high = np.where(decided > 0, low, np.nan), np.where(decided > 0, high, np.nan)
    _add_compliance_bars(fig, sub, severity, labels, low, high, texts)
    _add_dash_and_coverage(fig, sub, severity, labels, low, texts)


def _add_compliance_bars(
    fig: go.Figure,
    sub: pd.DataFrame,
    severity: str,
    labels: list[str],
    low: np.ndarray,
    high: np.ndarray,
    texts: list[str],
) -> None:
    """Add a severity's solid bar up to the low end and hatched bar up to the high end."""
    name, color = severity_label(severity), severity_color(severity)
    fig.add_trace(
        go.Bar(
            x=labels,
            y=low,
            name=name,
            legendgroup=severity,
            offsetgroup=severity,
            marker={"color": color},
            **hover(texts),
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Bar(
            x=labels,
            y=high - low,
            base=low,
            name=f"{name} : fourchette",
            legendgroup=severity,
            offsetgroup=severity,
            showlegend=False,
            marker={
                "color": rgba(color, 0.25),
                "line": {"color": color, "width": 1},
                "pattern": {"shape": "/", "fgcolor": color, "size": 6},
            },
            text=[_bar_text(row) for row in sub.itertuples()],
            textposition="outside",
            cliponaxis=False,
            **hover(texts),
        ),
        row=1,
        col=1,
    )


def _add_dash_and_coverage(
    fig: go.Figure,
    sub: pd.DataFrame,
    severity: str,
    labels: list[str],
    low: np.ndarray,
    texts: list[str],
) -> None:
    """Add a severity's dash on the low end (top row) and its coverage line (bottom row)."""
    name, color = severity_label(severity), severity_color(severity)
    # A dash on the low end, so that a 0 % month is seen (its bar has no height).
    fig.add_trace(
        go.Scatter(
            x=labels,
            y=low,
            name=f"{name} : respect",
            legendgroup=severity,
            offsetgroup=severity,
            showlegend=False,
            mode="markers",
            marker={"symbol": "line-ew", "size": 12, "line": {"width": 3, "color": color}},
            **hover(texts),
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=labels,
            y=100 * sub["coverage"].to_numpy(float),
            name=f"{name} : couverture",
            legendgroup=severity,
            offsetgroup=severity,
            showlegend=False,
            mode="lines+markers",
            line={"color": color, "width": 1.5, "dash": "dot"},
            marker={"color": color, "size": 6},
            **hover(texts),
        ),
        row=2,
        col=1,
    )


def _lay_out_by_month(
    fig: go.Figure, title: str, total: ComplianceRange, labels: list[str]
) -> None:
    """Title, legend, axes and the "nothing measured" note of the per-month chart."""
    style_figure(
        fig, f"{title} : {_headline(total)}", subtitle=_subtitle(total, "bars"), height=460
    )
    # Labels too small to read on narrow bars are hidden (the hover keeps them).
    fig.update_layout(
        barmode="group",
        scattermode="group",
        legend_title_text="Sévérité",
        uniformtext={"minsize": 9, "mode": "hide"},
    )
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=labels)
    fig.update_xaxes(title_text="Mois (arrêt du délai)", row=2, col=1)
    fig.update_yaxes(title_text="Respect (%)", range=[0, 112], ticksuffix="\u00a0%", row=1, col=1)
    fig.update_yaxes(
        title_text="Couverture (%)", range=[0, 110], ticksuffix="\u00a0%", row=2, col=1
    )
    if not total.measured:
        fig.add_annotation(
            text="Aucun délai mesuré (respecté ou dépassé) : voir la couverture",
            xref="x domain",
            yref="y domain",
            x=0.5,
            y=0.5,
            showarrow=False,
            font={"color": TEXT_COLOR},
        )


def _bar_text(row: object) -> str:
    """The label on a bar: ``81 %``, ``45–100 %`` or nothing (nothing measured)."""
    found = ComplianceRange.of_row(row)
    if not found.measured:
        return ""
    if found.is_range:
        return f"{percent_down(found.low)[:-2]}–{percent_up(found.high)}"
    return fr.percent(found.compliance)


def _month_hover(severity_fr: str, month: object, row: object) -> str:
    """Word one (month, severity) cell: rate (or range) with counts, coverage with counts."""
    head = f"<b>{severity_fr} — {month_label(month, short=False)}</b>"
    applicable = row.applicable
    if applicable != applicable or not applicable:
        return head + "<br>Aucune demande soumise au délai"
    found = ComplianceRange.of_row(row)
    rate = found.text()
    if found.measured:
        rate += f" ({ratio_text(found.met, found.decided)} mesurés"
        rate += f", {found.unknown} non mesurable(s))" if found.unknown else ")"
    return (
        f"{head}<br>Respect : {rate}"
        f"<br>Couverture : {fr.percent(row.coverage)} "
        f"({ratio_text(int(row.measurable), int(applicable))} mesurables)"
        f"<br>En cours : {int(row.open)}, à risque : {int(row.at_risk)}"
    )


# -- severity x SLA kind -------------------------------------------------------------


@escapes_data
def sla_compliance_matrix_chart(
    outcomes: pd.DataFrame, *, start: object = None, end: object = None
) -> go.Figure:
    """Draw compliance by severity × SLA kind as a heatmap whose cells read "81 % · 12/15".

    Reads `sla.sla_outcomes` rows through ``compliance(…, by=("severity", "sla_kind"))``
    with ``period_at`` in [start, end]. Each cell gives the rate, met / (met + breached)
    and the coverage; cells with no measured clock stay grey and say why.
    """
    title = "Respect des SLA par sévérité et type de délai"
    table = compliance(outcomes, by=("severity", "sla_kind"), start=start, end=end)
    if int(table["applicable"].sum()) == 0:
        return empty_figure(title, "Aucune demande soumise à un délai sur la période.")
    severities = [s.value for s in Severity]
    severities += [s for s in severity_order(table["severity"]) if s not in severities]
    z, cells, tips = _matrix_grid(table.set_index(["severity", "sla_kind"]), severities)
    x = [SLA_KIND_LABELS_FR[k] for k in SLA_KINDS]
    y = [severity_label(s) for s in severities]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=x,
            y=y,
            zmin=0,
            zmax=100,
            colorscale=[list(stop) for stop in COMPLIANCE_SCALE],
            colorbar={"title": {"text": "Respect (%)"}, "ticksuffix": "\u00a0%"},
            xgap=3,
            ygap=3,
            hoverongaps=True,
            hovertext=tips,
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    _add_cell_texts(fig, x, y, cells)
    total = ComplianceRange.of(summarise(outcomes, start, end))
    style_figure(
        fig,
        f"{title} : {_headline(total)}",
        subtitle=_subtitle(total, "heatmap"),
        x_title="Type de délai",
        y_title="Sévérité",
        show_legend=False,
        height=360,
    )
    fig.update_layout(plot_bgcolor=rgba(GREY, 0.25))
    fig.update_xaxes(showgrid=False)
    fig.update_yaxes(showgrid=False, autorange="reversed")
    return fig


def _matrix_grid(
    table: pd.DataFrame, severities: list[str]
) -> tuple[np.ndarray, list[list[str]], list[list[str]]]:
    """Return the heatmap's colours, cell texts and hovers, severity by SLA kind."""
    z = np.full((len(severities), len(SLA_KINDS)), np.nan)
    cells: list[list[str]] = []
    tips: list[list[str]] = []
    for i, severity in enumerate(severities):
        cells.append([])
        tips.append([])
        for j, kind in enumerate(SLA_KINDS):
            row = table.loc[(severity, kind)] if (severity, kind) in table.index else None
            text, tip, rate = _matrix_cell(row)
            z[i, j] = rate
            cells[i].append(text)
            tips[i].append(f"<b>{severity_label(severity)} — {SLA_KIND_LABELS_FR[kind]}</b>{tip}")
    return z, cells, tips


def _add_cell_texts(fig: go.Figure, x: list[str], y: list[str], cells: list[list[str]]) -> None:
    """Write each cell's text on the heatmap."""
    for i, severity_fr in enumerate(y):
        for j, kind_fr in enumerate(x):
            fig.add_annotation(
                x=kind_fr,
                y=severity_fr,
                text=cells[i][j],
                showarrow=False,
                font={"color": BLACK, "size": 13},
            )


def _matrix_cell(row: pd.Series | None) -> tuple[str, str, float]:
    """Return a cell's text, its hover and its colour in % (NaN when nothing was measured).

    A range is coloured by its low end (every unknown breached).
    """
    if row is None or int(row["rows"]) == 0:
        return "Aucune demande", "<br>Aucune demande sur la période", np.nan
    applicable = int(row["applicable"])
    if applicable == 0:
        return (
            "Sans délai",
            "<br>Pas de délai contractuel (sur planification) ou demandes rejetées",
            np.nan,
        )
    found = ComplianceRange.of_row(row)
    coverage = (
        f"couverture {fr.percent(row['coverage'])} "
        f"({ratio_text(int(row['measurable']), applicable)})"
    )
    counts = (
        f"<br>{OUTCOME_LABELS_FR['open']} : {int(row['open'])}, "
        f"{OUTCOME_LABELS_FR['at_risk'].lower()} : {int(row['at_risk'])}"
    )
    if not found.measured:
        return f"Non mesuré<br>{coverage}", f"<br>Aucun délai mesuré<br>{coverage}{counts}", np.nan
    fraction = ratio_text(found.met, found.decided)
    if found.is_range:
        rate = f"{percent_down(found.low)[:-2]}–{percent_up(found.high)}"
        text = f"<b>{rate}</b> · {fraction}<br>+{found.unknown} non mesurés"
        tip = (
            f"<br>Respect : {found.text()} ({fraction} mesurés dans le délai, "
            f"{found.unknown} non mesurables)<br>{coverage.capitalize()}{counts}"
        )
        return text, tip, 100 * found.low
    rate = fr.percent(found.compliance)
    text = f"<b>{rate}</b> · {fraction}<br>couv. {fr.percent(row['coverage'])}"
    tip = f"<br>Respect : {rate} ({fraction} dans le délai)<br>{coverage.capitalize()}{counts}"
    return text, tip, 100 * found.compliance
