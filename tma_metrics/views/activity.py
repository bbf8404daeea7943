"""Ticket and time-entry selections the meeting views share, each defined once.

Rules (for the README):

- **Window.** A timestamp is in the window [start, end] (dates) when
  ``start 00:00 <= t < end + 1 day``; an entry is in it when its date is.
- **Every ticket is open or resolved** (`ticket_states`): counts of tickets received,
  resolved, reopened and open all come from ``ContractFigures.changes``, so that
  ``open(end) = open(start) + received - resolved + reopened`` for any window.
- **Came in.** ``created_at`` in the window (a ticket's ``received`` change).
  **Resolved.** Each ``resolved`` change in the window (a ticket resolved, reopened and
  resolved again in it counts twice): the resolution's date when dated, else its bound
  (closing, last update), else — a ticket in a resolved status with no date at all —
  its creation. ``resolved_by`` says which.
- **Open** (backlog, "in progress"): the timeline's ``is_open`` at the figures' instant
  (a reopened ticket is open). **Reopened**: open again after a resolution.
- **Age.** Calendar days from the creation day to the as-of day.
- **Pending approval.** An open ticket whose estimate or re-estimate status is
  ``pending``; the re-estimate wins when both are.
- **Past its guarantee.** An open ticket whose time spent exceeds ``(1 + margin) ×``
  its effective estimate (accepted re-estimate, else validated estimate).
- **Kind of an entry.** Its ticket's kind; an entry without ticket is project
  management (DOMAIN.md §2.5, as the management share counts it); an entry whose ticket
  is missing from the exports is ``other``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from tma_metrics.domain.carnet.billing import EPS
from tma_metrics.domain.frames import column_or_null, floats, midnight
from tma_metrics.domain.model import Kind
from tma_metrics.french.labels import MISSING_TICKET_FR, NO_TICKET_FR

__all__ = [
    "AGE_CLASSES",
    "NO_ACTIVITY_FR",
    "TICKET_ROW_COLUMNS",
    "Backlog",
    "backlog",
    "created_between",
    "entries_between",
    "entry_kinds",
    "in_window",
    "open_rows",
    "pending_estimates",
    "resolved_between",
    "ticket_rows",
    "time_by",
    "time_by_activity",
    "time_by_kind",
    "time_by_ticket",
]

#: Backlog age classes: (lower bound included, upper bound excluded, French label).
AGE_CLASSES: tuple[tuple[float, float, str], ...] = (
    (0, 7, "Moins de 7 jours"),
    (7, 30, "7 à 29 jours"),
    (30, 90, "30 à 89 jours"),
    (90, np.inf, "90 jours et plus"),
)
#: Label of entries whose activity the export does not give.
NO_ACTIVITY_FR = "(non renseignée)"

#: Columns of `ticket_rows`, the per-ticket frame every ticket table starts from.
TICKET_ROW_COLUMNS = (
    "ticket_uid",
    "source",
    "key",
    "title",
    "kind",
    "severity",
    "status",
    "assignee",
    "created_at",
    "resolved_at",
    "resolved_by",
    "age_days",
    "estimate_hours",
    "cap_hours",
    "spent_hours",
    "deducted_hours",
    "absorbed_hours",
    "rule",
    "reopened",
    "past_guarantee",
)


def in_window(stamps: pd.Series, start: date, end: date) -> np.ndarray:
    """Say which timestamps fall in [start 00:00, end + 1 day); missing ones do not."""
    values = pd.to_datetime(stamps).to_numpy("datetime64[us]")
    low = midnight(start).to_datetime64()
    high = (midnight(end) + pd.Timedelta(days=1)).to_datetime64()
    return (values >= low) & (values < high)


def ticket_rows(tickets: pd.DataFrame, as_of: date, margin: float) -> pd.DataFrame:
    """Return `TICKET_ROW_COLUMNS` for each ticket of ``figures.tickets`` (same order)."""
    created = pd.to_datetime(tickets["created_at"])
    estimate = floats(tickets["effective_estimate_hours"])
    spent = floats(tickets["billed_spent_hours"])
    resolved = pd.to_datetime(tickets["resolved_on"])
    is_open = tickets["is_open"].to_numpy(bool)
    source = column_or_null(tickets, "resolution_source").astype("string")
    resolved_by = np.select(
        [
            source.isin(["history", "export"]).to_numpy(bool, na_value=False),
            source.isin(["closing", "update"]).to_numpy(bool, na_value=False),
            resolved.notna().to_numpy(),
        ],
        ["event", "bound", "undated"],
        "",
    )
    age = (midnight(as_of) - created.dt.normalize()).dt.days
    return pd.DataFrame(
        {
            "ticket_uid": tickets["ticket_uid"].astype("string"),
            "source": tickets["source"].astype("string"),
            "key": tickets["key"].astype("string"),
            "title": column_or_null(tickets, "title").astype("string"),
            "kind": tickets["kind"].astype("string"),
            "severity": tickets["severity"].astype("string"),
            "status": column_or_null(tickets, "status").astype("string"),
            "assignee": column_or_null(tickets, "assignee").astype("string"),
            "created_at": created.astype("datetime64[us]"),
            "resolved_at": resolved.astype("datetime64[us]"),
            "resolved_by": pd.Series(resolved_by, index=tickets.index, dtype="string").replace(
                "", pd.NA
            ),
            "age_days": age.astype("Int64"),
            "estimate_hours": estimate,
            "cap_hours": floats(tickets["cap_hours"]),
            "spent_hours": spent,
            "deducted_hours": floats(tickets["deducted_hours"]),
            "absorbed_hours": floats(tickets["absorbed_hours"]),
            "rule": tickets["rule"].astype("string"),
            "reopened": tickets["reopened"].to_numpy(bool),
            "past_guarantee": is_open & (spent > (1 + margin) * estimate + EPS),
        },
        index=tickets.index,
    ).reset_index(drop=True)


def created_between(rows: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Return the tickets that came in during [start, end], oldest first."""
    return _sorted(rows[in_window(rows["created_at"], start, end)], "created_at")


def resolved_between(
    rows: pd.DataFrame, changes: pd.DataFrame, start: date, end: date
) -> pd.DataFrame:
    """Return one row per resolution during [start, end] (`ticket_states`), oldest first.

    ``resolved_at`` is that resolution's date; a ticket resolved twice in the window
    (reopened in between) has two rows, as the counts have two resolutions.
    """
    picked = changes[
        (changes["change"] == "resolved").to_numpy(bool) & in_window(changes["at"], start, end)
    ]
    index = pd.MultiIndex.from_arrays([rows["source"], rows["key"]])
    at = index.get_indexer(pd.MultiIndex.from_arrays([picked["source"], picked["key"]]))
    found = rows.iloc[at[at >= 0]].copy()
    found["resolved_at"] = picked["at"].to_numpy("datetime64[us]")[at >= 0]
    return _sorted(found, "resolved_at")


def open_rows(tickets: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Return the backlog: open tickets, oldest first (``rows``: `ticket_rows` of ``tickets``)."""
    return _sorted(rows[tickets["is_open"].to_numpy(bool)], "created_at")


@dataclass(frozen=True, eq=False)
class Backlog:
    """Open tickets at the as-of date and how old they are."""

    open: int
    median_age_days: float | None
    oldest_key: str | None
    oldest_age_days: int | None
    by_age: pd.DataFrame  # age_class, tickets
    by_kind: pd.DataFrame  # kind, tickets


def backlog(open_tickets: pd.DataFrame) -> Backlog:
    """Summarise the open tickets (`open_rows`' output)."""
    ages = open_tickets["age_days"].astype("float64")
    known = ages.dropna()
    bounds = np.array([low for low, _, _ in AGE_CLASSES[1:]])
    positions = np.searchsorted(bounds, known.to_numpy(), side="right")
    counts = np.bincount(positions, minlength=len(AGE_CLASSES))
    by_age = pd.DataFrame(
        {"age_class": [name for _, _, name in AGE_CLASSES], "tickets": counts.astype("int64")}
    )
    kinds = open_tickets["kind"].value_counts()
    order = [k.value for k in Kind if k.value in kinds.index]
    by_kind = pd.DataFrame(
        {"kind": pd.array(order, dtype="string"), "tickets": kinds.reindex(order).astype("int64")}
    ).reset_index(drop=True)
    oldest = known.idxmax() if len(known) else None
    return Backlog(
        open=len(open_tickets),
        median_age_days=float(known.median()) if len(known) else None,
        oldest_key=None if oldest is None else str(open_tickets.loc[oldest, "key"]),
        oldest_age_days=None if oldest is None else int(known[oldest]),
        by_age=by_age,
        by_kind=by_kind,
    )


def pending_estimates(tickets: pd.DataFrame, as_of: date, hours_per_day: float) -> pd.DataFrame:
    """Return the open tickets waiting for the client's approval of an (re-)estimate.

    Columns: ``key``, ``title``, ``kind``, ``status``, ``subject`` (``estimate`` or
    ``reestimate``), ``estimate_hours`` / ``estimate_days`` (the figure awaiting
    approval), ``sent_at`` (estimated_at or reestimated_at), ``waiting_days``,
    ``deducted_hours`` (the study time, deducted as spent meanwhile).
    """
    estimate_pending = _status(tickets, "estimate_status") == "pending"
    reestimate_pending = _status(tickets, "reestimate_status") == "pending"
    keep = tickets["is_open"].to_numpy(bool) & (estimate_pending | reestimate_pending)
    t = tickets[keep]
    re = reestimate_pending[keep]
    hours = np.where(re, floats(t["reestimate_hours"]), floats(t["estimate_hours"]))
    sent = pd.to_datetime(
        np.where(
            re,
            pd.to_datetime(column_or_null(t, "reestimated_at")).to_numpy("datetime64[us]"),
            pd.to_datetime(column_or_null(t, "estimated_at")).to_numpy("datetime64[us]"),
        )
    )
    waiting = (midnight(as_of) - pd.Series(sent).dt.normalize()).dt.days
    out = pd.DataFrame(
        {
            "key": t["key"].astype("string").to_numpy(),
            "title": column_or_null(t, "title").astype("string").to_numpy(),
            "kind": t["kind"].astype("string").to_numpy(),
            "status": column_or_null(t, "status").astype("string").to_numpy(),
            "subject": pd.array(np.where(re, "reestimate", "estimate"), dtype="string"),
            "estimate_hours": hours,
            "estimate_days": hours / hours_per_day,
            "sent_at": pd.Series(sent).astype("datetime64[us]").to_numpy(),
            "waiting_days": waiting.astype("Int64").array,
            "deducted_hours": floats(t["deducted_hours"]),
        }
    )
    return out.sort_values("sent_at", na_position="last", kind="stable").reset_index(drop=True)


# -- time entries -------------------------------------------------------------------


def entries_between(entries: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Return the time entries dated in [start, end]."""
    return entries[in_window(entries["date"], start, end)].reset_index(drop=True)


def entry_kinds(entries: pd.DataFrame) -> pd.Series:
    """Return the kind of each entry (see the module's rules)."""
    kind = column_or_null(entries, "ticket_kind").astype("string")
    no_ticket = entries["ticket_uid"].isna()
    kind = kind.mask(no_ticket, Kind.MANAGEMENT.value)
    return kind.fillna(Kind.OTHER.value).astype("string")


def time_by(entries: pd.DataFrame, labels: pd.Series, hours_per_day: float) -> pd.DataFrame:
    """Sum spent / deducted / absorbed hours of ``entries`` per label; share of deducted.

    Columns: ``label``, ``entries``, ``spent_hours``, ``deducted_hours``,
    ``absorbed_hours``, ``deducted_days``, ``deducted_share`` (NaN when nothing is
    deducted). Sorted by deducted hours, largest first.
    """
    frame = pd.DataFrame(
        {
            "label": labels.astype("string").to_numpy(),
            "spent_hours": floats(entries["hours"]),
            "deducted_hours": floats(entries["deducted_hours"]),
            "absorbed_hours": floats(entries["absorbed_hours"]),
        }
    )
    grouped = frame.groupby("label", sort=True, dropna=False)
    out = grouped[["spent_hours", "deducted_hours", "absorbed_hours"]].sum()
    out.insert(0, "entries", grouped.size().astype("int64"))
    out = out.reset_index()
    total = float(out["deducted_hours"].sum())
    out["deducted_days"] = out["deducted_hours"] / hours_per_day
    out["deducted_share"] = out["deducted_hours"] / total if total > EPS else np.nan
    out = out.sort_values(["deducted_hours", "label"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)


def time_by_kind(entries: pd.DataFrame, hours_per_day: float) -> pd.DataFrame:
    """Sum time per kind of entry (`time_by`), in the catalog's order; column ``kind``."""
    out = time_by(entries, entry_kinds(entries), hours_per_day).rename(columns={"label": "kind"})
    rank = {k.value: i for i, k in enumerate(Kind)}
    order = out["kind"].map(rank).fillna(len(rank)).to_numpy()
    return out.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)


def time_by_activity(entries: pd.DataFrame, hours_per_day: float) -> pd.DataFrame:
    """Sum time per activity of entry (`time_by`); column ``activity``."""
    activity = column_or_null(entries, "activity").astype("string").fillna(NO_ACTIVITY_FR)
    out = time_by(entries, activity, hours_per_day)
    return out.rename(columns={"label": "activity"})


def time_by_ticket(entries: pd.DataFrame, rows: pd.DataFrame, hours_per_day: float) -> pd.DataFrame:
    """Sum spent / deducted / absorbed hours of ``entries`` per ticket, most spent first.

    ``rows`` is `ticket_rows`' output (key, title, kind, status, estimate). Entries
    without ticket form one row titled "(sans demande)", without key (even when some
    of them quote a reference that matches no ticket); entries of a ticket missing from
    the exports keep their key.
    """
    uid = entries["ticket_uid"].astype("string").fillna("")
    out = time_by(entries, uid, hours_per_day).rename(columns={"label": "ticket_uid"})
    info = rows.set_index("ticket_uid")
    out["key"] = out["ticket_uid"].map(info["key"]).astype("string")
    keys = column_or_null(entries, "ticket_key").astype("string")
    known_keys = keys.groupby(uid.to_numpy()).first()
    out["key"] = out["key"].fillna(out["ticket_uid"].map(known_keys).astype("string"))
    no_ticket = out["ticket_uid"] == ""
    # Entries without ticket may still quote a reference no ticket of the exports has
    # (``#456`` in a Kimai comment): the grouped row is not that ticket, it has no key.
    out["key"] = out["key"].mask(no_ticket, pd.NA)
    for name in ("title", "kind", "status", "estimate_hours", "cap_hours", "rule"):
        out[name] = out["ticket_uid"].map(info[name])
    out["title"] = out["title"].astype("string").mask(no_ticket, NO_TICKET_FR)
    out["kind"] = out["kind"].astype("string").mask(no_ticket, Kind.MANAGEMENT.value)
    out["kind"] = out["kind"].fillna(Kind.OTHER.value)
    out["rule"] = out["rule"].astype("string").mask(no_ticket, "no_ticket")
    # A ticket the entries quote but no export holds: billed as spent, under its key.
    missing = ~no_ticket & ~out["ticket_uid"].isin(info.index)
    out["rule"] = out["rule"].mask(missing, "unknown_ticket")
    out["title"] = out["title"].mask(missing, MISSING_TICKET_FR)
    out["ticket_uid"] = out["ticket_uid"].replace("", pd.NA)
    out = out.sort_values(["spent_hours", "key"], ascending=[False, True], kind="stable")
    columns = [
        "ticket_uid",
        "key",
        "title",
        "kind",
        "status",
        "rule",
        "entries",
        "estimate_hours",
        "cap_hours",
        "spent_hours",
        "deducted_hours",
        "absorbed_hours",
        "deducted_days",
        "deducted_share",
    ]
    return out[columns].reset_index(drop=True)


def _status(tickets: pd.DataFrame, name: str) -> np.ndarray:
    values = column_or_null(tickets, name).astype("string").str.strip().str.lower()
    return values.fillna("").to_numpy(dtype=object)


def _sorted(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    return frame.sort_values([column, "key"], na_position="last", kind="stable").reset_index(
        drop=True
    )
