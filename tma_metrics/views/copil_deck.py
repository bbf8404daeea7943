"""The Copil's slide list: key figures, one slide per chart, the tables, actions.

Charts are built elsewhere (Plotly) and passed by name; a known name gets its French
title and the key figure shown beside it (`CHART_SLIDES`), an unknown one keeps the
figure's own title. Any subset, in any order, is accepted: slides follow
`CHART_SLIDES`' order, then the unknown names in the order given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import plotly.graph_objects as go

from tma_metrics import frenchfmt as fr
from tma_metrics.reports.deck import ChartSlide, Deck, Slide, TableSlide, TextSlide
from tma_metrics.views.cards import Card
from tma_metrics.views.copil import CopilView
from tma_metrics.views.sla_range import ComplianceRange, percent_down, percent_up
from tma_metrics.views.tables import display_table

_KeyFigure = Callable[[CopilView], tuple[str, str]]


def _remaining(view: CopilView) -> tuple[str, str]:
    card = next((c for c in view.cards if c.key == "remaining_days"), None)
    if card is None:
        return fr.days(view.consumed_period_days), "décomptés sur la période"
    return card.text, f"de solde au {fr.day(view.as_of)}"


def _consumed(view: CopilView) -> tuple[str, str]:
    return fr.days(view.consumed_period_days), "décomptés sur la période"


def _sla(view: CopilView) -> tuple[str, str]:
    found = ComplianceRange.of(view.sla_summary)
    coverage = f"couverture {fr.percent(found.coverage)}"
    if not found.measured:
        return found.text(), coverage
    if found.is_range:  # short enough for the slide's big figure; the chart says the rest
        short = f"{percent_down(found.low)[:-2]} à {percent_up(found.high)}"
        return short, f"des délais respectés selon les {found.unknown} non mesurés ; {coverage}"
    return found.text(), f"des délais respectés ({coverage})"


def _estimation(view: CopilView) -> tuple[str, str]:
    s = view.estimation_summary
    return fr.percent(s.within_guarantee_rate), f"des {s.tickets} devis tenus dans la garantie"


def _mix(view: CopilView) -> tuple[str, str]:
    return fr.number(int(view.mix["created"].sum()), 0), "demandes reçues sur la période"


def _backlog(view: CopilView) -> tuple[str, str]:
    b = view.backlog
    age = "" if b.median_age_days is None else f", âge médian {fr.number(b.median_age_days, 0)} j"
    return fr.number(b.open, 0), f"demandes ouvertes{age}"


def _resolution(view: CopilView) -> tuple[str, str]:
    return fr.number(int(view.resolution_times["resolved"].sum()), 0), "résolutions mesurées"


def _management(view: CopilView) -> tuple[str, str]:
    shares = view.monthly.dropna(subset=["management_share"])
    if shares.empty:
        return "", ""
    last = shares.iloc[-1]
    return fr.percent(last["management_share"]), f"en {fr.month(last['month'])} (cible 10 %)"


def _ratio(view: CopilView) -> tuple[str, str]:
    return fr.number(view.estimation_summary.median_ratio, 2), "ratio médian passé / devis"


def _flow(view: CopilView) -> tuple[str, str]:
    f = view.flow
    again = f", {f['reopened']} réouvertes" if f["reopened"] else ""
    return (
        fr.number(f["received"], 0),
        f"reçues, {f['resolved']} résolues{again} ; ouvertes : {f['open_start']} → {f['open_end']}",
    )


def _costliest(view: CopilView) -> tuple[str, str]:
    if view.costliest.empty:
        return "", ""
    top = view.costliest.iloc[0]
    return fr.days(top["deducted_days"]), f"pour {top['key']}, la plus consommatrice"


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

#: View table → slide title, in the deck's order.
TABLE_SLIDES: dict[str, str] = {
    "monthly": "Consommation mensuelle",
    "sla_by_severity": "Respect des SLA par sévérité",
    "resolution_times": "Délais de résolution par sévérité",
    "estimation_by_kind": "Précision des devis par type de demande",
    "mix": "Typologie des demandes",
    "backlog_by_age": "Ancienneté des demandes ouvertes",
    "reopened": "Demandes réouvertes",
    "costliest": "Demandes les plus consommatrices",
}


def copil_deck(
    view: CopilView,
    charts: Mapping[str, go.Figure] | None = None,
    *,
    client_view: bool = True,
) -> Deck:
    """Build the Copil deck (title slide, key figures, charts, tables, actions).

    The deck is shown to the client: internal cards and columns are left out unless
    ``client_view=False`` (an internal rehearsal); a client view stays a client view.
    """
    charts = dict(charts or {})
    client_view = client_view or view.client_view
    consumption = [c for c in view.cards if not (client_view and c.internal)]
    consumption += [c for c in view.key_figures if c.key == "period_deducted_days"]
    service = [c for c in view.key_figures if c.key != "period_deducted_days"]
    slides: list[Slide] = [
        TextSlide("Consommation", _bullets(consumption)),
        TextSlide("Activité et qualité de service", _bullets(service)),
    ]
    points = [a.message for a in view.alerts]
    if points:
        slides.append(TextSlide("Points d'attention", tuple(points)))
    ordered = [name for name in CHART_SLIDES if name in charts]
    ordered += [name for name in charts if name not in CHART_SLIDES]
    slides += [_chart_slide(view, name, charts[name]) for name in ordered]
    tables = view.tables
    for name, title in TABLE_SLIDES.items():
        table = tables[name]
        if name == "reopened" and table.empty:
            continue
        slides.append(TableSlide(title, display_table(table, client_view=client_view)))
    slides.append(
        TextSlide(
            "Actions et décisions",
            (
                "Action : [à compléter : quoi, qui, pour quand]",
                "Décision : [à compléter]",
            ),
            notes=view.copil_cost_note or "",
        )
    )
    return Deck(
        title=f"Comité de pilotage — {view.contract_name}",
        subtitle=f"Période du {fr.day(view.start)} au {fr.day(view.end)}",
        date_label=f"Arrêté au {fr.day(view.as_of)}",
        slides=tuple(slides),
    )


def _bullets(cards: list[Card]) -> tuple[str, ...]:
    texts = (f"{card.label} : {card.text}" for card in cards)
    return tuple(
        f"{text} ({card.detail})" if card.detail else text
        for text, card in zip(texts, cards, strict=True)
    )


def _chart_slide(view: CopilView, name: str, figure: go.Figure) -> ChartSlide:
    if name in CHART_SLIDES:
        title, key_figure = CHART_SLIDES[name]
        value, label = key_figure(view)
    else:
        title = (figure.layout.title.text or "").strip() or name.replace("_", " ").capitalize()
        value, label = "", ""
    return ChartSlide(title=title, figure=figure, key_figure=value, key_label=label)
