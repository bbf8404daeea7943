"""Invent the time entries of one client and calibrate them on the story's carnets.

Each ticket's actual hours are split into entries of 0,25 h to 7,5 h on the working
days between its response (its approval, for an evolution) and its resolution;
entries after the export day are dropped, so open tickets carry partial time. The
monthly project-management ticket gets about 10 % of the month (plus the copil).

Calibration: the hours deducted from a carnet follow DOMAIN.md section 2 (estimate
guarantee capped at ``(1 + margin) * estimate``, cumulative in date order). The
entries of tickets without an estimate are deducted as spent, so scaling them moves
the deducted total one for one: first month by month (bounded), then per carnet
exactly, so each carnet's balance is the one the story announces.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from tma_metrics.demo import texts
from tma_metrics.demo.clock import MINUTE, working_days
from tma_metrics.demo.scenario import MARGIN, ClientStory, MonthTarget
from tma_metrics.domain.model import Kind

__all__ = [
    "CHUNK_HOURS",
    "COPIL",
    "FACTOR_RANGE",
    "MAX_ENTRY",
    "QUARTER",
    "InfeasibleStory",
    "calibrate",
    "caps",
    "deducted",
    "finish",
    "management_entries",
    "quarters",
    "reestimate_entries",
    "spent",
    "spread_load",
    "ticket_entries",
]

CHUNK_HOURS = {Kind.CORRECTIVE: 0.8, Kind.EVOLUTIVE: 1.3, Kind.SUPPORT: 0.55, Kind.PREVENTIVE: 0.9}
QUARTER = 0.25
MAX_ENTRY = 7.5
#: The copil (about 1,5 day): (comment, hours, index of the team member).
COPIL = (
    ("Préparation du comité de pilotage", 4.0, 0),
    ("Comité de pilotage", 3.0, 0),
    ("Comité de pilotage", 3.0, 1),
    ("Compte rendu du comité de pilotage", 2.0, 0),
)


#: How far calibration may scale the time of tickets without estimate before the draw is
#: rejected (and redrawn) because the year it invented is too far from the story.
FACTOR_RANGE = (0.4, 2.5)


class InfeasibleStory(Exception):
    """The random year cannot be calibrated on the story's carnets; draw another one."""


def quarters(hours: np.ndarray) -> np.ndarray:
    """Round hours to the quarter, between 0,25 h and 7,5 h."""
    return np.clip(np.round(np.asarray(hours, dtype=float) / QUARTER) * QUARTER, QUARTER, MAX_ENTRY)


def _split(
    totals: np.ndarray, counts: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Split each total into ``counts`` random parts; return (owner index, hours)."""
    owner = np.repeat(np.arange(len(totals)), counts)
    weights = rng.gamma(2.0, size=len(owner))
    share = weights / np.bincount(owner, weights, minlength=len(totals))[owner]
    return owner, quarters(totals[owner] * share)


def _days_between(
    start: np.ndarray, stop: np.ndarray, workdays: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Draw one working day per pair in [start, stop]; the start day when none is open."""
    start_d, stop_d = start.astype("datetime64[D]"), stop.astype("datetime64[D]")
    lo = np.searchsorted(workdays, start_d, side="left")
    hi = np.searchsorted(workdays, stop_d, side="right") - 1
    pick = lo + np.floor(rng.random(len(lo)) * np.maximum(hi - lo + 1, 1)).astype("int64")
    chosen = workdays[np.minimum(pick, len(workdays) - 1)]
    return np.where(hi >= lo, chosen, start_d)


def ticket_entries(
    tickets: pd.DataFrame, story: ClientStory, rng: np.random.Generator
) -> tuple[pd.DataFrame, dict[int, pd.Timestamp]]:
    """Split every ticket's actual hours into dated entries (study, then the work).

    Returns the entries (``ticket``, ``date``, ``hours``, ``activity``) and the moment of
    each re-estimate, keyed by ticket number.
    """
    workdays = working_days(story.start, story.end + timedelta(days=500))
    kind = tickets["kind"].to_numpy(dtype=object)
    special = tickets["spent_before_reestimate"].notna().to_numpy()
    t = tickets[(kind != Kind.MANAGEMENT) & ~special].reset_index(drop=True)
    actual = t["actual_h"].to_numpy(dtype=float)
    has_study = (t["kind"] == Kind.EVOLUTIVE).to_numpy() & t["studied"].notna().to_numpy()
    study = np.where(has_study, np.minimum(actual, quarters(rng.uniform(0.5, 2.0, len(t)))), 0.0)
    main = actual - study
    chunk = np.array([CHUNK_HOURS[k] for k in t["kind"]]) * rng.uniform(0.7, 1.3, len(t))
    counts = np.where(main > 0, np.maximum(1, np.round(main / chunk)), 0).astype("int64")
    owner, hours = _split(main, counts, rng)
    start = t["work_from"].to_numpy().astype("datetime64[m]")[owner]
    stop = t["work_to"].to_numpy().astype("datetime64[m]")[owner]
    study_rows = np.flatnonzero(study > 0)
    studied = t["studied"].to_numpy().astype("datetime64[D]")[study_rows]
    work = pd.DataFrame(
        {
            "ticket": t["n"].to_numpy()[owner],
            "date": _days_between(start, stop, workdays, rng),
            "hours": hours,
            "activity": None,
        }
    )
    studies = pd.DataFrame(
        {
            "ticket": t["n"].to_numpy()[study_rows],
            "date": studied,
            "hours": study[study_rows],
            "activity": "Conception",
        }
    )
    special_entries, moments = reestimate_entries(tickets[special], workdays)
    return pd.concat([work, studies, special_entries], ignore_index=True), moments


def reestimate_entries(
    special: pd.DataFrame, workdays: np.ndarray
) -> tuple[pd.DataFrame, dict[int, pd.Timestamp]]:
    """Entries of re-estimated tickets: the time before the re-estimate on two days, then
    the rest (if the client accepted) on the following days, 4 h a day."""
    rows: list[tuple[int, np.datetime64, float]] = []
    moments: dict[int, pd.Timestamp] = {}
    for ticket in special.itertuples():  # two tickets at most: clarity over vectorisation
        first = int(np.searchsorted(workdays, np.datetime64(ticket.work_from, "D")))
        before = float(ticket.spent_before_reestimate)
        half = float(quarters(np.array([before / 2]))[0])
        rows += [(ticket.n, workdays[first], half), (ticket.n, workdays[first + 1], before - half)]
        moments[ticket.n] = pd.Timestamp(workdays[first + 1]) + pd.Timedelta(hours=17)
        after = float(ticket.actual_h) - before
        days = int(np.ceil(after / 4))
        for i in range(days):
            rows.append((ticket.n, workdays[first + 2 + i], min(4.0, after - 4.0 * i)))
    frame = pd.DataFrame(rows, columns=["ticket", "date", "hours"]).assign(activity=None)
    return frame, moments


def management_entries(
    tickets: pd.DataFrame,
    story: ClientStory,
    targets: tuple[MonthTarget, ...],
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Monthly project management (~10 % of the month) and the copil, on the month's ticket."""
    pm, lead = story.team[0], story.team[1]
    mgmt = tickets[tickets["kind"] == Kind.MANAGEMENT].set_index("month")["n"]
    frames = []
    for m, target in enumerate(targets):
        days = working_days(target.first, target.last)
        if len(days) == 0:
            continue
        ticket = int(mgmt[m])
        rows = [(days[0], 1.5, pm, ticket, "Rédaction du bilan mensuel TMA")]
        mondays = days[np.is_busday(days, weekmask="Mon")] if len(days) > 1 else days[:0]
        rows += [(d, 0.75, pm, ticket, "Point hebdomadaire TMA") for d in mondays]
        if target.first.month in story.copil_months and len(days) > 10:
            copil_ticket = ticket if story.copil_on_ticket else -1
            rows += [(days[10], h, story.team[who], copil_ticket, text) for text, h, who in COPIL]
        fixed = sum(r[1] for r in rows)
        share = float(rng.uniform(0.085, 0.115))
        total = max(np.round(target.hours * share / QUARTER) * QUARTER, fixed + 1.0)
        rest = total - fixed
        k = int(np.ceil(rest / 0.75))
        _, parts = _split(np.array([rest]), np.array([k]), rng)
        _fix_residual(parts, np.arange(k), rest - parts.sum(), rng)
        who = np.where(rng.random(k) < 0.8, pm, lead)
        when = days[rng.integers(0, len(days), k)]
        comments = texts.pick(texts.COMMENTS["Gestion de projet"], k, rng)
        rows += list(zip(when, parts, who, [ticket] * k, comments, strict=True))
        frames.append(pd.DataFrame(rows, columns=["date", "hours", "person", "ticket", "comment"]))
    out = pd.concat(frames, ignore_index=True)
    out["activity"] = "Gestion de projet"
    return out


def caps(tickets: pd.DataFrame, margin: float = MARGIN) -> np.ndarray:
    """Deduction cap of each ticket (hours, indexed by ``n``): inf when deducted as spent.

    A validated estimate caps at ``(1 + margin)`` times the estimate (the accepted
    re-estimate when there is one); a late re-estimate the client refused caps at 0.
    """
    t = tickets.sort_values("n")
    estimate = t["estimate_h"].to_numpy(dtype=float)
    accepted = (t["reestimate_status"] == "accepted").to_numpy()
    effective = np.where(accepted, t["reestimate_h"].to_numpy(dtype=float), estimate)
    validated = (t["estimate_status"] == "validated").to_numpy() & (np.nan_to_num(estimate) > 0)
    cap = np.where(validated, (1 + margin) * effective, np.inf)
    return np.where((t["reestimate_status"] == "refused").to_numpy(), 0.0, cap)


def deducted(entries: pd.DataFrame, cap: np.ndarray) -> np.ndarray:
    """Deducted hours of each entry: its ticket's cap applied cumulatively in date order."""
    order = entries.sort_values(["ticket", "date"], kind="stable").index
    sorted_entries = entries.loc[order]
    ticket = sorted_entries["ticket"].to_numpy()
    hours = sorted_entries["hours"].to_numpy(dtype=float)
    limit = np.where(ticket >= 0, cap[np.maximum(ticket, 0)], np.inf)
    cum = sorted_entries.groupby("ticket")["hours"].cumsum().to_numpy(dtype=float)
    part = np.minimum(cum, limit) - np.minimum(cum - hours, limit)
    out = pd.Series(part, index=order).reindex(entries.index)
    return out.to_numpy(dtype=float)


def calibrate(
    entries: pd.DataFrame,
    tickets: pd.DataFrame,
    story: ClientStory,
    targets: tuple[MonthTarget, ...],
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Scale the entries of tickets without estimate so each carnet gets its exact total."""
    out = entries.reset_index(drop=True).copy()
    t = tickets.sort_values("n")
    free_ticket = (
        t["estimate_h"].isna() & (t["kind"] != Kind.MANAGEMENT) & (t["reject"] != "refused")
    ).to_numpy()
    free = (out["ticket"] >= 0).to_numpy() & free_ticket[np.maximum(out["ticket"].to_numpy(), 0)]
    cap = caps(tickets)
    dates = out["date"].to_numpy().astype("datetime64[D]")
    hours = out["hours"].to_numpy(dtype=float).copy()
    fixed_part = np.zeros(len(out))
    fixed_part[~free] = deducted(out[~free], cap)

    def in_range(first: object, last: object) -> np.ndarray:
        return (dates >= np.datetime64(first, "D")) & (dates <= np.datetime64(last, "D"))

    for target in targets:  # bounded monthly pass: keeps the seasonal shape of the story
        mask = in_range(target.first, target.last)
        room = target.hours - fixed_part[mask].sum()
        pool = hours[mask & free].sum()
        if pool > 0:
            hours[mask & free] *= np.clip(room / pool, 0.3, 3.0)
    for carnet in story.carnets:  # exact pass per carnet
        mask = in_range(max(carnet.start, story.start), min(carnet.end, story.end))
        goal = carnet.consumed_days * 8.0
        room = goal - fixed_part[mask].sum()
        pool = hours[mask & free].sum()

        if pool <= 0 or not FACTOR_RANGE[0] <= room / pool <= FACTOR_RANGE[1]:
            raise InfeasibleStory(f"{story.code}: carnet from {carnet.start} cannot reach {goal} h")
        hours[mask & free] = quarters(hours[mask & free] * room / pool)
        _fix_residual(hours, np.flatnonzero(mask & free), room - hours[mask & free].sum(), rng)
    out["hours"] = hours
    return out[out["hours"] > 0].reset_index(drop=True)


def _fix_residual(
    hours: np.ndarray, idx: np.ndarray, residual: float, rng: np.random.Generator
) -> None:
    """Add or remove quarters of an hour on a few entries so the total is exact."""
    steps = round(residual / QUARTER)
    while steps != 0:
        sign = 1 if steps > 0 else -1
        # Removing the last quarter of an entry deletes it (calibrate drops empty entries).
        eligible = idx[(hours[idx] < MAX_ENTRY) if sign > 0 else (hours[idx] > 0)]
        if len(eligible) == 0:
            raise AssertionError("no entry left to absorb the calibration residual")
        chosen = rng.permutation(eligible)[: abs(steps)]
        hours[chosen] += sign * QUARTER
        steps -= sign * len(chosen)


def finish(
    entries: pd.DataFrame, tickets: pd.DataFrame, story: ClientStory, rng: np.random.Generator
) -> pd.DataFrame:
    """Fill person, project, activity, comment and start time; sort by date."""
    out = entries.reset_index(drop=True).copy()
    t = tickets.set_index("n")
    linked = (out["ticket"] >= 0).to_numpy()
    n = len(out)
    kinds = t["kind"].reindex(out["ticket"]).fillna(Kind.MANAGEMENT).to_numpy(dtype=object)
    devs = np.array(story.team[1:], dtype=object)
    assignee = t["assignee"].reindex(out["ticket"]).fillna("").to_numpy(dtype=object)
    someone = devs[rng.integers(0, len(devs), n)]
    person = np.where((assignee != "") & (rng.random(n) < 0.8), assignee, someone)
    out["person"] = out["person"].astype(object).where(out["person"].notna(), person)
    out = spread_load(out, story.team)
    project = t["project"].reindex(out["ticket"]).to_numpy(dtype=object)
    out["project"] = np.where(linked, project, story.projects[0])
    activity = texts.activities(kinds, rng)
    out["activity"] = out["activity"].astype(object).where(out["activity"].notna(), activity)
    comment = texts.comments(out["activity"].to_numpy(dtype=object), rng)
    out["comment"] = out["comment"].astype(object).where(out["comment"].notna(), comment)
    day = out["date"].to_numpy().astype("datetime64[D]")
    minutes = (8.75 * 60 + rng.integers(0, 100, n) * 5).astype("int64")
    started = day.astype("datetime64[m]") + minutes * MINUTE
    # On the first and last day of a ticket, the work fits between opening and resolution.
    first = t["created"].reindex(out["ticket"]).to_numpy().astype("datetime64[m]")
    last = t["resolved"].reindex(out["ticket"]).to_numpy().astype("datetime64[m]")
    length = np.rint(out["hours"].to_numpy(dtype=float) * 60).astype("int64") * MINUTE
    latest = last - length
    late = (latest.astype("datetime64[D]") == day) & (started > latest)
    started = np.where(late, latest, started)
    early = (first.astype("datetime64[D]") == day) & (started < first)
    out["started"] = np.where(early, first, started)
    out["date"] = day
    keys = ["date", "started", "ticket", "person", "hours"]
    out = out.sort_values(keys, kind="stable", ignore_index=True)
    return out[["date", "started", "person", "hours", "ticket", "project", "activity", "comment"]]


def spread_load(entries: pd.DataFrame, team: tuple[str, ...], limit: float = 8.0) -> pd.DataFrame:
    """Hand over to a colleague the entries that would make someone's day longer than 8 h."""
    out = entries.copy()
    rotation = {person: team[(i + 1) % len(team)] for i, person in enumerate(team)}
    for _ in range(2 * len(team)):  # each pass moves the overflow one colleague further
        over = out.groupby(["person", "date"])["hours"].cumsum() > limit
        if not over.any():
            break
        out.loc[over, "person"] = out.loc[over, "person"].map(rotation)
    return out


def spent(tickets: pd.DataFrame, entries: pd.DataFrame) -> pd.Series:
    """Total hours logged on each ticket (indexed like ``tickets``)."""
    totals = entries[entries["ticket"] >= 0].groupby("ticket")["hours"].sum()
    return tickets["n"].map(totals).fillna(0.0)
