"""SLA selections of the meeting views, read from `ContractFigures.outcomes`.

Rules (for the README):

- **To watch**: every applicable clock still running (outcome ``at_risk`` or ``open``),
  with the business time left; at risk first, then by time left.
- **Breaches of a window**: clocks ``breached`` whose period instant falls in the
  window (stopped late in it, or deadline passed in it) plus clocks still running past
  their deadline, whenever it passed: they stay on the list until they stop.
- **Compliance of a window**: `compliance.compliance` over the outcomes placed in it,
  per severity, with every severity listed (zero rows when none); ``compliance_text``
  writes it as `sla_range` does (a range when some clocks are not measurable).
- **Clocks of a window, per ticket**: every applicable clock placed in the window, with
  the date that stopped it and whether that date is the event or only a bound.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from tma_metrics.domain.model import Severity
from tma_metrics.domain.sla.compliance import COUNT_COLUMNS, RATE_COLUMNS, compliance
from tma_metrics.views.activity import in_window
from tma_metrics.views.sla_range import row_text

__all__ = [
    "BY_TICKET_COLUMNS",
    "SHOWN_COUNTS",
    "SHOWN_RATES",
    "breaches",
    "by_ticket",
    "compliance_by_severity",
    "to_watch",
    "with_text",
]

_TICKET_INFO = ("title", "status", "assignee")
#: Counts of a compliance table the views show (rows and not-applicable ones are noise).
SHOWN_COUNTS = ("applicable", "measurable", "not_measurable", "met", "breached", "open", "at_risk")
#: Rates of a compliance table the views show: the wording first, never a bare rate
#: that unknowns could contradict.
SHOWN_RATES = ("compliance_text", "compliance_low", "compliance_high", "coverage")
BY_TICKET_COLUMNS = (
    "key",
    "title",
    "severity",
    "sla_kind",
    "outcome",
    "deadline",
    "stop_at",
    "stop_kind",
    "stop_source",
    "note",
)


def to_watch(outcomes: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Return the running clocks with the business minutes left, at risk first.

    Columns: ``key``, ``title``, ``severity``, ``sla_kind``, ``outcome``,
    ``remaining_minutes``, ``deadline``, ``status``, ``assignee``.
    """
    running = outcomes[outcomes["applicable"] & outcomes["outcome"].isin(["at_risk", "open"])]
    out = _with_tickets(running, rows)
    out["_rank"] = (out["outcome"] != "at_risk").astype(int)
    out = out.sort_values(["_rank", "remaining_minutes", "key"], kind="stable")
    columns = ["key", "title", "severity", "sla_kind", "outcome", "remaining_minutes"]
    return out[[*columns, "deadline", "status", "assignee"]].reset_index(drop=True)


def breaches(outcomes: pd.DataFrame, rows: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Return the breached clocks of [start, end] and those still running past deadline.

    Columns: ``key``, ``title``, ``severity``, ``sla_kind``, ``allowance_minutes``,
    ``elapsed_minutes``, ``overrun_minutes``, ``deadline``, ``stop_at``, ``still_open``,
    ``status``, ``assignee``. Oldest deadline first.
    """
    breached = outcomes["outcome"] == "breached"
    running = outcomes["stop_at"].isna().to_numpy()
    keep = breached.to_numpy(bool) & (in_window(outcomes["period_at"], start, end) | running)
    out = _with_tickets(outcomes[keep], rows)
    out["overrun_minutes"] = out["elapsed_minutes"] - out["allowance_minutes"]
    out["still_open"] = out["stop_at"].isna().to_numpy()
    out = out.sort_values(["deadline", "key"], kind="stable")
    columns = [
        "key",
        "title",
        "severity",
        "sla_kind",
        "allowance_minutes",
        "elapsed_minutes",
        "overrun_minutes",
        "deadline",
        "stop_at",
        "still_open",
        "status",
        "assignee",
    ]
    return out[columns].reset_index(drop=True)


def compliance_by_severity(outcomes: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Counts, compliance and coverage per severity for the outcomes placed in [start, end].

    One row per severity of the matrix, in order (zeros and NaN rates when none), then
    a row per unknown severity with applicable clocks, if any (``severity`` missing).
    """
    table = compliance(outcomes, by=("severity",), start=start, end=end)
    known = [s.value for s in Severity]
    base = pd.DataFrame({"severity": pd.array(known, dtype="string")})
    table["severity"] = table["severity"].astype("string")
    merged = base.merge(table, on="severity", how="left")
    # tickets whose severity is unknown get a row only when some clock applies to them
    extra = table[~table["severity"].isin(known) & (table["applicable"] > 0)]
    out = pd.concat([merged, extra], ignore_index=True)
    counts = list(COUNT_COLUMNS)
    out[counts] = out[counts].fillna(0).astype("int64")
    out[list(RATE_COLUMNS)] = out[list(RATE_COLUMNS)].astype("float64")
    out = with_text(out)
    return out[["severity", *SHOWN_COUNTS, *SHOWN_RATES]]


def with_text(table: pd.DataFrame) -> pd.DataFrame:
    """Add ``compliance_text`` (`sla_range` wording) to a compliance table.

    Where nothing is met or breached the text says « non mesurable » and the range's
    ends are left empty: a bare « 0 % » to « 100 % » would say nothing more.
    """
    counts = table[["met", "breached", "not_measurable", "measurable", "applicable"]]
    texts = [row_text(row) for row in counts.itertuples()]
    undecided = ((table["met"] + table["breached"]) == 0).to_numpy(bool)
    out = table.assign(compliance_text=pd.array(texts, dtype="string"))
    for name in ("compliance_low", "compliance_high"):
        out[name] = out[name].mask(undecided)
    return out


def by_ticket(outcomes: pd.DataFrame, rows: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Return the applicable clocks placed in [start, end], ticket by ticket.

    Columns `BY_TICKET_COLUMNS`: what stopped each clock (``stop_at``, ``stop_source``)
    and whether that date is the event or a bound (``stop_kind``), with the engine's
    note. Sorted by ticket key, then response, workaround, resolution.
    """
    keep = outcomes["applicable"].to_numpy(bool) & in_window(outcomes["period_at"], start, end)
    out = _with_tickets(outcomes[keep], rows)
    out["_kind"] = out["sla_kind"].map({"response": 0, "workaround": 1, "resolution": 2})
    out = out.sort_values(["key", "_kind"], kind="stable")
    return out[list(BY_TICKET_COLUMNS)].reset_index(drop=True)


def _with_tickets(outcomes: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    out = outcomes.reset_index(drop=True).copy()
    index = pd.MultiIndex.from_arrays([rows["source"], rows["key"]])
    info = rows.set_index(index)
    wanted = pd.MultiIndex.from_arrays([out["source"], out["key"]])
    for name in _TICKET_INFO:
        out[name] = info[name].reindex(wanted).to_numpy()
        out[name] = out[name].astype("string")
    if out.empty:
        out["remaining_minutes"] = out["remaining_minutes"].astype(np.float64)
    return out
