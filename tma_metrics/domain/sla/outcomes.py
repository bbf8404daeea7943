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
import pyarrow.compute as pc

from tma_metrics.domain.business_time.clock import (
    AT_RISK,
    BEFORE_START,
    BREACHED,
    NO_START,
    NOT_APPLICABLE,
    NOT_MEASURABLE,
    OPEN,
    OUTCOMES,
    PROBLEMS,
    UNKNOWN,
    Measured,
    arrow_text,
    measure,
    pause_codes,
)
from tma_metrics.domain.contracts.model import DEFAULT_SLA, PLANNED, SLA_KINDS, Contract, SlaTarget

__all__ = [
    "OUTCOMES",
    "OUTCOME_COLUMNS",
    "sla_outcomes",
    "sla_targets",
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
    timezone: str | None = None,
) -> pd.DataFrame:
    """Return one row per (ticket, SLA kind) with its clock, outcome and a French note.

    ``prepared`` comes from `timeline.prepare_tickets`, ``waiting`` from
    `timeline.waiting_intervals` (ignored unless ``history_available``). ``timezone``
    (pass ``contract.timezone``) counts the real minutes of daylight-saving days on
    calendars open at 02:00-03:00 (24/7); None counts wall-clock minutes.

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
        ticket, pause_ticket = pause_codes(
            t.source, t.key, waiting["source"], waiting["ticket_key"]
        )
        pauses = {
            "ticket": np.tile(ticket, len(SLA_KINDS)),
            "pause_ticket": pause_ticket,
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
        timezone=timezone,
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
    k = len(SLA_KINDS)
    # The fallback is the ticket's own (resolution, else closing, else creation).
    closed = np.where(t.closed_at <= as_of64, t.closed_at, np.datetime64("NaT"))
    fallback = np.where(~np.isnat(t.resolution_at), t.resolution_at, closed)
    fallback = np.where(np.isnat(fallback), t.created_at, fallback)
    period = np.where(m.measurable, m.stop_at, np.tile(fallback, k))
    running = np.flatnonzero(m.measurable & np.isnat(m.stop_at))  # few
    outcome = m.outcome[running]
    period[running] = np.where(
        outcome == BREACHED,
        m.deadline[running],
        np.where(np.isin(outcome, [OPEN, AT_RISK]), as_of64, period[running]),
    )
    # Every column is a new array of its final dtype: the frame takes them as they are
    # (copy=False: no copy into 2-D blocks), and astype has nothing to convert.
    out = pd.DataFrame(
        {
            "source": _tile_text(t.source, k),
            "key": _tile_text(t.key, k),
            "severity": _tile_text(t.severity, k),
            "kind": _tile_text(t.kind, k),
            "sla_kind": _repeat_text(SLA_KINDS, t.n),
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
            "period_at": period.astype("datetime64[us]", copy=False),
            "note": _notes(t, c, m, history_available),
        },
        copy=False,
    )
    wrong = {name: dtype for name, dtype in OUTCOME_COLUMNS.items() if out[name].dtype != dtype}
    return out.astype(wrong) if wrong else out


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
    index = {v: i for i, v in enumerate(vocabulary) if v is not None}
    last = len(vocabulary) - 1
    arrow = arrow_text(values)
    found = pc.index_in(arrow, value_set=pa.array(list(index), arrow.type), skip_nulls=True)
    mapped = np.array([*index.values(), last], dtype=np.int64)
    return mapped[pc.fill_null(found, len(index)).to_numpy()]


class _Clocks:
    """Clock inputs of every ticket for each SLA kind (kind-major), as arrays."""

    def __init__(self, **arrays: object) -> None:
        self.__dict__.update(arrays)


def _clock_inputs(t: _Tickets, contract: Contract) -> _Clocks:
    targets = sla_targets(contract)
    severities = list(dict.fromkeys(sev for sev, _ in targets))
    code, known = _severity_codes(t.severity, severities)
    specs: list = []
    k, n = len(SLA_KINDS), t.n
    # Each SLA kind fills its block of n rows of the (kind-major) arrays.
    allowance = np.empty(k * n)
    calendar = np.empty(k * n, dtype=np.int64)
    applicable = np.empty(k * n, dtype=bool)
    event = np.empty(k * n, dtype="datetime64[us]")
    stop_source = np.empty(k * n, dtype=np.int64)
    pending = np.empty(k * n, dtype=bool)
    untracked = np.zeros(k * n, dtype=bool)
    for i, sla_kind in enumerate(SLA_KINDS):
        block = slice(i * n, (i + 1) * n)
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
        np.take(minutes, code, out=allowance[block])
        np.take(np.array(spec_codes, dtype=np.int64), code, out=calendar[block])
        np.logical_not(np.isnan(allowance[block]), out=applicable[block])
        if sla_kind != "response":
            applicable[block] &= ~t.rejected
        if sla_kind == "response":
            event[block] = t.response_at
            stop_source[block] = t.response_source
            pending[block] = t.response_pending
        elif sla_kind == "resolution":
            event[block] = t.resolution_at
            stop_source[block] = t.resolution_source
            pending[block] = t.resolution_pending
        else:
            workaround, resolution = t.workaround_at, t.resolution_at
            by_resolution = ~np.isnat(resolution) & ~(workaround <= resolution)
            event[block] = np.where(by_resolution, resolution, workaround)
            stop_source[block] = np.where(
                by_resolution, _STOP_SOURCES.index("resolution"), t.workaround_source
            )
            missing = np.isnat(workaround)
            pending[block] = t.resolution_pending & t.workaround_tracked & missing
            untracked[block] = ~t.workaround_tracked & missing
    return _Clocks(
        start=np.tile(t.created_at, k),
        allowance=allowance,
        calendar=calendar,
        specs=specs,
        applicable=applicable,
        event=event,
        stop_source=stop_source,
        pending=pending,
        untracked=untracked,
        known_severity=np.tile(known, k),
    )


def _severity_codes(severity: pd.Series, severities: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return each ticket's position in ``severities`` (len(severities) when unknown)."""
    codes = _codes(severity, (*severities, None))
    return codes, severity.notna().to_numpy(bool)


def _tile_text(values: pd.Series, times: int) -> pd.arrays.ArrowStringArray:
    """Return ``values`` repeated end to end ``times`` times as a "string" array."""
    return pd.array(pa.concat_arrays([arrow_text(values)] * times), dtype="string")


def _repeat_text(texts: tuple[str, ...], each: int) -> pd.arrays.ArrowStringArray:
    """Return each of ``texts`` ``each`` times in a row as a "string" array."""
    parts = [pa.repeat(pa.scalar(text, pa.large_string()), each) for text in texts]
    return pd.array(pa.concat_arrays(parts), dtype="string")


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

    kind = np.repeat(np.arange(k, dtype=np.int32), n)
    response, workaround, resolution = (kind == SLA_KINDS.index(x) for x in SLA_KINDS)
    outcome, problem = m.outcome, m.problem
    # Notes that depend on the ticket (its priority, status, history) or on the SLA kind
    # get a placeholder here, replaced below on their (few) rows only.
    by_priority, by_event, by_history, by_status = -1, -2, -3, -4
    if history_available:
        no_response = by_history
    else:
        no_response = add(
            [
                "Date de première réponse absente : ajoutez la colonne responded_at "
                "ou l'historique des statuts"
            ]
        )[0]
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
            by_priority,
            constant["rejected"],
            constant["planned"],
            constant["no_start"],
            by_event,
            no_response,
            resolved_no_date,
            no_workaround,
            constant["closing"],
            constant["by_resolution"],
            constant["by_history"],
            by_status,
        ],
        0,
    )
    # Rule 0: unknown severity, named by its priority.
    rows = np.flatnonzero(code == by_priority)
    if len(rows):
        labels, codes = _factorize(t.priority.astype("string").iloc[rows % n])
        unknown_priority = add(
            ["Priorité absente : renseignez-la pour appliquer un délai"]
            + [
                f"Priorité « {p} » non reconnue : ajoutez-la au tableau [contract.priorities] "
                "du contrat"
                for p in labels
            ]
        )
        code[rows] = unknown_priority[codes + 1]
    rows = np.flatnonzero(code == by_event)
    if len(rows):
        event_fr = add(
            [
                f"{_EVENT_FR[x]} avant la création du ticket : dates incohérentes dans l'export"
                for x in SLA_KINDS
            ]
        )
        code[rows] = event_fr[rows // n]
    rows = np.flatnonzero(code == by_history)
    if len(rows):
        in_history, absent = add(
            [
                "L'historique des statuts ne montre aucune prise en charge avant la "
                "clôture : ajoutez la colonne responded_at",
                "Ticket absent de l'historique des statuts et date de première réponse "
                "absente : ajoutez la colonne responded_at",
            ]
        )
        code[rows] = np.where(t.has_history[rows % n], in_history, absent)
    rows = np.flatnonzero(code == by_status)
    if len(rows):
        tickets = rows % n
        status = t.status.astype("string").iloc[tickets].fillna("(vide)")
        status_labels, status_codes = _factorize(status)
        picked = add(["Pas encore pris en charge d'après l'historique des statuts"])[0]
        named = add([f"Pas encore pris en charge (statut « {s} »)" for s in status_labels])
        code[rows] = np.where(t.has_history[tickets], picked, named[status_codes])
    return _text(vocabulary, code)


def _factorize(values: pd.Series) -> tuple[list[str], np.ndarray]:
    """Return the distinct non-null texts and each value's code (-1 for null)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return [str(u) for u in uniques], np.asarray(codes, dtype=np.int64)
