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
import pyarrow as pa

from tma_metrics.clock import (
    AT_RISK,
    BEFORE_START,
    BREACHED,
    NO_START,
    NOT_APPLICABLE,
    NOT_MEASURABLE,
    OPEN,
    OUTCOME_LABELS_FR,
    OUTCOMES,
    PROBLEMS,
    UNKNOWN,
    Measured,
    measure,
    ticket_codes,
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

    Rows are the tickets of ``contract.sla_ticket_kinds`` for the response, then the same
    tickets for the workaround, then for the resolution. Everything is computed on arrays
    (texts as codes into small vocabularies, turned into text columns at the end).
    """
    as_of = pd.Timestamp(as_of).as_unit("us")
    keep = prepared["kind"].isin(contract.sla_ticket_kinds).to_numpy(bool, na_value=False)
    t = _Tickets.of(prepared, np.flatnonzero(keep))
    c = _clock_inputs(t, contract)
    pauses = {}
    if history_available and waiting is not None and not waiting.empty:
        codes = ticket_codes([t.source, waiting["source"]], [t.key, waiting["ticket_key"]])
        pauses = {
            "ticket": np.tile(codes[: t.n], len(SLA_KINDS)),
            "pause_ticket": codes[t.n :],
            "pause_start": waiting["start"].to_numpy("datetime64[us]"),
            "pause_end": waiting["end"].to_numpy("datetime64[us]"),
        }
    m = measure(
        start=c.start,
        event=c.event,
        applicable=c.applicable,
        pending=c.pending,
        allowance=c.allowance,
        calendar=c.calendar,
        specs=c.specs,
        as_of=as_of,
        **pauses,
    )
    # Without workaround tracking, a late resolution does not prove a late workaround.
    guess = c.untracked & (m.outcome == BREACHED)
    m.outcome[guess] = NOT_MEASURABLE
    m.measurable[guess] = False
    m.elapsed[guess] = m.paused[guess] = m.remaining[guess] = np.nan
    m.deadline[guess] = np.datetime64("NaT")
    m.problem[guess] = PROBLEMS.index(UNKNOWN)

    as_of64 = as_of.to_datetime64()
    closed = np.where(c.closed <= as_of64, c.closed, np.datetime64("NaT"))
    fallback = np.where(~np.isnat(c.resolution), c.resolution, closed)
    fallback = np.where(np.isnat(fallback), c.start, fallback)
    running = m.measurable & np.isnat(m.stop_at)
    period = np.where(m.measurable, m.stop_at, fallback)
    period = np.where(running & (m.outcome == BREACHED), m.deadline, period)
    period = np.where(running & np.isin(m.outcome, [OPEN, AT_RISK]), as_of64, period)
    rows = np.tile(np.arange(t.n), len(SLA_KINDS))
    out = pd.DataFrame(
        {
            "source": _take_text(t.source, rows),
            "key": _take_text(t.key, rows),
            "severity": _take_text(t.severity, rows),
            "kind": _take_text(t.kind, rows),
            "sla_kind": _text(list(SLA_KINDS), np.repeat(np.arange(len(SLA_KINDS)), t.n)),
            "allowance_minutes": np.where(c.applicable, c.allowance, np.nan),
            "applicable": c.applicable,
            "measurable": m.measurable,
            "start_at": c.start,
            "stop_at": m.stop_at,
            "stop_source": _text(list(_STOP_SOURCES), c.stop_source),
            "elapsed_minutes": m.elapsed,
            "paused_minutes": m.paused,
            "deadline": m.deadline,
            "remaining_minutes": m.remaining,
            "outcome": _text(list(OUTCOMES), m.outcome),
            "period_at": period.astype("datetime64[us]"),
            "note": _notes(t, c, m, history_available),
        }
    )
    return out.astype(OUTCOME_COLUMNS)


#: Where a clock's stop comes from (codes of `_Clocks.stop_source`; None: nowhere).
_STOP_SOURCES = ("export", "history", "closing", "resolution", None)


class _Tickets:
    """The SLA tickets' columns: arrays, and the text columns (for their codes and take)."""

    def __init__(self, frame: pd.DataFrame, rows: np.ndarray) -> None:
        every = len(rows) == len(frame)

        def column(name: str) -> pd.Series:
            values = frame[name]
            return values if every else values.iloc[rows].reset_index(drop=True)

        def array(name: str, dtype: str) -> np.ndarray:
            values = frame[name].to_numpy(dtype)
            return values if every else values[rows]

        self.n = len(rows)
        self.source, self.key = column("source"), column("key")
        self.severity, self.kind = column("severity"), column("kind")
        self.priority, self.status = column("priority"), column("status")
        self.rejected = array("rejected", "bool")
        self.has_history = array("has_history", "bool")
        for name in ("created_at", "response_at", "workaround_at", "resolution_at", "closed_at"):
            setattr(self, name, array(name, "datetime64[us]"))
        for name in ("response_pending", "resolution_pending", "workaround_tracked"):
            setattr(self, name, array(name, "bool"))
        for name in ("response_source", "workaround_source", "resolution_source"):
            setattr(self, name, _codes(column(name), _STOP_SOURCES))

    @classmethod
    def of(cls, prepared: pd.DataFrame, rows: np.ndarray) -> _Tickets:
        return cls(prepared, rows)


def _codes(values: pd.Series, vocabulary: tuple[str | None, ...]) -> np.ndarray:
    """Return the position of each value in ``vocabulary`` (null or unknown: the last)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    index = {v: i for i, v in enumerate(vocabulary)}
    last = len(vocabulary) - 1
    mapped = np.array([index.get(str(u), last) for u in uniques] + [last], dtype=np.int64)
    return mapped[np.asarray(codes)]


class _Clocks:
    """Clock inputs of every ticket for each SLA kind (kind-major), as arrays."""

    def __init__(self, **arrays: object) -> None:
        self.__dict__.update(arrays)


def _clock_inputs(t: _Tickets, contract: Contract) -> _Clocks:
    targets = sla_targets(contract)
    severities = list(dict.fromkeys(sev for sev, _ in targets))
    code, known = _severity_codes(t.severity, severities)
    specs: list = []
    allowance, calendar, applicable, event, stop_source, pending, untracked = ([] for _ in range(7))
    for sla_kind in SLA_KINDS:
        minutes = np.array(
            [
                np.nan if (m := targets[(sev, sla_kind)].minutes(contract.calendar)) is None else m
                for sev in severities
            ]
            + [np.nan]
        )
        spec_codes = []
        for sev in severities:
            spec = targets[(sev, sla_kind)].calendar or contract.calendar
            if spec not in specs:
                specs.append(spec)
            spec_codes.append(specs.index(spec))
        if contract.calendar not in specs:
            specs.append(contract.calendar)
        spec_codes.append(specs.index(contract.calendar))  # unknown severities
        allowed = minutes[code]
        counts_here = np.ones(t.n, bool) if sla_kind == "response" else ~t.rejected
        applicable.append(~np.isnan(allowed) & counts_here)
        allowance.append(allowed)
        calendar.append(np.array(spec_codes)[code])
        no_workaround = np.zeros(t.n, bool)
        if sla_kind == "response":
            event.append(t.response_at)
            stop_source.append(t.response_source)
            pending.append(t.response_pending)
        elif sla_kind == "resolution":
            event.append(t.resolution_at)
            unknown = t.resolution_source == len(_STOP_SOURCES) - 1
            stop_source.append(np.where(unknown, len(_STOP_SOURCES) - 1, t.resolution_source))
            pending.append(t.resolution_pending)
        else:
            workaround, resolution = t.workaround_at, t.resolution_at
            by_resolution = ~np.isnat(resolution) & ~(workaround <= resolution)
            event.append(np.where(by_resolution, resolution, workaround))
            stop_source.append(
                np.where(by_resolution, _STOP_SOURCES.index("resolution"), t.workaround_source)
            )
            missing = np.isnat(workaround)
            pending.append(t.resolution_pending & t.workaround_tracked & missing)
            no_workaround = ~t.workaround_tracked & missing
        untracked.append(no_workaround)
    join = np.concatenate
    return _Clocks(
        start=np.tile(t.created_at, len(SLA_KINDS)),
        resolution=np.tile(t.resolution_at, len(SLA_KINDS)),
        closed=np.tile(t.closed_at, len(SLA_KINDS)),
        allowance=join(allowance),
        calendar=join(calendar),
        specs=specs,
        applicable=join(applicable),
        event=join(event).astype("datetime64[us]"),
        stop_source=join(stop_source),
        pending=join(pending),
        untracked=join(untracked),
        known_severity=np.tile(known, len(SLA_KINDS)),
    )


def _severity_codes(severity: pd.Series, severities: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return each ticket's position in ``severities`` (len(severities) when unknown)."""
    codes = _codes(severity, (*severities, None))
    return codes, severity.notna().to_numpy(bool)


def _take_text(values: pd.Series, rows: np.ndarray) -> pd.arrays.ArrowStringArray:
    """Return ``values`` at ``rows`` as a "string" array (Arrow take, no Python strings)."""
    arrow = pa.array(values.astype("string").array)
    return pd.array(arrow.take(pa.array(rows, pa.int64())), dtype="string")


def _text(vocabulary: list[str | None], codes: np.ndarray) -> pd.arrays.ArrowStringArray:
    """Return the texts of ``vocabulary`` at ``codes`` as a "string" array."""
    return pd.array(
        pa.array(vocabulary, pa.string()).take(pa.array(codes, pa.int64())), dtype="string"
    )


def _notes(
    t: _Tickets, c: _Clocks, m: Measured, history_available: bool
) -> pd.arrays.ArrowStringArray:
    """Word, in French, why a row is not applicable or not measurable, or how it was dated.

    The first rule that matches gives the note; notes naming a priority or a status are
    built once per distinct label.
    """
    k = len(SLA_KINDS)
    n = t.n
    vocabulary: list[str | None] = [None]

    def add(texts: list[str]) -> np.ndarray:
        vocabulary.extend(texts)
        return np.arange(len(vocabulary) - len(texts), len(vocabulary))

    kind = np.repeat(np.arange(k), n)
    response, workaround, resolution = (kind == SLA_KINDS.index(x) for x in SLA_KINDS)
    outcome, problem = m.outcome, m.problem
    # Rule 0: unknown severity, named by its priority.
    priority = t.priority.astype("string")
    labels, codes = _factorize(priority)
    unknown_priority = add(
        ["Priorité absente : renseignez-la pour appliquer un délai"]
        + [
            f"Priorité « {p} » non reconnue : ajoutez-la au tableau [contract.priorities] "
            "du contrat"
            for p in labels
        ]
    )
    rule0 = np.tile(unknown_priority[codes + 1], k)
    event_fr = add(
        [
            f"{_EVENT_FR[x]} avant la création du ticket : dates incohérentes dans l'export"
            for x in SLA_KINDS
        ]
    )
    if history_available:
        no_response = np.where(
            np.tile(t.has_history, k),
            add(
                [
                    "L'historique des statuts ne montre aucune prise en charge avant la "
                    "clôture : ajoutez la colonne responded_at"
                ]
            )[0],
            add(
                [
                    "Ticket absent de l'historique des statuts et date de première réponse "
                    "absente : ajoutez la colonne responded_at"
                ]
            )[0],
        )
    else:
        no_response = add(
            [
                "Date de première réponse absente : ajoutez la colonne responded_at "
                "ou l'historique des statuts"
            ]
        )[0]
    status_labels, status_codes = _factorize(t.status.astype("string").fillna("(vide)"))
    picked = add(["Pas encore pris en charge d'après l'historique des statuts"])[0]
    by_status = add([f"Pas encore pris en charge (statut « {s} »)" for s in status_labels])
    not_picked_up = np.where(np.tile(t.has_history, k), picked, np.tile(by_status[status_codes], k))
    constant = dict(
        zip(
            ("rejected", "planned", "no_start", "closing", "by_resolution", "by_history"),
            add(
                [
                    "Ticket rejeté (doublon ou hors anomalie) : compté pour la prise en charge "
                    "seulement",
                    "Sur planification : pas de délai contractuel pour cette sévérité",
                    "Date de création absente : le délai ne peut pas démarrer",
                    "Résolution datée par la clôture (colonne Fermé / closed_at)",
                    "Contournement daté par la résolution",
                    "Prise en charge datée par l'historique des statuts (premier changement "
                    "de statut)",
                ]
            ),
            strict=True,
        )
    )
    resolved_no_date = add([f"Ticket résolu sans date : {_MISSING_HINT_FR['resolution']}"])[0]
    no_workaround = add([f"Date de contournement inconnue : {_MISSING_HINT_FR['workaround']}"])[0]
    rejected = np.tile(t.rejected, k)
    unknown = problem == PROBLEMS.index(UNKNOWN)
    source = c.stop_source
    code = np.select(
        [
            ~c.known_severity,
            (outcome == NOT_APPLICABLE) & rejected & ~response,
            outcome == NOT_APPLICABLE,
            problem == PROBLEMS.index(NO_START),
            problem == PROBLEMS.index(BEFORE_START),
            response & unknown,
            resolution & unknown,
            workaround & unknown,
            source == _STOP_SOURCES.index("closing"),
            workaround & (source == _STOP_SOURCES.index("resolution")),
            response & (source == _STOP_SOURCES.index("history")),
            response & m.measurable & np.isnat(m.stop_at),
        ],
        [
            rule0,
            constant["rejected"],
            constant["planned"],
            constant["no_start"],
            event_fr[kind],
            no_response,
            resolved_no_date,
            no_workaround,
            constant["closing"],
            constant["by_resolution"],
            constant["by_history"],
            not_picked_up,
        ],
        0,
    )
    return _text(vocabulary, code)


def _factorize(values: pd.Series) -> tuple[list[str], np.ndarray]:
    """Return the distinct non-null texts and each value's code (-1 for null)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return [str(u) for u in uniques], np.asarray(codes, dtype=np.int64)
