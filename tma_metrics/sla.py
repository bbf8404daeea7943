"""Per-ticket SLA outcomes of the severity matrix (DOMAIN.md §4), vectorised across tickets.

One row per (ticket, SLA kind): response, workaround, resolution. Only tickets of
``contract.sla_ticket_kinds`` get rows (corrective by default). The clock starts at the
creation, runs in the business time of the SLA target's calendar (else the contract's),
minus the time spent waiting on the client, and stops at the event dated by `timeline`.
Compliance and coverage over these rows are `compliance.compliance`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tma_metrics.clock import (
    BEFORE_START,
    NO_START,
    OUTCOME_LABELS_FR,
    OUTCOMES,
    UNKNOWN,
    period_of,
    run_clocks,
)
from tma_metrics.compliance import ComplianceSummary, compliance, summarise
from tma_metrics.contracts import DEFAULT_SLA, PLANNED, SLA_KINDS, Contract, SlaTarget

__all__ = [
    "OUTCOMES",
    "OUTCOME_COLUMNS",
    "OUTCOME_LABELS_FR",
    "ComplianceSummary",
    "compliance",
    "sla_outcomes",
    "sla_targets",
    "summarise",
]

OUTCOME_COLUMNS: dict[str, str] = {
    "source": "string",
    "key": "string",
    "severity": "string",
    "kind": "string",  # the ticket's kind
    "sla_kind": "string",  # response, workaround, resolution
    "allowance_minutes": "float64",
    "applicable": "bool",
    "measurable": "bool",
    "start_at": "datetime64[us]",
    "stop_at": "datetime64[us]",
    "stop_source": "string",  # export, history, closing, resolution
    "elapsed_minutes": "float64",  # business minutes, pauses removed
    "paused_minutes": "float64",
    "deadline": "datetime64[us]",  # pauses taken into account
    "remaining_minutes": "float64",  # open clocks only
    "outcome": "string",  # clock.OUTCOMES
    "period_at": "datetime64[us]",  # places the row in a month
    "note": "string",  # French: why not measurable / how it was dated
}

_EVENT_FR = {
    "response": "Prise en charge datée",
    "workaround": "Contournement daté",
    "resolution": "Résolution datée",
}
_MISSING_HINT_FR = {
    "response": "ajoutez la colonne responded_at ou l'historique des statuts",
    "workaround": "ajoutez la colonne workaround_at ou un statut « Contourné » dans l'historique",
    "resolution": (
        "ajoutez la colonne resolved_at, la date de fermeture ou l'historique des statuts"
    ),
}


def sla_targets(contract: Contract) -> dict[tuple[str, str], SlaTarget]:
    """Return the contract's SLA targets by (severity, SLA kind), DOMAIN.md's matrix by default."""
    targets = {
        (str(sev), kind): SlaTarget(str(sev), kind, None if text == PLANNED else text)
        for sev, row in DEFAULT_SLA.items()
        for kind, text in row.items()
    }
    targets.update({(t.severity, t.kind): t for t in contract.sla})
    return targets


def sla_outcomes(
    prepared: pd.DataFrame,
    waiting: pd.DataFrame | None,
    contract: Contract,
    as_of: pd.Timestamp,
    *,
    history_available: bool,
) -> pd.DataFrame:
    """Return one row per (ticket, SLA kind) with its clock, outcome and a French note.

    ``prepared`` comes from `timeline.prepare_tickets`, ``waiting`` from
    `timeline.waiting_intervals` (ignored unless ``history_available``).

    Rules: planned allowances and unknown severities are not applicable; rejected tickets
    count for the response only. The workaround clock stops at the workaround or at the
    resolution, whichever comes first; when the data does not track workarounds, a
    resolution within the workaround allowance proves it met and anything else is not
    measurable. ``period_at`` is the stop, the deadline for breached open clocks,
    ``as_of`` for open / at-risk ones, else the resolution or closing date, else creation.
    """
    as_of = pd.Timestamp(as_of).as_unit("us")
    tickets = prepared[prepared["kind"].isin(contract.sla_ticket_kinds)].reset_index(drop=True)
    frames = [_clock_rows(tickets, contract, sla_kind) for sla_kind in SLA_KINDS]
    rows = pd.concat(frames, ignore_index=True)
    clocks = run_clocks(rows, waiting if history_available else None, as_of)
    rows = rows.join(clocks)

    # Without workaround tracking, a late resolution does not prove a late workaround.
    guess = rows["untracked_workaround"] & (rows["outcome"] == "breached")
    rows.loc[guess, "outcome"] = "not_measurable"
    rows.loc[guess, "measurable"] = False
    clock_values = ["elapsed_minutes", "paused_minutes", "deadline", "remaining_minutes"]
    rows.loc[guess, clock_values] = None
    rows["problem"] = rows["problem"].mask(guess, UNKNOWN)

    rows["note"] = _notes(rows, history_available)
    fallback = rows["resolution_at"].fillna(rows["closed_at"].where(rows["closed_at"] <= as_of))
    rows["period_at"] = period_of(rows, fallback.fillna(rows["start_at"]), as_of)
    return rows[list(OUTCOME_COLUMNS)].astype(OUTCOME_COLUMNS)


def _clock_rows(tickets: pd.DataFrame, contract: Contract, sla_kind: str) -> pd.DataFrame:
    """Build the clock inputs of one SLA kind for every ticket."""
    targets = sla_targets(contract)
    own = {sev: t for (sev, kind), t in targets.items() if kind == sla_kind}
    minutes = {sev: t.minutes(contract.calendar) for sev, t in own.items()}
    # Calendars by code: the last one (the contract's) serves unknown severities.
    specs = np.empty(len(own) + 1, dtype=object)
    specs[:] = [*(t.calendar or contract.calendar for t in own.values()), contract.calendar]
    code = {sev: i for i, sev in enumerate(own)}
    severity = tickets["severity"]
    allowance = severity.map(minutes).astype("float64")
    rejected = tickets["rejected"].to_numpy(bool)
    counts_here = np.ones(len(tickets), bool) if sla_kind == "response" else ~rejected
    applicable = allowance.notna().to_numpy() & counts_here
    rows = pd.DataFrame(
        {
            "source": tickets["source"],
            "key": tickets["key"],
            "severity": severity,
            "kind": tickets["kind"],
            "sla_kind": sla_kind,
            "priority": tickets["priority"],
            "status": tickets["status"],
            "has_history": tickets["has_history"],
            "rejected": rejected,
            "allowance_minutes": allowance.where(applicable),  # no deadline applies
            "applicable": applicable,
            "start_at": tickets["created_at"],
            "calendar": specs[severity.map(code).fillna(len(own)).to_numpy(int)],
            "resolution_at": tickets["resolution_at"],
            "closed_at": tickets["closed_at"],
            "untracked_workaround": False,
        }
    )
    if sla_kind == "response":
        rows["event_at"] = tickets["response_at"]
        rows["stop_source"] = tickets["response_source"]
        rows["pending"] = tickets["response_pending"]
    elif sla_kind == "resolution":
        rows["event_at"] = tickets["resolution_at"]
        rows["stop_source"] = tickets["resolution_source"].replace("unknown", pd.NA)
        rows["pending"] = tickets["resolution_pending"]
    else:
        workaround, resolution = tickets["workaround_at"], tickets["resolution_at"]
        by_resolution = resolution.notna() & ~(workaround <= resolution)
        rows["event_at"] = workaround.where(~by_resolution, resolution)
        rows["stop_source"] = tickets["workaround_source"].mask(by_resolution, "resolution")
        tracked = tickets["workaround_tracked"]
        rows["pending"] = tickets["resolution_pending"] & tracked & workaround.isna()
        rows["untracked_workaround"] = (~tracked & workaround.isna()).to_numpy(bool)
    return rows


def _notes(rows: pd.DataFrame, history_available: bool) -> pd.Series:
    """Word, in French, why a row is not applicable or not measurable, or how it was dated."""
    sla_kind = rows["sla_kind"]
    event_fr = sla_kind.map(_EVENT_FR)
    hint = sla_kind.map(_MISSING_HINT_FR)
    outcome, problem = rows["outcome"], rows["problem"]
    priority = rows["priority"].fillna("")
    status = rows["status"].fillna("(vide)")
    response_unknown = (sla_kind == "response") & (problem == UNKNOWN)
    if history_available:
        no_response = np.where(
            rows["has_history"],
            "L'historique des statuts ne montre aucune prise en charge avant la clôture : "
            "ajoutez la colonne responded_at",
            "Ticket absent de l'historique des statuts et date de première réponse absente : "
            "ajoutez la colonne responded_at",
        )
    else:
        no_response = (
            "Date de première réponse absente : ajoutez la colonne responded_at "
            "ou l'historique des statuts"
        )
    no_start = "Date de création absente : le délai ne peut pas démarrer"
    conditions = [
        rows["severity"].isna(),
        (outcome == "not_applicable") & rows["rejected"] & (sla_kind != "response"),
        outcome == "not_applicable",
        problem == NO_START,
        problem == BEFORE_START,
        response_unknown,
        (sla_kind == "resolution") & (problem == UNKNOWN),
        (sla_kind == "workaround") & (problem == UNKNOWN),
        rows["stop_source"] == "closing",
        (sla_kind == "workaround") & (rows["stop_source"] == "resolution"),
        (sla_kind == "response") & (rows["stop_source"] == "history"),
        (sla_kind == "response") & rows["measurable"] & rows["stop_at"].isna(),
    ]
    no_priority = rows["priority"].isna()
    not_picked_up = np.where(
        rows["has_history"],
        "Pas encore pris en charge d'après l'historique des statuts",
        "Pas encore pris en charge (statut « " + status + " »)",
    )
    choices = [
        np.where(
            no_priority,
            "Priorité absente : renseignez-la pour appliquer un délai",
            "Priorité « " + priority + " » non reconnue : ajoutez-la au tableau "
            "[contract.priorities] du contrat",
        ),
        "Ticket rejeté (doublon ou hors anomalie) : compté pour la prise en charge seulement",
        "Sur planification : pas de délai contractuel pour cette sévérité",
        no_start,
        event_fr + " avant la création du ticket : dates incohérentes dans l'export",
        no_response,
        "Ticket résolu sans date : " + hint,
        "Date de contournement inconnue : " + hint,
        "Résolution datée par la clôture (colonne Fermé / closed_at)",
        "Contournement daté par la résolution",
        "Prise en charge datée par l'historique des statuts (premier changement de statut)",
        not_picked_up,
    ]
    choices = [c if isinstance(c, str) else np.asarray(c, dtype=object) for c in choices]
    conditions = [_bool(c) for c in conditions]
    return pd.Series(np.select(conditions, choices, ""), index=rows.index).replace("", pd.NA)


def _bool(mask: object) -> np.ndarray:
    """Return a boolean mask as numpy, missing (NA from a string comparison) as False."""
    return pd.Series(mask, dtype="boolean").fillna(False).to_numpy(bool)
