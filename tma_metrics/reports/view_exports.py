"""Export tables of the meeting views: French sheet names and headers, typed values.

``*_sheets(view, client_view=...)`` returns sheet name → table, ready for `workbook`
(the formats of the KPI catalog; key figures of mixed units get one format per row,
from their « Unité » column) and, table by table, `reports.csv_fr.csv_bytes`. Numbers
stay numbers, dates stay dates, business minutes become durations; codes become
French labels.

Client view (asked for, or the view itself built as one): no internal column (time
spent, absorbed hours, guarantee overruns, people and comments of time entries), no
internal card, summary line or alert. The portfolio holds nothing internal: only pass
it the contracts the reader may see.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import numpy as np
import pandas as pd

from tma_metrics.french import formats as fr
from tma_metrics.metrics import column, format_value, kpi
from tma_metrics.reports.excel import workbook_bytes
from tma_metrics.views.alerts import Alert
from tma_metrics.views.bilan import BilanView
from tma_metrics.views.cards import Card
from tma_metrics.views.copil import CopilView
from tma_metrics.views.point import PointView
from tma_metrics.views.sla_range import compliance_text
from tma_metrics.views.tables import FORMAT_OF_UNIT, excel_formats, french_table

__all__ = [
    "UNITS_FR",
    "Line",
    "about",
    "alerts_frame",
    "bilan_lines",
    "bilan_sheets",
    "cards_frame",
    "copil_sheets",
    "point_sheets",
    "portfolio_sheets",
    "summary_frame",
    "workbook",
]

#: A summary line: (label, value, unit, internal).
Line = tuple[str, object, str, bool]


def point_sheets(view: PointView, *, client_view: bool = False) -> dict[str, pd.DataFrame]:
    """Return the sheets of the Point TMA export."""
    client = client_view or view.client_view
    tables = {
        "Demandes entrées": view.incoming,
        "Demandes résolues": view.resolved,
        "Demandes en cours": view.in_progress,
        "Devis en attente": view.pending_estimates,
        "SLA à surveiller": view.to_watch,
        "SLA dépassés": view.breaches,
        "SLA par demande": view.sla_by_ticket,
    }
    return {
        "Solde": cards_frame(view.cards, client_view=client),
        "Points d'attention": alerts_frame(view.alerts, client_view=client),
        **{name: french_table(frame, client_view=client) for name, frame in tables.items()},
    }


def bilan_sheets(view: BilanView, *, client_view: bool = False) -> dict[str, pd.DataFrame]:
    """Return the sheets of the Bilan mensuel export."""
    client = client_view or view.client_view
    tables = {
        "Par demande": view.by_ticket,
        "Par type": view.by_kind,
        "Par activité": view.by_activity,
        "SLA par sévérité": view.sla_by_severity,
        "Sans devis": view.unestimated,
        "Demandes ouvertes": view.backlog_rows,
        "Ancienneté du stock": view.backlog.by_age,
    }
    return {
        "Synthèse": summary_frame(bilan_lines(view), client_view=client),
        **{name: french_table(frame, client_view=client) for name, frame in tables.items()},
    }


def copil_sheets(view: CopilView, *, client_view: bool = False) -> dict[str, pd.DataFrame]:
    """Return the sheets of the Copil export."""
    client = client_view or view.client_view
    tables = {
        "Consommation mensuelle": view.monthly,
        "SLA par sévérité": view.sla_by_severity,
        "SLA par mois": view.sla_by_month,
        "Délais de résolution": view.resolution_times,
        "Devis par type": view.estimation_by_kind,
        "Typologie": view.mix,
        "Ancienneté du stock": view.backlog.by_age,
        "Demandes réouvertes": view.reopened,
        "Plus consommatrices": view.costliest,
    }
    return {
        "Chiffres clés": cards_frame((*view.cards, *view.key_figures), client_view=client),
        "Points d'attention": alerts_frame(view.alerts, client_view=client),
        **{name: french_table(frame, client_view=client) for name, frame in tables.items()},
    }


def portfolio_sheets(table: pd.DataFrame, *, client_view: bool = False) -> dict[str, pd.DataFrame]:
    """Return the sheet of the portfolio export (`views.portfolio.portfolio_table`)."""
    return {"Portefeuille": french_table(table, client_view=client_view)}


def workbook(
    sheets: Mapping[str, pd.DataFrame],
    *,
    title: str,
    about: Mapping[str, str] | None = None,
    generated_at: datetime | None = None,
) -> bytes:
    """Write the sheets as ``.xlsx`` with the views' number formats and an "À propos" sheet."""
    return workbook_bytes(
        sheets,
        title=title,
        about=about,
        column_formats=excel_formats(sheets),
        row_formats={name: _row_formats(frame) for name, frame in sheets.items()},
        generated_at=generated_at,
    )


#: Catalog unit -> the French word of the « Unité » column of key-figure sheets.
UNITS_FR = {
    "j": "jours",
    "h": "heures",
    "%": "%",
    "date": "date",
    "nb": "nombre",
    "jours": "jours calendaires",
    "ratio": "ratio",
    "j/mois": "jours par mois",
    "bool": "oui / non",
}
#: The same word -> the Excel format of a value in that unit (`reports.excel.FORMAT_CODES`).
_FORMAT_OF_WORD = {
    UNITS_FR[unit]: FORMAT_OF_UNIT[unit] for unit in UNITS_FR if unit not in ("date", "bool")
}
#: ... and of a change in that unit (a date moves by calendar days).
_CHANGE_FORMAT_OF_WORD = {**_FORMAT_OF_WORD, UNITS_FR["date"]: "calendar_days"}


def _row_formats(frame: pd.DataFrame) -> dict[str, list[str | None]]:
    """Return one format per row for the « Valeur » and « Évolution » of key figures."""
    unit, value, change = (column(name).header for name in ("unit", "value", "change"))
    if unit not in frame.columns:
        return {}
    words = frame[unit].astype(object).tolist()
    formats = {}
    for header, of_word in ((value, _FORMAT_OF_WORD), (change, _CHANGE_FORMAT_OF_WORD)):
        if header in frame.columns:
            formats[header] = [of_word.get(w) if isinstance(w, str) else None for w in words]
    return formats


def about(view: PointView | BilanView | CopilView, *, client_view: bool = False) -> dict[str, str]:
    """Return the "À propos" lines of a view's workbook: contract, period, date, audience."""
    if isinstance(view, PointView):
        period = f"du {fr.day(view.since)} au {fr.day(view.as_of)}"
    elif isinstance(view, BilanView):
        period = f"{fr.month(view.month)} (du {fr.day(view.month)} au {fr.day(view.month_end)})"
    else:
        period = f"du {fr.day(view.start)} au {fr.day(view.end)}"
    client = client_view or view.client_view
    return {
        "Contrat": view.contract_name,
        "Période": period,
        "Arrêté au": fr.day(view.as_of),
        "Vue": "Client (sans chiffres internes)" if client else "Interne",
    }


# -- summary frames -----------------------------------------------------------------


def cards_frame(cards: tuple[Card, ...], *, client_view: bool = False) -> pd.DataFrame:
    """Turn cards into rows: label, value or date, unit, change, French text, detail."""
    kept = [c for c in cards if not (client_view and c.internal)]
    dated = [c.unit == "date" for c in kept]
    frame = pd.DataFrame(
        {
            "indicator": pd.array([c.label for c in kept], dtype="string"),
            "value": [np.nan if d else _float(c.value) for c, d in zip(kept, dated, strict=True)],
            "unit": pd.array([_unit(c.unit) for c in kept], dtype="string"),
            "date_value": pd.to_datetime(
                [c.value if d else None for c, d in zip(kept, dated, strict=True)]
            ).astype("datetime64[us]"),
            "change": [_float(c.change) for c in kept],
            "text": pd.array([c.text for c in kept], dtype="string"),
            "detail": pd.array([c.detail or None for c in kept], dtype="string"),
        }
    )
    frame["value"] = frame["value"].astype("float64")
    frame["change"] = frame["change"].astype("float64")
    return french_table(frame, client_view=client_view)


def alerts_frame(alerts: tuple[Alert, ...], *, client_view: bool = False) -> pd.DataFrame:
    """Turn alerts into rows: level and message."""
    kept = [a for a in alerts if not (client_view and a.internal)]
    frame = pd.DataFrame(
        {
            "level": pd.array([a.level for a in kept], dtype="string"),
            "message": pd.array([a.message for a in kept], dtype="string"),
        }
    )
    return french_table(frame, client_view=client_view)


def summary_frame(lines: list[Line], *, client_view: bool = False) -> pd.DataFrame:
    """Turn summary lines into rows: label, value (a fraction for %), unit, text."""
    kept = [line for line in lines if not (client_view and line[3])]
    frame = pd.DataFrame(
        {
            "indicator": pd.array([label for label, *_ in kept], dtype="string"),
            "value": np.array([_float(value) for _, value, _, _ in kept], dtype="float64"),
            "unit": pd.array([_unit(unit) for _, _, unit, _ in kept], dtype="string"),
            "text": pd.array([_text(value, unit) for _, value, unit, _ in kept], dtype="string"),
        }
    )
    return french_table(frame, client_view=client_view)


def bilan_lines(view: BilanView) -> list[Line]:
    """Return the Bilan's key figures, labelled from the KPI catalog where possible.

    The carnet's lines are left out when there is no balance (régie, forfait...).
    """
    e, s, b = view.estimation, view.sla_month, view.backlog
    carnet: list[Line] = []
    if view.remaining_days is not None:
        available = (view.purchased_days or 0.0) + (view.carried_over_days or 0.0)
        carnet = [
            ("Disponible sur le carnet (achat + report)", available, "j", False),
            (f"{kpi('consumed_days').label} sur le carnet", view.consumed_total_days, "j", False),
            (kpi("remaining_days").label, view.remaining_days, "j", False),
        ]
    return [
        (f"Consommé en {fr.month(view.month)}", view.consumed_month_days, "j", False),
        (f"{kpi('deducted_hours').label} du mois", view.deducted_month_hours, "h", False),
        (f"{kpi('spent_hours').label} du mois", view.spent_month_hours, "h", True),
        (f"{kpi('absorbed_hours').label} du mois", view.absorbed_month_hours, "h", True),
        *carnet,
        (kpi("management_share").label, view.management_share, "%", False),
        (kpi("sla_compliance").label, compliance_text(s), "%", False),
        (kpi("sla_compliance_low").label, s.compliance_low, "%", False),
        (kpi("sla_compliance_high").label, s.compliance_high, "%", False),
        (kpi("sla_coverage").label, s.coverage, "%", False),
        (kpi("within_guarantee_rate").label, e.within_guarantee_rate, "%", False),
        (kpi("estimated_tickets").label, e.tickets, "nb", False),
        (kpi("tickets_without_estimate").label, len(view.unestimated), "nb", False),
        ("Qualification au-delà de 2 h", view.qualification_over_2h, "nb", False),
        (kpi("backlog_open").label, b.open, "nb", False),
        (kpi("backlog_median_age_days").label, b.median_age_days, "jours", False),
    ]


def _unit(unit: str) -> str:
    return UNITS_FR.get(unit, unit)


def _float(value: object) -> float:
    if value is None or value is pd.NA:
        return np.nan
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return np.nan


def _text(value: object, unit: str) -> str:
    if isinstance(value, str):  # already worded (an SLA range, « non mesurable »)
        return value
    number = _float(value)
    if unit == "j":
        return fr.days(number)
    if unit == "h":
        return fr.hours(number, 2)
    return format_value(number, unit)
