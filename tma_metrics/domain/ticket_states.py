"""Open or resolved, as of any date: every change of each ticket's state (DOMAIN.md §4).

A ticket is open from its creation until it is resolved, and open again once reopened;
it is never both, never neither. Its state changes are rows ``received`` (at its
creation), ``resolved`` and ``reopened``, so that any window's counts reconcile:
``open(end) = open(start) + received - resolved + reopened``.

Where the changes come from (`state_changes`):

- **with a status history** (the ticket has rows in it): each history row whose status
  is resolved (or not) while the ticket was open (or resolved) is a change. When the
  history shows no resolved status, the export's resolution (its date, else its bound,
  else the last history row when the ticket's status is a resolved one) is added;
- **without**: resolved at its resolution date (the export's own event), else at its
  bound (the closing date, or the last update of a ticket in a resolved status), else,
  for a ticket in a resolved status without any date, at its creation (no date says
  it was ever open). Reopened — its current status is not a resolved one although a
  resolution is dated — at its last update (after the resolution), else just after it.

A change is never dated before the ticket's creation; a ticket without a creation date
was already there before any window (its changes count in no window's flows, only in
the states). Changes after the instant the figures are read at do not exist yet.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from tma_metrics.domain.frames import midnight

__all__ = [
    "CHANGES",
    "CHANGE_COLUMNS",
    "Parts",
    "flow",
    "flow_by_period",
    "flows",
    "open_at",
    "state_changes",
]

CHANGES = ("received", "resolved", "reopened")
#: Columns of `state_changes`' rows.
CHANGE_COLUMNS: dict[str, str] = {
    "source": "string",
    "key": "string",
    "at": "datetime64[us]",  # NaT: before any date (a ticket without creation date)
    "change": "string",  # CHANGES
}
#: Sign of each change on the ticket's open count.
_SIGN = {"received": 1, "resolved": -1, "reopened": 1}


def state_changes(tickets: pd.DataFrame, history: pd.DataFrame, at: pd.Timestamp) -> pd.DataFrame:
    """Return every state change of ``tickets`` up to ``at``, by ticket then time.

    ``tickets`` holds ``source``, ``key``, ``created_at``, ``has_history``,
    ``status_resolved`` (bool), ``status_known`` (bool), ``export_resolution`` (the
    first resolution the export dates: its event, else its bound; NaT when none) and
    ``updated_at``. ``history`` holds ``source``, ``ticket_key``, ``at`` and
    ``resolved`` (bool: the status entered is a resolved one), every dated row.
    """
    at64 = pd.Timestamp(at).as_unit("us").to_datetime64()
    created = tickets["created_at"].to_numpy("datetime64[us]")
    everyone = np.arange(len(tickets))
    pos, when, change = (
        np.concatenate(parts)
        for parts in zip(
            (everyone, created, np.full(len(tickets), "received", dtype=object)),
            _flips(_observations(tickets, history)),
            _without_history(tickets),
            strict=True,
        )
    )
    # Never before the creation (a dated row of a ticket created later is noise).
    born = created[pos]
    early = ~np.isnat(born) & (np.isnat(when) | (when < born)) & (change != "received")
    when = np.where(early, born, when).astype("datetime64[us]")
    keep = np.isnat(when) | (when <= at64)
    pos, when, change = pos[keep], when[keep], change[keep]
    rank = np.select([change == "received", change == "resolved"], [0, 1], 2)
    order = np.lexsort((rank, when.view("int64"), pos))  # NaT sorts first
    pos, when, change = pos[order], when[order], change[order]
    return pd.DataFrame(
        {
            "source": tickets["source"].astype("string").to_numpy()[pos],
            "key": tickets["key"].astype("string").to_numpy()[pos],
            "at": when,
            "change": change,
        }
    ).astype(CHANGE_COLUMNS)


Parts = tuple[np.ndarray, np.ndarray, np.ndarray]  # ticket positions, instants, changes


def _observations(tickets: pd.DataFrame, history: pd.DataFrame) -> tuple[np.ndarray, ...]:
    """Dated observations of tickets with history: (position, instant, resolved), sorted."""
    mine = tickets[["source", "key"]].astype("string").assign(pos=np.arange(len(tickets)))
    mine = mine[tickets["has_history"].to_numpy(bool)]
    rows = pd.DataFrame(
        {
            "source": history["source"].astype("string"),
            "key": history["ticket_key"].astype("string"),
            "at": history["at"].astype("datetime64[us]"),
            "resolved": history["resolved"].to_numpy(bool),
        }
    )
    rows = rows[rows["at"].notna().to_numpy(bool)].merge(mine, on=["source", "key"])
    pos = rows["pos"].to_numpy(np.int64)
    at = rows["at"].to_numpy("datetime64[us]")
    resolved = rows["resolved"].to_numpy(bool)
    # A history that never shows the resolution the export knows of: add it.
    n = len(tickets)
    shown = np.bincount(pos[resolved], minlength=n) > 0
    last = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    if len(pos):
        latest = pd.Series(at).groupby(pos).max()
        last[latest.index.to_numpy()] = latest.to_numpy("datetime64[us]")
    fallback = tickets["export_resolution"].to_numpy("datetime64[us]")
    status_resolved = tickets["status_resolved"].to_numpy(bool)
    fallback = np.where(np.isnat(fallback) & status_resolved, last, fallback)
    extra = np.flatnonzero(tickets["has_history"].to_numpy(bool) & ~shown & ~np.isnat(fallback))
    pos = np.concatenate([pos, extra])
    at = np.concatenate([at, fallback[extra]])
    resolved = np.concatenate([resolved, np.ones(len(extra), dtype=bool)])
    order = np.lexsort((at.view("int64"), pos))
    return pos[order], at[order], resolved[order]


def _flips(observed: tuple[np.ndarray, ...]) -> Parts:
    """Return the observations where the ticket's state changes (open before the first)."""
    pos, at, resolved = observed
    before = np.zeros(len(pos), dtype=bool)
    same = pos[1:] == pos[:-1]
    before[1:] = np.where(same, resolved[:-1], False)
    flip = resolved != before
    change = np.where(resolved, "resolved", "reopened").astype(object)
    return pos[flip], at[flip], change[flip]


def _without_history(tickets: pd.DataFrame) -> Parts:
    """Resolution and reopening of the tickets without history (module rules)."""
    alone = ~tickets["has_history"].to_numpy(bool)
    created = tickets["created_at"].to_numpy("datetime64[us]")
    resolution = tickets["export_resolution"].to_numpy("datetime64[us]")
    status_resolved = tickets["status_resolved"].to_numpy(bool)
    undated = np.isnat(resolution) & status_resolved
    resolved_on = np.where(undated, created, resolution)
    resolved = alone & (~np.isnat(resolution) | undated)
    reopened = resolved & tickets["status_known"].to_numpy(bool) & ~status_resolved
    updated = tickets["updated_at"].to_numpy("datetime64[us]")
    reopen_at = np.where(~np.isnat(updated) & (updated > resolved_on), updated, resolved_on)
    first, again = np.flatnonzero(resolved), np.flatnonzero(reopened)
    return (
        np.concatenate([first, again]),
        np.concatenate([resolved_on[first], reopen_at[again]]).astype("datetime64[us]"),
        np.array(["resolved"] * len(first) + ["reopened"] * len(again), dtype=object),
    )


def open_at(changes: pd.DataFrame, instant: pd.Timestamp) -> pd.Series:
    """Return, per (source, key), whether the ticket is open at ``instant`` (changes up to it)."""
    when = changes["at"].to_numpy("datetime64[us]")
    cut = pd.Timestamp(instant).as_unit("us").to_datetime64()
    upto = np.isnat(when) | (when <= cut)
    sign = changes["change"].map(_SIGN).to_numpy(np.int64) * upto
    net = (
        pd.Series(sign)
        .groupby([changes["source"].to_numpy(object), changes["key"].to_numpy(object)], sort=False)
        .sum()
    )
    return net > 0


def flow(changes: pd.DataFrame, start: date, end: date) -> dict[str, int]:
    """Count the window [start, end]: open at its start and end, and the changes in it.

    ``open_end = open_start + received - resolved + reopened``, always.
    """
    (found,) = flows(changes, np.zeros(len(changes), dtype=np.int64), [(start, end)])
    return found


def flows(
    changes: pd.DataFrame, owner: np.ndarray, windows: list[tuple[date, date]]
) -> list[dict[str, int]]:
    """`flow` of many sets of changes at once: rows of ``owner`` i in ``windows[i]``.

    A change counts before an edge when it is dated before it (an undated one, before
    every edge); the window's edges are its first day's midnight and the next midnight
    after its last day.
    """
    n = len(windows)
    starts = np.array([midnight(a).as_unit("us").to_datetime64() for a, _ in windows])
    stops = np.array(
        [(midnight(b) + pd.Timedelta(days=1)).as_unit("us").to_datetime64() for _, b in windows]
    )
    when = changes["at"].to_numpy("datetime64[us]").view("int64")  # NaT: the smallest
    change = changes["change"].to_numpy(object)
    owner = np.asarray(owner, dtype=np.int64)
    first = starts.astype("datetime64[us]").view("int64")[owner] if n else when
    last = stops.astype("datetime64[us]").view("int64")[owner] if n else when
    counts: dict[str, int | np.ndarray] = {"open_start": 0, "open_end": 0}
    for name in CHANGES:
        mine = change == name
        before_start = np.bincount(owner[mine & (when < first)], minlength=n)
        before_end = np.bincount(owner[mine & (when < last)], minlength=n)
        counts[name] = before_end - before_start
        counts["open_start"] = counts["open_start"] + _SIGN[name] * before_start
        counts["open_end"] = counts["open_end"] + _SIGN[name] * before_end
    names = ("open_start", *CHANGES, "open_end")
    return [{k: int(np.asarray(counts[k])[i]) for k in names} for i in range(n)]


def flow_by_period(changes: pd.DataFrame, periods: pd.DatetimeIndex, end: date) -> pd.DataFrame:
    """Count each period starting at ``periods`` (sorted; the last one ends with ``end``).

    Columns: ``period``, ``open_start``, ``received``, ``resolved``, ``reopened``,
    ``open_end``; each period's ``open_end`` is the next one's ``open_start``.
    """
    bounds = np.array(
        [*periods.as_unit("us").to_numpy(), (midnight(end) + pd.Timedelta(days=1)).to_datetime64()],
        dtype="datetime64[us]",
    )
    when = changes["at"].to_numpy("datetime64[us]").view("int64")  # NaT: the smallest
    change = changes["change"].to_numpy(object)
    edges = bounds.view("int64")
    out = pd.DataFrame({"period": bounds[:-1]})
    opened = np.zeros(len(edges), dtype=np.int64)
    for name in CHANGES:
        mine = np.sort(when[change == name])
        before = np.searchsorted(mine, edges, side="left")  # changes before each edge
        out[name] = np.diff(before)
        opened += _SIGN[name] * before
    out["open_start"] = opened[:-1]
    out["open_end"] = opened[1:]
    columns = ["period", "open_start", *CHANGES, "open_end"]
    return out[columns].astype({c: "int64" for c in columns[1:]})
