"""SLA clocks: business time elapsed net of pauses, deadline and outcome (pure, vectorised).

One clock per row: it starts at ``start_at`` and stops at ``event_at``; when the event is
unknown but known not to have happened yet (``pending``), it runs until ``as_of``.
Pauses are intervals (waiting on the client) removed from the elapsed business time and
pushing the deadline back. The SLA engines (`sla`, `delivery`) build their rows, call
`run_clocks`, then word the notes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tma_metrics.business_calendar import calendar_for
from tma_metrics.contracts import CalendarSpec

OUTCOMES = ("met", "breached", "open", "at_risk", "not_measurable", "not_applicable")
OUTCOME_LABELS_FR = {
    "met": "Respecté",
    "breached": "Dépassé",
    "open": "En cours",
    "at_risk": "À risque",
    "not_measurable": "Non mesurable",
    "not_applicable": "Non applicable",
}
#: An open clock with less than this share of its allowance left is at risk (DOMAIN.md §4).
AT_RISK_SHARE = 0.25
#: Business minutes below which two durations are equal (float noise, well under a second).
EPSILON_MINUTES = 1e-6

#: Why a clock could not be measured (column ``problem``); "" when it was.
NO_START, BEFORE_START, UNKNOWN = "no_start", "before_start", "unknown"

CLOCK_COLUMNS: dict[str, str] = {
    "stop_at": "datetime64[us]",
    "elapsed_minutes": "float64",
    "paused_minutes": "float64",
    "deadline": "datetime64[us]",
    "remaining_minutes": "float64",
    "outcome": "string",
    "measurable": "bool",
    "problem": "string",
}


def run_clocks(
    clocks: pd.DataFrame, pauses: pd.DataFrame | None, as_of: pd.Timestamp
) -> pd.DataFrame:
    """Measure each clock; return `CLOCK_COLUMNS` aligned on ``clocks``' index.

    ``clocks`` holds ``source``, ``key``, ``start_at``, ``event_at``, ``pending`` (bool),
    ``allowance_minutes``, ``applicable`` (bool) and ``calendar`` (a `CalendarSpec`);
    ``pauses`` holds ``source``, ``ticket_key``, ``start``, ``end``.

    A known event gives ``met`` when the elapsed time is at most the allowance, else
    ``breached``; a pending one gives ``breached`` past the deadline, ``at_risk`` when less
    than 25 % of the allowance is left, else ``open``; anything else is not measurable.
    """
    n = len(clocks)
    start = clocks["start_at"].to_numpy("datetime64[us]")
    event = clocks["event_at"].to_numpy("datetime64[us]")
    applicable = clocks["applicable"].to_numpy(bool)
    pending = clocks["pending"].to_numpy(bool)
    allowance = clocks["allowance_minutes"].to_numpy(float)
    as_of64 = np.datetime64(pd.Timestamp(as_of).as_unit("us"))

    has_start = ~np.isnat(start)
    has_event = ~np.isnat(event)
    measured = applicable & has_start & has_event & (event >= start)
    running = applicable & has_start & ~has_event & pending & (as_of64 >= start)
    stop = np.where(measured, event, np.where(running, as_of64, np.datetime64("NaT")))

    elapsed = np.full(n, np.nan)
    paused = np.full(n, np.nan)
    deadline = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    clocked = measured | running
    codes, specs = pd.factorize(clocks["calendar"])
    for code in np.unique(codes[clocked]):
        spec = specs[code]
        rows = np.flatnonzero(clocked & (codes == code))
        e, p, d = _measure(
            spec,
            clocks.iloc[rows][["source", "key"]],
            start[rows],
            stop[rows],
            allowance[rows],
            pauses,
        )
        elapsed[rows], paused[rows], deadline[rows] = e, p, d

    remaining = np.where(running, allowance - elapsed, np.nan)
    over = elapsed > allowance + EPSILON_MINUTES
    outcome = np.select(
        [
            ~applicable,
            measured & over,
            measured,
            running & (remaining < -EPSILON_MINUTES),
            running & (remaining < AT_RISK_SHARE * allowance - EPSILON_MINUTES),
            running,
        ],
        ["not_applicable", "breached", "met", "breached", "at_risk", "open"],
        "not_measurable",
    )
    problem = np.select(
        [~applicable | clocked, ~has_start, has_event],
        ["", NO_START, BEFORE_START],
        UNKNOWN,
    )
    out = pd.DataFrame(
        {
            "stop_at": np.where(has_event, event, np.datetime64("NaT")),
            "elapsed_minutes": elapsed,
            "paused_minutes": paused,
            "deadline": deadline,
            "remaining_minutes": remaining,
            "outcome": outcome,
            "measurable": clocked,
            "problem": problem,
        },
        index=clocks.index,
    )
    return out.astype(CLOCK_COLUMNS)


def period_of(clocks: pd.DataFrame, fallback: pd.Series, as_of: pd.Timestamp) -> pd.Series:
    """Return the instant that places each measured clock in a month.

    The stop when the event is known; the deadline for a running clock already breached;
    ``as_of`` for an open or at-risk one; ``fallback`` for the rest (not measurable or not
    applicable: the caller passes the resolution or closing date, else the creation).
    """
    running = clocks["measurable"] & clocks["stop_at"].isna()
    period = clocks["stop_at"].where(clocks["measurable"], fallback)
    period = period.mask(running & (clocks["outcome"] == "breached"), clocks["deadline"])
    return period.mask(running & clocks["outcome"].isin(["open", "at_risk"]), as_of)


def _measure(
    spec: CalendarSpec,
    keys: pd.DataFrame,
    start: np.ndarray,
    stop: np.ndarray,
    allowance: np.ndarray,
    pauses: pd.DataFrame | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return elapsed (net of pauses), paused minutes and deadline for clocks of one calendar."""
    cal = calendar_for(spec)
    gross = cal.minutes_between(start, stop)
    paused = np.zeros(len(start))
    overlaps = _overlaps(keys, start, stop, pauses)
    if not overlaps.empty:
        pos = overlaps["pos"].to_numpy()
        minutes = cal.minutes_between(overlaps["s"].to_numpy(), overlaps["e"].to_numpy())
        paused = np.bincount(pos, weights=minutes, minlength=len(start))

    # Deadline: walk the k-th pause of every clock at once (k is small), consuming the
    # allowance up to each pause; a clock whose deadline falls before its next pause is done.
    t = start.copy()
    rest = np.where(np.isnan(allowance), 0.0, allowance)
    done = np.isnan(allowance)
    deadline = np.full(len(start), np.datetime64("NaT"), dtype="datetime64[us]")
    if not overlaps.empty:
        rank = overlaps.groupby("pos").cumcount().to_numpy()
        for k in range(int(rank.max()) + 1):
            sel = rank == k
            pos = overlaps["pos"].to_numpy()[sel]
            s = overlaps["s"].to_numpy("datetime64[us]")[sel]
            e = overlaps["e"].to_numpy("datetime64[us]")[sel]
            live = ~done[pos]
            pos, s, e = pos[live], s[live], e[live]
            candidate = cal.add_minutes(t[pos], rest[pos])
            ends_before = candidate <= s
            deadline[pos[ends_before]] = candidate[ends_before]
            done[pos[ends_before]] = True
            pos, s, e = pos[~ends_before], s[~ends_before], e[~ends_before]
            rest[pos] = np.maximum(rest[pos] - cal.minutes_between(t[pos], s), 0.0)
            t[pos] = e
    left = ~done
    deadline[left] = cal.add_minutes(t[left], rest[left])
    return gross - paused, paused, deadline


def _overlaps(
    keys: pd.DataFrame, start: np.ndarray, stop: np.ndarray, pauses: pd.DataFrame | None
) -> pd.DataFrame:
    """Return each clock's pauses clipped to [start, stop], merged, sorted: pos, s, e."""
    empty = pd.DataFrame({"pos": pd.Series(dtype="int64"), "s": [], "e": []})
    if pauses is None or pauses.empty:
        return empty
    rows = pd.DataFrame(
        {
            "pos": np.arange(len(start)),
            "source": keys["source"].to_numpy(object),
            "ticket_key": keys["key"].to_numpy(object),
            "clock_start": start,
            "clock_stop": stop,
        }
    )
    p = pauses[["source", "ticket_key", "start", "end"]].astype(
        {"source": object, "ticket_key": object}
    )
    m = rows.merge(p, on=["source", "ticket_key"], how="inner")
    s = np.maximum(m["start"].to_numpy("datetime64[us]"), m["clock_start"].to_numpy())
    e = np.minimum(m["end"].to_numpy("datetime64[us]"), m["clock_stop"].to_numpy())
    m = pd.DataFrame({"pos": m["pos"].to_numpy(), "s": s, "e": e})
    m = m[m["e"] > m["s"]].sort_values(["pos", "s"], kind="stable")
    if m.empty:
        return empty
    # Merge overlapping pauses of a clock so that no minute is removed twice.
    reach = m.groupby("pos")["e"].cummax()
    previous = reach.groupby(m["pos"]).shift()
    block = (previous.isna() | (m["s"] > previous)).cumsum()
    merged = m.groupby(block.to_numpy()).agg(pos=("pos", "first"), s=("s", "min"), e=("e", "max"))
    return merged.reset_index(drop=True)
