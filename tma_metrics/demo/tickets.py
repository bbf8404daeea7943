"""Invent one client's tickets: arrivals, sizes, estimates and SLA timestamps.

Tool-neutral: each ticket gets a kind, a severity, an estimate and an actual size,
and the timestamps of its life (response, workaround, pause "en attente client",
resolution, closing) placed in business time, so the SLA engine finds a realistic
mix of met, breached and at-risk tickets. Nothing after the export moment is kept:
such events become null and the ticket stays open. The writers turn the result into
each tool's vocabulary.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from tma_metrics.demo import beats, texts
from tma_metrics.demo.clock import DAY, MINUTE, BusinessClock, french_holidays
from tma_metrics.demo.scenario import ClientStory, MonthTarget, month_label
from tma_metrics.domain.model import Kind, Severity

__all__ = [
    "ESTIMATE_SHARE",
    "ESTIMATE_SIZES",
    "MEAN_HOURS",
    "NAT",
    "NO_ESTIMATE_MEDIAN",
    "OTHER_RESOLUTION",
    "RESOLUTION",
    "RESPONSE",
    "SEVERITIES",
    "SEVERITY_MIX",
    "UNDERSHOOT",
    "WORKAROUND",
    "apply_export_cut",
    "draw_attributes",
    "generate_tickets",
    "lifecycle",
    "lognormal",
    "management_tickets",
    "people",
    "sample_created",
    "skeleton",
]

NAT = np.datetime64("NaT", "m")
#: Mean actual hours of a ticket of each kind: turns hours targets into ticket counts.
MEAN_HOURS = {Kind.CORRECTIVE: 3.6, Kind.EVOLUTIVE: 17.0, Kind.SUPPORT: 1.9, Kind.PREVENTIVE: 4.5}
#: Estimated work arrives a little under the story's load, so that calibration (which
#: scales the time of tickets without estimate) always has room to reach each carnet.
UNDERSHOOT = {Kind.CORRECTIVE: 0.75, Kind.EVOLUTIVE: 0.7, Kind.PREVENTIVE: 0.75}
SEVERITY_MIX = {
    Kind.CORRECTIVE: (0.06, 0.26, 0.68),
    Kind.SUPPORT: (0.0, 0.15, 0.85),
    Kind.EVOLUTIVE: (0.0, 0.1, 0.9),
    Kind.PREVENTIVE: (0.0, 0.2, 0.8),
}
ESTIMATE_SHARE = {Kind.CORRECTIVE: 0.55, Kind.EVOLUTIVE: 0.92, Kind.PREVENTIVE: 0.7}
ESTIMATE_SIZES = {
    Kind.CORRECTIVE: ((1, 2, 3, 4, 6, 8, 12, 16), (10, 18, 14, 20, 14, 12, 7, 5)),
    Kind.EVOLUTIVE: ((4, 6, 8, 12, 16, 20, 24, 32, 40, 56), (8, 8, 14, 14, 16, 10, 12, 8, 6, 4)),
    Kind.PREVENTIVE: ((2, 3, 4, 6, 8, 12), (20, 15, 25, 15, 15, 10)),
}
NO_ESTIMATE_MEDIAN = {
    Kind.CORRECTIVE: 1.25,
    Kind.SUPPORT: 1.5,
    Kind.PREVENTIVE: 2.0,
    Kind.EVOLUTIVE: 3.0,
}
#: (median, sigma) of business minutes to respond, to work around and to resolve.
RESPONSE = {
    Severity.BLOQUANTE: (35, 0.7),
    Severity.MAJEURE: (100, 0.7),
    Severity.MINEURE: (420, 0.8),
}
WORKAROUND = {Severity.BLOQUANTE: (140, 0.5), Severity.MAJEURE: (520, 0.6)}
RESOLUTION = {
    Severity.BLOQUANTE: (230, 0.45),
    Severity.MAJEURE: (1250, 0.5),
    Severity.MINEURE: (2600, 0.8),
}
OTHER_RESOLUTION = {Kind.SUPPORT: (480, 0.8), Kind.PREVENTIVE: (2400, 0.6)}
SEVERITIES = np.array([Severity.BLOQUANTE, Severity.MAJEURE, Severity.MINEURE], dtype=object)


def lognormal(rng: np.random.Generator, median: float, sigma: float, size: int) -> np.ndarray:
    """Draw ``size`` positive values around ``median``."""
    return median * np.exp(sigma * rng.standard_normal(size))


def sample_created(
    first: datetime, last: datetime, size: int, rng: np.random.Generator
) -> np.ndarray:
    """Draw opening timestamps: mostly office hours, some evenings, nights and days off."""
    days = np.arange(np.datetime64(first.date(), "D"), np.datetime64(last.date(), "D") + DAY)
    holidays = np.array(french_holidays(first.date(), last.date()), dtype="datetime64[D]")
    busy = np.is_busday(days, holidays=holidays)
    weights = np.where(busy, 1.0, np.where(np.isin(days, holidays), 0.12, 0.05))
    day = rng.choice(days, size=size, p=weights / weights.sum())
    office = rng.uniform(8.5 * 60, 18.5 * 60, size)
    evening = rng.uniform(18.5 * 60, 23.9 * 60, size)
    night = rng.uniform(0, 6.5 * 60, size)
    u = rng.random(size)
    on_busy = np.where(u < 0.86, office, np.where(u < 0.97, evening, night))
    minute = np.where(np.is_busday(day, holidays=holidays), on_busy, rng.uniform(480, 1410, size))
    created = day.astype("datetime64[m]") + minute.astype("int64") * MINUTE
    last64 = np.datetime64(last, "m")
    return np.where(created > last64, last64 - rng.integers(30, 400, size) * MINUTE, created)


def skeleton(
    story: ClientStory,
    targets: tuple[MonthTarget, ...],
    forced: pd.DataFrame,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Draw how many tickets of each kind arrive each month, and when.

    The story beats' hours are taken off their month's load first, so a month holding
    a big hand-placed evolution does not also get a full share of random ones.
    """
    load = np.array([t.hours for t in targets])
    created = forced["created"].dt.date
    for kind, day, over in zip(forced["kind"], created, forced["overrides"], strict=True):
        month = next((i for i, t in enumerate(targets) if t.first <= day <= t.last), None)
        if month is not None:
            load[month] -= over.get("actual_h", MEAN_HOURS.get(kind, 2.0))
    load = np.maximum(load, 0.2 * np.array([t.hours for t in targets]))
    frames = []
    for i, target in enumerate(targets):
        first = datetime.combine(target.first, datetime.min.time())
        last = min(datetime.combine(target.last, datetime.max.time()), story.export_at)
        # Evolutions are worked on weeks after they arrive: they follow next month's load.
        ahead = min(i + 1, len(targets) - 1)
        ahead_hours = load[ahead] * _days(target) / max(_days(targets[ahead]), 1)
        for kind, share in story.shares:
            hours = ahead_hours if kind == Kind.EVOLUTIVE else load[i]
            n = int(rng.poisson(share * hours * UNDERSHOOT.get(kind, 1.0) / MEAN_HOURS[kind]))
            frames.append(
                pd.DataFrame(
                    {"kind": [str(kind)] * n, "created": sample_created(first, last, n, rng)}
                )
            )
    bulk = pd.concat(frames, ignore_index=True)
    bulk["created"] = bulk["created"].astype("datetime64[s]")
    weights = np.array(story.project_weights)
    bulk["project"] = np.array(story.projects, dtype=object)[
        rng.choice(len(weights), size=len(bulk), p=weights / weights.sum())
    ]
    return bulk


def _days(target: MonthTarget) -> int:
    return (target.last - target.first).days + 1


def draw_attributes(
    df: pd.DataFrame, rng: np.random.Generator, sla_pace: float = 1.0
) -> pd.DataFrame:
    """Draw severity, rejection, estimate, size and SLA delays of every ticket.

    ``sla_pace`` scales the anomalies' workaround and resolution delays (the same draws,
    so a story's other figures do not move): under 1, a team that fixes faster.
    """
    n = len(df)
    kind = df["kind"].to_numpy(dtype=object)
    out = df.copy()
    severity, estimate, no_estimate = _draw_severity_and_estimate(kind, rng)
    reject = _draw_rejections(kind, rng)
    rejected = reject != ""
    estimate[rejected] = np.nan
    ratio = np.clip(lognormal(rng, 0.97, 0.24, n), 0.45, 2.0)
    actual = np.where(np.isnan(estimate), np.clip(no_estimate, 0.25, 12), estimate * ratio)
    actual = np.where(rejected, rng.uniform(0.25, 1.0, n), actual)
    out["severity"] = severity
    out["reject"] = reject
    out["estimate_h"] = estimate
    out["estimate_status"] = np.where(np.isnan(estimate), "", "validated")
    out["actual_h"] = np.maximum(np.round(actual * 4) / 4, 0.25)
    _draw_delays(out, kind, severity, rejected, estimate, rng, sla_pace)
    _draw_waits(out, kind, severity, rejected, rng)
    out["open"] = False
    out["ratio"] = ratio
    out["reestimate_h"] = np.nan
    out["reestimate_status"] = ""
    out["spent_before_reestimate"] = np.nan
    return out


def _draw_severity_and_estimate(
    kind: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw each ticket's severity, estimate (NaN: none) and time when not estimated."""
    n = len(kind)
    severity = np.full(n, Severity.MINEURE, dtype=object)
    estimate = np.full(n, np.nan)
    no_estimate = np.zeros(n)
    u = rng.random(n)
    for k, mix in SEVERITY_MIX.items():
        mask = kind == k
        severity[mask] = rng.choice(SEVERITIES, size=int(mask.sum()), p=mix)
        if k in ESTIMATE_SIZES:
            sizes, weights = ESTIMATE_SIZES[k]
            w = np.array(weights, dtype=float)
            drawn = rng.choice(np.array(sizes, dtype=float), size=int(mask.sum()), p=w / w.sum())
            estimate[mask] = np.where(u[mask] < ESTIMATE_SHARE[k], drawn, np.nan)
        no_estimate[mask] = lognormal(rng, NO_ESTIMATE_MEDIAN[k], 0.7, int(mask.sum()))
    return severity, estimate, no_estimate


def _draw_rejections(kind: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Draw which anomalies and support requests are rejected, and why ("" if not)."""
    n = len(kind)
    reject = np.full(n, "", dtype=object)
    r = rng.random(n)
    reject[(kind == Kind.CORRECTIVE) & (r < 0.04)] = "not_a_bug"
    reject[(kind == Kind.CORRECTIVE) & (r >= 0.04) & (r < 0.07)] = "duplicate"
    reject[(kind == Kind.SUPPORT) & (r < 0.02)] = "duplicate"
    return reject


def _draw_delays(
    out: pd.DataFrame,
    kind: np.ndarray,
    severity: np.ndarray,
    rejected: np.ndarray,
    estimate: np.ndarray,
    rng: np.random.Generator,
    sla_pace: float,
) -> None:
    """Draw the response, workaround and resolution delays (minutes) into ``out``."""
    n = len(kind)
    out["response_min"] = _by_severity(RESPONSE, severity, rng)
    out.loc[kind != Kind.CORRECTIVE, "response_min"] = lognormal(rng, 240, 0.8, n)[
        kind != Kind.CORRECTIVE
    ]
    workaround = np.full(n, np.nan)
    for sev, (median, sigma) in WORKAROUND.items():
        mask = (severity == sev) & (kind == Kind.CORRECTIVE) & ~rejected
        workaround[mask] = lognormal(rng, median * sla_pace, sigma, int(mask.sum()))
    out["workaround_min"] = np.maximum(workaround, out["response_min"].to_numpy())
    resolution = _by_severity(RESOLUTION, severity, rng) * sla_pace
    for k, (median, sigma) in OTHER_RESOLUTION.items():
        resolution[kind == k] = lognormal(rng, median, sigma, n)[kind == k]
    size_days = np.nan_to_num(estimate, nan=8.0) / 8.0
    delivery = (2 * size_days + 1) * 480 * rng.uniform(0.45, 1.2, n)
    resolution[kind == Kind.EVOLUTIVE] = delivery[kind == Kind.EVOLUTIVE]
    resolution = np.maximum(resolution, out["workaround_min"].fillna(0).to_numpy() + 30)
    resolution[rejected] = out["response_min"].to_numpy()[rejected] + rng.uniform(
        30, 240, int(rejected.sum())
    )
    out["resolution_min"] = resolution


def _draw_waits(
    out: pd.DataFrame,
    kind: np.ndarray,
    severity: np.ndarray,
    rejected: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """Draw the client waits, evolutions' study time and closing delays into ``out``."""
    n = len(kind)
    pause = (
        ((kind == Kind.CORRECTIVE) | (kind == Kind.SUPPORT)) & (rng.random(n) < 0.15) & ~rejected
    )
    evolutive = kind == Kind.EVOLUTIVE
    out["wait_min"] = np.where(pause, rng.uniform(1, 6, n) * 480, 0.0)
    out.loc[evolutive, "wait_min"] = (rng.uniform(0.5, 9, n) * 480)[evolutive]
    out["study_min"] = np.where(evolutive, rng.uniform(120, 900, n), 0.0)
    # Blocking and major anomalies are closed soon after the fix; the rest wait for the
    # client's validation (Redmine only dates the closing, so this shows in its SLA).
    corrective = kind == Kind.CORRECTIVE
    out["close_min"] = np.select(
        [
            corrective & (severity == Severity.BLOQUANTE),
            corrective & (severity == Severity.MAJEURE),
        ],
        [np.minimum(rng.exponential(40, n), 180), np.minimum(rng.exponential(120, n), 960)],
        np.minimum(rng.exponential(400, n), 4800),
    )


def _by_severity(table: dict, severity: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    out = np.full(len(severity), np.nan)
    for sev, (median, sigma) in table.items():
        mask = severity == sev
        out[mask] = lognormal(rng, median, sigma, int(mask.sum()))
    return out


def lifecycle(df: pd.DataFrame, story: ClientStory, clock: BusinessClock) -> pd.DataFrame:
    """Place every event in business time (or wall-clock time for 24/7 tickets)."""
    out = df.copy()
    kind = out["kind"].to_numpy(dtype=object)
    around_clock = (
        story.bloquante_24_7
        & (out["severity"].to_numpy(dtype=object) == Severity.BLOQUANTE)
        & (kind == Kind.CORRECTIVE)
    )

    def add(at: np.ndarray, minutes: np.ndarray) -> np.ndarray:
        minutes = np.nan_to_num(np.asarray(minutes, dtype=float))
        wall = at + np.rint(minutes).astype("int64") * MINUTE
        return np.where(around_clock, wall, clock.add(at, minutes))

    created = out["created"].to_numpy().astype("datetime64[m]")
    response = out["response_min"].to_numpy(dtype=float)
    # Overrides may move the response: keep response <= workaround < resolution.
    out["workaround_min"] = np.maximum(out["workaround_min"].to_numpy(dtype=float), response)
    floor = np.fmax(out["workaround_min"].to_numpy(dtype=float), response) + 30
    resolution = np.maximum(out["resolution_min"].to_numpy(dtype=float), floor)
    wait = out["wait_min"].to_numpy(dtype=float)
    evolutive = kind == Kind.EVOLUTIVE
    rejected = out["reject"].to_numpy(dtype=object) != ""
    responded = add(created, response)
    workaround = np.where(out["workaround_min"].isna(), NAT, add(created, out["workaround_min"]))
    studied = add(created, out["study_min"])
    pause_from = add(created, response + 0.4 * np.maximum(resolution - response, 0))
    wait_start = np.where(evolutive, studied, pause_from)
    wait_end = add(wait_start, wait)
    resolved = np.where(evolutive, add(wait_end, resolution), add(created, resolution + wait))
    resolved = np.where(rejected, add(created, resolution), resolved)
    wait_start = np.where(wait > 0, wait_start, NAT)
    wait_end = np.where(wait > 0, wait_end, NAT)
    closed = np.where(rejected, resolved, clock.add(resolved, out["close_min"].to_numpy()))
    is_open = out["open"].to_numpy(dtype=bool)
    resolved = np.where(is_open, NAT, resolved)
    closed = np.where(is_open, NAT, closed)
    out["responded"], out["workaround"], out["studied"] = responded, workaround, studied
    out["wait_start"], out["wait_end"] = wait_start, wait_end
    out["resolved"], out["closed"] = resolved, closed
    # Work happens after the response (after approval for evolutions) until resolution.
    out["work_from"] = np.where(evolutive & ~rejected, wait_end, responded)
    out["work_to"] = np.where(
        is_open, np.datetime64(story.end + timedelta(days=120), "m"), resolved
    )
    return out


def apply_export_cut(df: pd.DataFrame, story: ClientStory) -> pd.DataFrame:
    """Forget every event after the export moment and derive the status at export."""
    out = df.copy()
    cut = np.datetime64(story.export_at, "m")
    for column in (
        "responded",
        "workaround",
        "studied",
        "wait_start",
        "wait_end",
        "resolved",
        "closed",
    ):
        values = out[column].to_numpy().astype("datetime64[m]")
        out[column] = np.where(values <= cut, values, NAT)
    reject = out["reject"].to_numpy(dtype=object)
    # A refused estimate or re-estimate closes the ticket without resolving anything.
    out["resolved"] = np.where(reject == "refused", NAT, out["resolved"].to_numpy())
    rejected = np.isin(reject, ["not_a_bug", "duplicate"])
    waiting = out["wait_start"].notna() & out["wait_end"].isna() & out["resolved"].isna()
    out["status"] = np.select(
        [
            rejected & out["resolved"].notna(),
            out["closed"].notna(),
            out["resolved"].notna(),
            waiting.to_numpy(),
            out["responded"].notna(),
        ],
        ["rejected", "closed", "resolved", "waiting", "progress"],
        "new",
    )
    return out


def management_tickets(story: ClientStory, targets: tuple[MonthTarget, ...]) -> pd.DataFrame:
    """One « Pilotage TMA » ticket per month: opened on its first working day, closed the next."""
    first_days = [np.datetime64(t.first, "D") for t in targets]
    opened = np.busday_offset(first_days, 0, roll="forward", holidays=_holidays(story))
    created = opened.astype("datetime64[m]") + 9 * 60 * MINUTE + 7 * MINUTE
    closing_days = np.busday_offset(
        [np.datetime64(t.last, "D") + DAY for t in targets],
        1,
        roll="forward",
        holidays=_holidays(story),
    )
    closed = closing_days.astype("datetime64[m]") + 11 * 60 * MINUTE
    n = len(targets)
    return pd.DataFrame(
        {
            "kind": [str(Kind.MANAGEMENT)] * n,
            "created": created.astype("datetime64[s]"),
            "project": [story.projects[0]] * n,
            "severity": [str(Severity.MINEURE)] * n,
            "reject": [""] * n,
            "estimate_h": np.nan,
            "estimate_status": [""] * n,
            "actual_h": 0.0,
            "title": [f"Pilotage TMA - {month_label(t.first)}" for t in targets],
            "responded": created,
            "workaround": NAT,
            "studied": NAT,
            "wait_start": NAT,
            "wait_end": NAT,
            "resolved": closed,
            "closed": closed,
            "work_from": created,
            "work_to": closed,
            "month": np.arange(n),
            "open": False,
        }
    )


def _holidays(story: ClientStory) -> np.ndarray:
    last = story.end + timedelta(days=400)
    return np.array(french_holidays(story.start, last), dtype="datetime64[D]")


def generate_tickets(
    story: ClientStory,
    targets: tuple[MonthTarget, ...],
    clock: BusinessClock,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Return the client's tickets (tool-neutral), sorted by opening time, numbered ``n``."""
    forced = beats.forced_tickets(story)
    bulk = skeleton(story, targets, forced, rng)
    drafts = pd.concat([bulk, forced[["kind", "created", "project"]]], ignore_index=True)
    drafts = draw_attributes(drafts, rng, story.sla_pace)
    offset = len(bulk)
    for i, overrides in enumerate(forced["overrides"]):
        for column, value in overrides.items():
            drafts.loc[offset + i, column] = value
        if "estimate_h" in overrides and "actual_h" not in overrides:
            estimate = drafts.loc[offset + i, "estimate_h"]
            if not np.isnan(estimate):
                ratio = drafts.loc[offset + i, "ratio"]
                drafts.loc[offset + i, "actual_h"] = max(0.25, round(estimate * ratio * 4) / 4)
    unset = drafts["estimate_status"] == ""
    drafts["estimate_status"] = np.where(
        drafts["estimate_h"].isna(), "", np.where(unset, "validated", drafts["estimate_status"])
    )
    drafts["title"] = texts.titles(story.code, drafts["kind"].to_numpy(dtype=object), rng)
    for i, overrides in enumerate(forced["overrides"]):
        if "title" in overrides:
            drafts.loc[offset + i, "title"] = overrides["title"]
    tickets = lifecycle(drafts, story, clock)
    tickets["month"] = -1
    tickets = pd.concat([tickets, management_tickets(story, targets)], ignore_index=True)
    tickets = apply_export_cut(tickets, story)
    tickets = tickets.sort_values(["created", "kind", "title"], kind="stable", ignore_index=True)
    tickets["n"] = np.arange(len(tickets))
    return people(tickets, story, rng)


def people(tickets: pd.DataFrame, story: ClientStory, rng: np.random.Generator) -> pd.DataFrame:
    """Assign an agency person to each ticket and a client person as its author."""
    out = tickets.copy()
    n = len(out)
    devs = np.array(story.team[1:], dtype=object)
    assignee = devs[rng.integers(0, len(devs), n)]
    management = out["kind"].to_numpy(dtype=object) == Kind.MANAGEMENT
    assignee[management] = story.team[0]
    out["assignee"] = np.where(out["status"].to_numpy(dtype=object) == "new", "", assignee)
    author = np.array(story.requesters, dtype=object)[rng.integers(0, len(story.requesters), n)]
    author[management] = story.team[0]
    out["author"] = author
    out["description"] = texts.pick(texts.DESCRIPTIONS, n, rng)
    return out
