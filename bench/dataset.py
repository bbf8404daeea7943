"""Invent the benchmark's data, vectorised: contracts, tickets and time entries.

Everything is drawn from one seeded generator, column by column with numpy (no loop
per ticket or per entry), so 200 000 tickets and 2 200 000 entries take seconds. The
data is tool-neutral here (codes into the vocabularies of `vocab`); `writers` turns
it into French Redmine CSV files, a canonical ``.xlsx`` timesheet and a contracts TOML.

Shape of the data (``Size`` gives the volumes):

- each contract starts on the 1st of one of the first four months of ``START`` and
  has two yearly carnets (a renewal), except one in twenty on a monthly subscription
  and one in twenty in régie; one in five covers blocking incidents 24/7;
- tickets: one « Gestion de projet » ticket per contract and month, the others split
  between contracts by a lognormal weight (about 1 000 each at full size);
- time entries: 92 % on a ticket, dated between its creation and its closing, 8 % on
  the project only (transverse management); estimates are drawn around the actual
  time logged, so about one estimated ticket in five goes past its guarantee cap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bench import vocab
from bench.sizes import END, START, Size

DAY_S = 86_400
#: Hours an entry may last, and how often each is logged.
HOUR_STEPS = np.array([0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 7.5, 8])
HOUR_WEIGHTS = np.array([4, 8, 5, 12, 9, 12, 6, 9, 4, 8, 4, 3, 2, 2, 2], dtype=float)
#: Relative number of time entries a ticket of each tracker receives.
ENTRY_WEIGHT = {"Anomalie": 1.2, "Evolution": 4.0, "Support": 0.5, "Maintenance": 1.5}
MANAGEMENT_WEIGHT = 20.0
#: Share of entries logged on the project without a ticket.
NO_TICKET_SHARE = 0.08
#: Median hours from creation to closing, per tracker (calendar time).
CLOSING_HOURS = {"Anomalie": 40.0, "Evolution": 400.0, "Support": 20.0, "Maintenance": 150.0}
#: Share of tickets with an estimate, per tracker.
ESTIMATED = {"Anomalie": 0.2, "Evolution": 0.85, "Support": 0.05, "Maintenance": 0.6}
#: Priority mix (Immédiat, Urgent, Haut, Normal, Bas) of anomalies and of the rest.
PRIORITY_ANOMALY = np.array([0.04, 0.05, 0.25, 0.5, 0.16])
PRIORITY_OTHER = np.array([0.0, 0.0, 0.1, 0.7, 0.2])
TEAM = 4  # people per contract's team


@dataclass(frozen=True)
class Data:
    """The generated data as numpy columns (codes into `vocab` where text)."""

    contracts: dict[str, np.ndarray]
    tickets: dict[str, np.ndarray]
    entries: dict[str, np.ndarray]
    sheet: dict[str, np.ndarray]

    @property
    def people(self) -> list[str]:
        """Every person's name, indexed by the ``person`` codes."""
        return [f"{first} {last}" for last in vocab.LAST_NAMES for first in vocab.FIRST_NAMES]


def _days(value: object) -> int:
    return int(np.datetime64(value, "D").astype(np.int64))


def build(size: Size, seed: int) -> Data:
    """Draw the whole dataset of ``size`` from ``seed`` (same inputs, same data)."""
    rng = np.random.default_rng([seed, size.tickets, size.entries])
    contracts = _contracts(size, rng)
    tickets = _tickets(size, contracts, rng)
    entries = _entries(size.entries, contracts, tickets, rng, no_ticket=NO_TICKET_SHARE)
    on_sheet = tickets["contract"] < size.sheet_contracts
    sheet = _entries(
        size.sheet_entries, contracts, tickets, rng, no_ticket=0.0, allowed=on_sheet, sheet=True
    )
    _estimate(tickets, entries, sheet, rng)
    _carnets(contracts, tickets, entries, sheet, rng)
    return Data(contracts, tickets, entries, sheet)


def _contracts(size: Size, rng: np.random.Generator) -> dict[str, np.ndarray]:
    n = size.contracts
    index = np.arange(n)
    start_month = np.datetime64(START, "M") + (index % 4)
    model = np.where(index % 20 == 7, 1, np.where(index % 20 == 13, 2, 0))  # carnet/sub/régie
    return {
        "index": index,
        "start": start_month.astype("datetime64[D]").astype(np.int64),
        "model": model,
        "second_project": (index % 3 == 1),
        "hours_per_day": np.where(index % 10 == 4, 7.0, 8.0),
        "margin": np.where(index % 8 == 3, 0.2, 0.25),
        "moselle": index % 25 == 11,
        "always_open": index % 5 == 0,
        "weight": rng.lognormal(0.0, 0.45, n),
        "organisation": index % len(vocab.ORGANISATIONS),
        "place": (index * 7) % len(vocab.PLACES),
        "application": (index * 3) % len(vocab.APPLICATIONS),
    }


def _tickets(size: Size, contracts: dict[str, np.ndarray], rng: np.random.Generator) -> dict:
    end_day = _days(END)
    months = np.arange(np.datetime64(START, "M"), np.datetime64(END, "M") + 1)
    month_days = months.astype("datetime64[D]").astype(np.int64)
    n_contracts = len(contracts["index"])
    # One management ticket per contract and month since the contract's start.
    mc, mm = np.meshgrid(np.arange(n_contracts), np.arange(len(months)), indexing="ij")
    mc, mm = mc.ravel(), mm.ravel()
    keep = month_days[mm] >= contracts["start"][mc]
    mc, mm = mc[keep], mm[keep]
    n_mgmt = min(len(mc), size.tickets // 10)
    mc, mm = mc[:n_mgmt], mm[:n_mgmt]
    n = size.tickets - n_mgmt

    weight = contracts["weight"] / contracts["weight"].sum()
    contract = np.concatenate([mc, rng.choice(n_contracts, size=n, p=weight)])
    shares = np.array([s for _, s in vocab.TRACKERS])
    tracker = np.concatenate([np.full(n_mgmt, 4), rng.choice(4, size=n, p=shares / shares.sum())])
    first = contracts["start"][contract]
    day = first + np.floor(rng.random(len(contract)) * (end_day - first + 1)).astype(np.int64)
    day = _weekday(day, first)
    minute = np.clip(rng.normal(13.5 * 60, 150, len(day)), 7 * 60, 20 * 60).astype(np.int64)
    created = day * DAY_S + minute * 60
    created[:n_mgmt] = month_days[mm] * DAY_S + 9 * 3600
    median = np.array([CLOSING_HOURS[t] for t, _ in vocab.TRACKERS] + [0.0])[tracker]
    duration = median * np.exp(0.9 * rng.standard_normal(len(day))) * 3600
    closed = created + duration.astype(np.int64)
    month_end = (months + 1).astype("datetime64[D]").astype(np.int64)[mm] * DAY_S - 3600 * 6
    closed[:n_mgmt] = month_end
    end_s = (end_day + 1) * DAY_S - 1
    is_closed = closed <= end_s - 3600 * 2
    anomaly = tracker == 0
    priority = np.where(
        anomaly,
        rng.choice(5, len(day), p=PRIORITY_ANOMALY),
        rng.choice(5, len(day), p=PRIORITY_OTHER),
    )
    # Status codes: 0 Nouveau, 1 En cours, 2 En attente client, 3 Résolu, 4 Fermé, 5 Rejeté
    u = rng.random(len(day))
    status = np.where(
        is_closed,
        np.where(anomaly & (u < 0.03), 5, np.where(u > 0.97, 3, 4)),
        np.where(created > end_s - 2 * DAY_S, 0, np.where(u < 0.2, 2, 1)),
    )
    order = np.argsort(created, kind="stable")  # Redmine ids grow with creation time
    key = np.empty(len(day), dtype=np.int64)
    key[order] = 1001 + np.arange(len(day)) + np.cumsum(rng.integers(0, 2, len(day)))
    people = len(vocab.FIRST_NAMES) * len(vocab.LAST_NAMES)
    return {
        "contract": contract,
        "project": np.where(contracts["second_project"][contract], rng.integers(0, 2, len(day)), 0),
        "tracker": tracker,
        "priority": priority,
        "status": status,
        "created": created,
        "closed": np.where(status == 3, -1, np.where(is_closed, closed, -1)),
        "closed_or_end": np.minimum(closed, end_s),
        "subject": rng.integers(0, len(vocab.SUBJECTS) * len(vocab.AREAS), len(day)),
        "month": np.concatenate([mm, np.full(n, -1)]),
        "assignee": (contract * 7 + rng.integers(0, TEAM, len(day)) * 13) % people,
        "author": rng.integers(0, people, len(day)),
        "key": key,
        "estimate": np.full(len(day), np.nan),
        "spent": np.zeros(len(day)),
    }


def _weekday(day: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """Move weekend days to the Friday before (not before ``floor``)."""
    weekday = (day + 3) % 7  # 1970-01-01 was a Thursday
    back = np.where(weekday >= 5, weekday - 4, 0)
    return np.maximum(day - back, floor)


def _entries(
    count: int,
    contracts: dict[str, np.ndarray],
    tickets: dict[str, np.ndarray],
    rng: np.random.Generator,
    *,
    no_ticket: float,
    allowed: np.ndarray | None = None,
    sheet: bool = False,
) -> dict[str, np.ndarray]:
    """Draw ``count`` entries on tickets (``allowed`` ones) and on projects only."""
    per_tracker = np.array([ENTRY_WEIGHT[t] for t, _ in vocab.TRACKERS] + [MANAGEMENT_WEIGHT])
    weight = per_tracker[tickets["tracker"]]
    if allowed is not None:
        weight = np.where(allowed, weight, 0.0)
    linked = rng.random(count) >= no_ticket
    ticket = np.full(count, -1, dtype=np.int64)
    ticket[linked] = rng.choice(len(weight), size=int(linked.sum()), p=weight / weight.sum())
    contract = np.where(
        linked,
        tickets["contract"][np.maximum(ticket, 0)],
        rng.integers(0, len(contracts["index"]), count),
    )
    end_day = _days(END)
    safe = np.maximum(ticket, 0)
    lo = np.where(linked, tickets["created"][safe] // DAY_S, contracts["start"][contract])
    hi = np.where(linked, tickets["closed_or_end"][safe] // DAY_S, end_day)
    day = lo + np.floor(rng.random(count) * (hi - lo + 1)).astype(np.int64)
    day = _weekday(day, lo)
    hours = rng.choice(HOUR_STEPS, size=count, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    people = len(vocab.FIRST_NAMES) * len(vocab.LAST_NAMES)
    team_slot = rng.integers(0, TEAM, count)
    person = (contract * 7 + team_slot * 13 + (101 if sheet else 0)) % people
    return {
        "ticket": ticket,
        "contract": contract,
        "project": np.where(
            linked,
            tickets["project"][safe],
            np.where(contracts["second_project"][contract], rng.integers(0, 2, count), 0),
        ),
        "day": day,
        "hours": hours,
        "person": person,
        "activity": rng.integers(0, len(vocab.ACTIVITIES), count),
        "comment": rng.integers(0, len(vocab.COMMENTS), count),
    }


def _estimate(
    tickets: dict[str, np.ndarray],
    entries: dict[str, np.ndarray],
    sheet: dict[str, np.ndarray],
    rng: np.random.Generator,
) -> None:
    """Give tickets their spent time and an estimate drawn around it (some overruns)."""
    n = len(tickets["key"])
    spent = np.zeros(n)
    for part in (entries, sheet):
        linked = part["ticket"] >= 0
        spent += np.bincount(part["ticket"][linked], weights=part["hours"][linked], minlength=n)
    tickets["spent"] = spent
    share = np.array([ESTIMATED[t] for t, _ in vocab.TRACKERS] + [0.0])[tickets["tracker"]]
    estimated = rng.random(n) < share
    around = np.maximum(spent, 1.0) * np.exp(rng.normal(0.05, 0.3, n))
    tickets["estimate"] = np.where(estimated, np.maximum(np.round(around * 2) / 2, 0.5), np.nan)


def _carnets(
    contracts: dict[str, np.ndarray],
    tickets: dict[str, np.ndarray],
    entries: dict[str, np.ndarray],
    sheet: dict[str, np.ndarray],
    rng: np.random.Generator,
) -> None:
    """Size each contract's two carnets on the time its team logs (some run short)."""
    n = len(contracts["index"])
    start = contracts["start"]
    renewal = (
        (start.astype("datetime64[D]").astype("datetime64[M]") + 12)
        .astype("datetime64[D]")
        .astype(np.int64)
    )
    first_hours = np.zeros(n)
    second_hours = np.zeros(n)
    for part in (entries, sheet):
        first = part["day"] < renewal[part["contract"]]
        first_hours += np.bincount(part["contract"][first], part["hours"][first], minlength=n)
        second_hours += np.bincount(part["contract"][~first], part["hours"][~first], minlength=n)
    elapsed = (_days(END) - renewal + 1) / 365.0
    days_per_hour = 1.0 / contracts["hours_per_day"]
    contracts["renewal"] = renewal
    contracts["days_1"] = np.ceil(first_hours * days_per_hour * rng.uniform(0.85, 1.35, n))
    yearly = second_hours / np.maximum(elapsed, 0.1)
    contracts["days_2"] = np.ceil(yearly * days_per_hour * rng.uniform(0.7, 1.2, n))
    monthly = (first_hours + second_hours) * days_per_hour / 23.0
    contracts["monthly_days"] = np.ceil(monthly * rng.uniform(0.9, 1.2, n))
