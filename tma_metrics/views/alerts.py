"""Points of attention of a meeting: balance, SLA, guarantee, data quality.

Rules (for the README):

- **Low balance** (danger): ``remaining < alert_days`` (the renewal must be proposed).
- **Exhausted** (danger): the carnet's balance is used up.
- **Exhaustion before the end** (warning): the forecast falls on or before the expiry.
- **Likely unused days** (info): days left at the expiry at the current pace.
- **SLA breaches** (danger) and **tickets at risk** (warning): the rows of the view's
  SLA tables, one alert each kind, naming the tickets.
- **Past their guarantee** (warning, internal): open tickets whose time spent exceeds
  ``(1 + margin) × estimate``: the agency is absorbing hours on them.
- **Data warnings** (warning, internal): `ContractFigures.warnings` as they are; they
  already cover entries dated out of every carnet, unknown priorities, resolutions
  only bounded by the closing or last update, entries of unknown tickets.
- **Missing data** (`data_alerts`): nothing imported matches the contract's projects
  (internal), no time entry (then no "likely unused" alert either: no pace is known),
  no ticket, entries quoting a ticket reference that no imported ticket has (internal).

A client view keeps only the non-internal alerts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from tma_metrics.domain.carnet.consumption import Balance
from tma_metrics.domain.contracts.model import Contract
from tma_metrics.french import formats as fr
from tma_metrics.french.labels import SLA_KIND_LABELS_FR, label

__all__ = [
    "MAX_NAMED",
    "Alert",
    "balance_alerts",
    "data_alerts",
    "forecast_range",
    "guarantee_alert",
    "sla_alerts",
    "warning_alerts",
]

#: Tickets named in one alert before "et N autres".
MAX_NAMED = 5


@dataclass(frozen=True)
class Alert:
    """One point of attention, worded in French."""

    level: str  # danger, warning, info (labels.ALERT_LEVEL_LABELS_FR)
    code: str
    message: str
    internal: bool = False


def forecast_range(balance: Balance, *, prefix: str = "", suffix: str = "") -> str:
    """Write the forecast's range, ``entre le … et le …``; empty when it is one day."""
    early, late = balance.forecast_early, balance.forecast_late
    if early is None or late is None or early == late:
        return ""
    return f"{prefix}entre le {fr.day(early)} et le {fr.day(late)}{suffix}"


def balance_alerts(balance: Balance, alert_days: float, *, has_entries: bool = True) -> list[Alert]:
    """Return the alerts about the carnet's balance and forecast (none without a balance).

    Without any time entry (``has_entries`` false) nothing says at what pace the days
    go: the days likely unused at the expiry are not announced.
    """
    if balance.remaining_days is None:
        return []
    found = []
    if balance.exhausted:
        found.append(
            Alert(
                "danger",
                "exhausted",
                f"Carnet épuisé depuis le {fr.day(balance.forecast_exhaustion_date)} "
                f"(solde {fr.days(balance.remaining_days)}) : le renouvellement est urgent.",
            )
        )
    elif balance.low_balance:
        found.append(
            Alert(
                "danger",
                "low_balance",
                f"Solde de {fr.days(balance.remaining_days)}, sous le seuil d'alerte de "
                f"{fr.days(alert_days)} : un renouvellement du carnet est à prévoir.",
            )
        )
    if not balance.exhausted and balance.exhausts_before_end:
        found.append(
            Alert(
                "warning",
                "exhaustion_before_end",
                f"Épuisement prévu le {fr.day(balance.forecast_exhaustion_date)}"
                f"{forecast_range(balance, prefix=' (', suffix=')')}, "
                f"avant l'échéance du carnet le {fr.day(balance.expiry_date)}.",
            )
        )
    if (
        has_entries
        and balance.likely_unused_days is not None
        and balance.likely_unused_days >= 0.05
    ):
        found.append(
            Alert(
                "info",
                "likely_unused",
                f"Au rythme actuel, environ {fr.days(balance.likely_unused_days)} resteront "
                f"inutilisés à l'échéance du {fr.day(balance.expiry_date)} (reportés en cas "
                "de renouvellement).",
            )
        )
    return found


def sla_alerts(breaches: pd.DataFrame, at_risk: pd.DataFrame) -> list[Alert]:
    """Return one alert for the SLA breaches and one for the clocks at risk, if any."""
    found = []
    if len(breaches):
        n = len(breaches)
        found.append(
            Alert(
                "danger",
                "sla_breached",
                f"{n} délai{'s' if n > 1 else ''} SLA dépassé{'s' if n > 1 else ''} : "
                + _named(breaches, with_remaining=False)
                + ".",
            )
        )
    risky = at_risk[at_risk["outcome"] == "at_risk"]
    if len(risky):
        n = len(risky)
        found.append(
            Alert(
                "warning",
                "sla_at_risk",
                f"{n} délai{'s' if n > 1 else ''} à risque (moins de 25 % du délai restant) : "
                + _named(risky, with_remaining=True)
                + ".",
            )
        )
    return found


def guarantee_alert(past: pd.DataFrame, margin: float) -> list[Alert]:
    """Return an internal alert naming the open tickets past their guarantee."""
    if past.empty:
        return []
    n = len(past)
    names = [
        f"{key} ({fr.hours(spent)} passées pour un devis de {fr.hours(estimate)})"
        for key, spent, estimate in zip(
            past["key"].head(MAX_NAMED),
            past["spent_hours"].head(MAX_NAMED),
            past["estimate_hours"].head(MAX_NAMED),
            strict=True,
        )
    ]
    return [
        Alert(
            "warning",
            "past_guarantee",
            f"{n} demande{'s' if n > 1 else ''} en cours au-delà de la garantie "
            f"(passé > {fr.percent(1 + margin)} du devis) : "
            + _and_more(names, n)
            + ". Le temps au-delà n'est pas décompté.",
            internal=True,
        )
    ]


def data_alerts(
    contract: Contract, tickets: pd.DataFrame, entries: pd.DataFrame, as_of: date
) -> list[Alert]:
    """Say what the figures cannot count because the exports lack it.

    ``tickets`` are the contract's tickets (`ContractFigures.prepared`), ``entries`` its
    time entries up to ``as_of`` (`ContractFigures.entries`). Nothing at all: the
    contract's projects match nothing imported (internal: names the projects). No time
    entry: the consumption counts nothing (the balance is not a measure). No ticket: no
    SLA, estimate or backlog figure. Entries quoting a reference that no imported ticket
    has are reported by the figures' own warnings (`ContractFigures.warnings`).
    """
    day = fr.day(as_of)
    if tickets.empty and entries.empty:
        projects = ", ".join(f"« {p} »" for p in contract.projects)
        return [
            Alert(
                "warning",
                "no_data",
                f"Aucune demande ni saisie de temps pour ce contrat au {day} : vérifiez que "
                f"la date d'arrêté n'est pas antérieure aux données et que les projets du "
                f"contrat ({projects}) sont écrits comme dans les exports importés.",
                internal=True,
            )
        ]
    found = []
    if entries.empty:
        found.append(
            Alert(
                "warning",
                "no_entries",
                f"Aucune saisie de temps pour ce contrat au {day} : le consommé et le solde "
                "ne comptent aucun temps passé.",
            )
        )
    if tickets.empty:
        found.append(
            Alert(
                "info",
                "no_tickets",
                f"Aucune demande pour ce contrat au {day} : les SLA, la précision des devis "
                "et le stock de demandes ne peuvent pas être calculés.",
            )
        )
    return found


def warning_alerts(warnings: tuple[str, ...]) -> list[Alert]:
    """Return the figures' data warnings as internal alerts."""
    return [Alert("warning", "data", text, internal=True) for text in warnings]


def _named(rows: pd.DataFrame, *, with_remaining: bool) -> str:
    names = []
    for row in rows.head(MAX_NAMED).itertuples(index=False):
        what = label(SLA_KIND_LABELS_FR, row.sla_kind).lower()
        text = f"{row.key} ({what}"
        if with_remaining:
            text += f", reste {fr.minutes_as_duration(row.remaining_minutes)}"
        names.append(text + ")")
    return _and_more(names, len(rows))


def _and_more(names: list[str], total: int) -> str:
    text = ", ".join(names)
    rest = total - len(names)
    if rest > 0:
        text += f" et {rest} autre{'s' if rest > 1 else ''}"
    return text
