"""The Copil's slides: one message per slide, the detailed tables in an appendix.

Order: the title slide (« Comité de pilotage », the client's name and logo, the
period), the consumption and service key figures as tiles, the points of attention,
one slide per chart (its key figure big beside it), the actions and decisions, then
« Annexes »: the tables no chart already shows.

Charts are built elsewhere (Plotly) and passed by name; a known name gets its French
title and key figure (`CHART_SLIDES`), an unknown one keeps the figure's own title. A
known chart with nothing to show (no SLA measured, no estimate closed…) gets no slide.
Slides follow `CHART_SLIDES`' order, then the unknown names in the order given.
Every figure is French text: a missing value leaves its slide or its detail out, it
never prints as « nan » or « <NA> ».
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd
import plotly.graph_objects as go

from tma_metrics.french import formats as fr
from tma_metrics.french.labels import NO_TICKET_FR
from tma_metrics.reports.deck import (
    ChartSlide,
    Deck,
    FiguresSlide,
    KeyFigure,
    SectionSlide,
    Slide,
    TableSlide,
    TextSlide,
    chart_message,
)
from tma_metrics.views.cards import Card
from tma_metrics.views.copil import CopilView
from tma_metrics.views.sla_range import ComplianceRange
from tma_metrics.views.tables import display_table

__all__ = ["APPENDIX_TABLES", "CHART_SLIDES", "DECK_TITLE", "copil_deck"]

DECK_TITLE = "Comité de pilotage"
#: A key figure beside a chart: (value, label), or None when the chart has nothing to show.
_KeyFigure = Callable[[CopilView], tuple[str, str] | None]


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or value != value


def _remaining(view: CopilView) -> tuple[str, str] | None:
    card = next((c for c in view.cards if c.key == "remaining_days"), None)
    if card is None or _missing(card.value):
        return _consumed(view)
    return card.text, f"de solde au {fr.day(view.as_of)}"


def _consumed(view: CopilView) -> tuple[str, str] | None:
    return fr.days(view.consumed_period_days), "décomptés sur la période"


def _management(view: CopilView) -> tuple[str, str] | None:
    months = view.monthly.dropna(subset=["management_share"])
    deducted = float(months["deducted_days"].sum()) if len(months) else 0.0
    if deducted <= 0:
        return None
    # One figure for the period: the months' management days over their deducted days.
    share = float((months["management_share"] * months["deducted_days"]).sum()) / deducted
    return fr.percent(share), "du temps décompté sur la période"


def _sla(view: CopilView) -> tuple[str, str] | None:
    found = ComplianceRange.of(view.sla_summary)
    if found.applicable == 0:
        return None
    coverage = f"couverture {fr.percent(found.coverage)}"
    if not found.measured:
        return found.text(), coverage
    if found.is_range:  # short enough for the slide's big figure; the chart says the rest
        return (
            found.short_text(),
            f"des délais respectés selon les {found.unknown} non mesurés ; {coverage}",
        )
    return found.text(), f"des délais respectés ({coverage})"


def _resolution(view: CopilView) -> tuple[str, str] | None:
    resolved = int(view.resolution_times["resolved"].sum()) if len(view.resolution_times) else 0
    if resolved == 0:
        return None
    return fr.number(
        resolved, 0
    ), f"résolution{'s' if resolved > 1 else ''} mesurée{'s' if resolved > 1 else ''}"


def _ratio(view: CopilView) -> tuple[str, str] | None:
    s = view.estimation_summary
    if s.tickets == 0 or _missing(s.median_ratio):
        return None
    return fr.number(s.median_ratio, 2), "ratio médian temps passé / devis"


def _estimation(view: CopilView) -> tuple[str, str] | None:
    s = view.estimation_summary
    if s.tickets == 0 or _missing(s.within_guarantee_rate):
        return None
    plural = "s" if s.tickets > 1 else ""
    return fr.percent(
        s.within_guarantee_rate
    ), f"des {s.tickets} devis clos{plural} tenus dans la garantie"


def _mix(view: CopilView) -> tuple[str, str] | None:
    created = int(view.mix["created"].sum()) if len(view.mix) else 0
    if created == 0:
        return None
    return fr.number(created, 0), "demandes reçues sur la période"


def _flow(view: CopilView) -> tuple[str, str] | None:
    f = view.flow
    if not (f["received"] or f["resolved"] or f["open_end"]):
        return None
    again = f", {f['reopened']} réouvertes" if f["reopened"] else ""
    return (
        fr.number(f["received"], 0),
        f"reçues, {f['resolved']} résolues{again} ; ouvertes : {f['open_start']} → {f['open_end']}",
    )


def _backlog(view: CopilView) -> tuple[str, str] | None:
    b = view.backlog
    if b.open == 0:
        return None
    age = "" if _missing(b.median_age_days) else f", âge médian {fr.number(b.median_age_days, 0)} j"
    return fr.number(b.open, 0), f"demandes ouvertes{age}"


def _costliest(view: CopilView) -> tuple[str, str] | None:
    worked = view.costliest[view.costliest["deducted_hours"] > 0]
    if worked.empty:
        return None
    top = worked.iloc[0]
    return fr.days(
        top["deducted_days"]
    ), f"sur la période pour {_ticket_name(top)}, la plus consommatrice"


def _ticket_name(row: pd.Series) -> str:
    """Name a ticket by its key, or say it is the time logged without a ticket."""
    if not _missing(row.get("key")):
        return f"la demande {row['key']}"
    title = row.get("title")
    if _missing(title) or title == NO_TICKET_FR:
        return "le temps saisi sans demande (gestion transverse)"
    return str(title)


#: Chart id (`charts.contract.CHART_IDS`) → (slide title, key figure beside the chart).
CHART_SLIDES: dict[str, tuple[str, _KeyFigure]] = {
    "burn_up": ("Consommation du carnet", _remaining),
    "monthly_consumption": ("Consommation mensuelle", _consumed),
    "management_share": ("Part de la gestion de projet", _management),
    "sla_compliance_by_month": ("Respect des SLA par mois", _sla),
    "sla_compliance_matrix": ("Respect des SLA par sévérité", _sla),
    "resolution_time": ("Délais de résolution", _resolution),
    "estimate_ratio": ("Temps passé rapporté au devis", _ratio),
    "estimation_trend": ("Précision des devis", _estimation),
    "ticket_mix": ("Typologie des demandes", _mix),
    "created_resolved": ("Demandes reçues et résolues", _flow),
    "backlog_age": ("Ancienneté du stock", _backlog),
    "costliest_tickets": ("Demandes les plus consommatrices", _costliest),
}

#: Appendix tables: view table → (title, the chart that already shows it, if any). A
#: table whose chart is in the deck is left out: no chart is repeated as a table.
APPENDIX_TABLES: dict[str, tuple[str, str | None]] = {
    "costliest": ("Détail des demandes les plus consommatrices", None),
    "sla_by_severity": ("Respect des SLA par sévérité : détail des délais", None),
    "estimation_by_kind": ("Précision des devis par type de demande", None),
    "reopened": ("Demandes réouvertes", None),
    "monthly": ("Consommation mensuelle", "monthly_consumption"),
    "resolution_times": ("Délais de résolution par sévérité", "resolution_time"),
    "mix": ("Typologie des demandes", "ticket_mix"),
    "backlog_by_age": ("Ancienneté des demandes ouvertes", "backlog_age"),
}


def copil_deck(
    view: CopilView,
    charts: Mapping[str, go.Figure] | None = None,
    *,
    client_view: bool = True,
    client: str = "",
    logo: bytes | None = None,
) -> Deck:
    """Build the Copil deck (see the module's order).

    The deck is shown to the client: internal cards and columns are left out unless
    ``client_view=False`` (an internal rehearsal); a client view stays a client view.
    ``client`` is the name on the title slide (the contract's name by default);
    ``logo`` the client's logo (PNG or JPEG bytes).
    """
    charts = dict(charts or {})
    client_view = client_view or view.client_view
    slides: list[Slide] = [*_figure_slides(view, client_view)]
    points = [a.message for a in view.alerts if not (client_view and a.internal)]
    if points:
        slides.append(TextSlide("Points d'attention", tuple(points)))
    ordered = [name for name in CHART_SLIDES if name in charts]
    ordered += [name for name in charts if name not in CHART_SLIDES]
    chart_slides = [_chart_slide(view, name, charts[name]) for name in ordered]
    slides += [s for s in chart_slides if s is not None]
    slides.append(
        TextSlide(
            "Actions et décisions",
            (
                "Actions : [à compléter en séance : quoi, qui, pour quand]",
                "Décisions : [à compléter en séance]",
            ),
            notes=view.copil_cost_note or "",
        )
    )
    appendix = _appendix(view, charts, client_view)
    if appendix:
        slides += [SectionSlide("Annexes", "Tableaux détaillés de la période"), *appendix]
    name = client.strip() or view.contract_name
    period = f"Période du {fr.day(view.start)} au {fr.day(view.end)}"
    return Deck(
        title=DECK_TITLE,
        client=name,
        subtitle=period if name == view.contract_name else f"{view.contract_name}\n{period}",
        date_label=f"Arrêté au {fr.day(view.as_of)}",
        slides=tuple(slides),
        logo=logo,
    )


def _figure_slides(view: CopilView, client_view: bool) -> list[FiguresSlide]:
    consumption = [c for c in view.cards if not (client_view and c.internal)]
    consumption += [c for c in view.key_figures if c.key == "period_deducted_days"]
    service = [c for c in view.key_figures if c.key != "period_deducted_days"]
    return [
        FiguresSlide("Consommation", tuple(_tile(c) for c in consumption[:9])),
        FiguresSlide("Activité et qualité de service", tuple(_tile(c) for c in service[:9])),
    ]


def _tile(card: Card) -> KeyFigure:
    value = card.text if card.text and card.text != fr.MISSING else "Non mesuré"
    return KeyFigure(label=card.label, value=value, detail=card.detail)


def _chart_slide(view: CopilView, name: str, figure: go.Figure) -> ChartSlide | None:
    message = chart_message(figure)
    if name not in CHART_SLIDES:
        title = message or name.replace("_", " ").capitalize()
        return ChartSlide(title=title, figure=figure)
    title, key_figure = CHART_SLIDES[name]
    found = key_figure(view)
    if found is None:
        return None
    value, label = found
    head, _, rest = message.partition(" : ")
    if rest and head.casefold() == title.casefold():  # the slide's title already says it
        message = rest[:1].upper() + rest[1:]
    return ChartSlide(
        title=title, figure=figure, key_figure=value, key_label=label, message=message
    )


def _appendix(
    view: CopilView, charts: Mapping[str, go.Figure], client_view: bool
) -> list[TableSlide]:
    tables = view.tables
    out = []
    for name, (title, chart) in APPENDIX_TABLES.items():
        table = tables[name]
        if table.empty or (chart is not None and chart in charts):
            continue
        out.append(TableSlide(title, display_table(table, client_view=client_view)))
    return out
