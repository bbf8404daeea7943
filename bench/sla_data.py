"""The SLA benchmark's input: N corrective tickets with dated events and client pauses.

Built in memory from the generated tickets (their creation times), vectorised: each
ticket is an anomaly with a priority, a response, sometimes a workaround, a resolution
(or none yet), and one ticket in three waits on the client once (a status history
« En attente client » → « En cours »). Event delays are drawn in calendar minutes
around the SLA allowances, so that the mix holds met, breached, open and at-risk
clocks. One contract serves them all: default business hours and French holidays,
blocking incidents covered 24/7 (two calendars, as many contracts have).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from bench.sizes import END
from tma_metrics.domain.business_time import timeline
from tma_metrics.domain.contracts.model import Contract
from tma_metrics.domain.contracts.parser import parse_contracts
from tma_metrics.domain.model import TICKET_COLUMNS

CONTRACT_TOML = """
[[contract]]
name = "Banc SLA"
projects = ["Banc"]
[[contract.carnet]]
start = 2025-01-01
days = 1000
[contract.sla.bloquante]
calendar = "24/7"
"""
PRIORITIES = np.array(["Immédiat", "Urgent", "Haut", "Normal", "Bas"], dtype=object)
#: Median calendar minutes to respond, work around and resolve, per priority.
RESPONSE = np.array([60, 90, 300, 1500, 2500])
WORKAROUND = np.array([240, 300, 2500, 0, 0])
RESOLUTION = np.array([900, 1200, 6000, 9000, 12000])


@dataclass(frozen=True)
class SlaInput:
    """What `sla.sla_outcomes` takes, prepared once (not timed)."""

    contract: Contract
    at: pd.Timestamp
    prepared: pd.DataFrame
    waiting: pd.DataFrame
    history_available: bool


def contract() -> Contract:
    """Return the benchmark's SLA contract."""
    (only,) = parse_contracts(CONTRACT_TOML)
    return only


def build_input(created_s: np.ndarray, seed: int) -> SlaInput:
    """Return the prepared tickets and pauses of one ticket per creation time (epoch s)."""
    rng = np.random.default_rng([seed, 55])
    n = len(created_s)
    created = created_s.astype("datetime64[s]").astype("datetime64[us]")
    at = pd.Timestamp(END) + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    end = np.datetime64(at.to_datetime64(), "us")
    priority = rng.choice(5, n, p=[0.05, 0.05, 0.25, 0.5, 0.15])

    def after(start: np.ndarray, median: np.ndarray, sigma: float) -> np.ndarray:
        minutes = median * np.exp(sigma * rng.standard_normal(n))
        return start + (minutes * 60e6).astype("timedelta64[us]")

    responded = after(created, RESPONSE[priority], 0.9)
    has_workaround = (WORKAROUND[priority] > 0) & (rng.random(n) < 0.6)
    workaround = np.where(
        has_workaround, after(responded, WORKAROUND[priority], 0.8), np.datetime64("NaT")
    )
    resolved = after(responded, RESOLUTION[priority], 0.9)
    closed = resolved + np.timedelta64(1, "D")
    forgot = rng.random(n) < 0.05  # no response date typed in
    happened = resolved <= end
    status = np.where(
        happened,
        np.where(closed <= end, "Fermé", "Résolu"),
        np.where(responded <= end, "En cours", "Nouveau"),
    )
    nat = np.datetime64("NaT", "us")
    tickets = pd.DataFrame(
        {
            "source": "redmine",
            "key": pd.array(np.arange(1, n + 1).astype(str), dtype="string"),
            "project": "Banc",
            "tracker": "Anomalie",
            "priority": PRIORITIES[priority],
            "status": status,
            "created_at": created,
            "responded_at": np.where(forgot | (responded > end), nat, responded),
            "workaround_at": np.where(workaround <= end, workaround, nat),
            "resolved_at": np.where(happened, resolved, nat),
            "closed_at": np.where(closed <= end, closed, nat),
        }
    )
    for name, dtype in TICKET_COLUMNS.items():
        if name not in tickets:
            tickets[name] = pd.Series(pd.NA, index=tickets.index, dtype=dtype)
    tickets = tickets[list(TICKET_COLUMNS)].astype(TICKET_COLUMNS)
    history = _pauses(tickets, responded, resolved, rng)
    deal = contract()
    prepared = timeline.prepare_tickets(tickets, history, deal, at)
    waiting = timeline.waiting_intervals(history, deal, at)
    return SlaInput(deal, at, prepared, waiting, history_available=not history.empty)


def _pauses(
    tickets: pd.DataFrame, responded: np.ndarray, resolved: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    """One ticket in three waits on the client once, between its response and resolution."""
    n = len(tickets)
    waits = rng.random(n) < 1 / 3
    span = (resolved - responded).astype("int64")
    start = responded + (span * rng.uniform(0.1, 0.5, n)).astype("timedelta64[us]")
    stop = start + (span * rng.uniform(0.1, 0.4, n)).astype("timedelta64[us]")
    keys = tickets["key"].to_numpy(object)[waits]
    frames = [
        pd.DataFrame(
            {"ticket_key": keys, "at": tickets["created_at"].to_numpy()[waits], "status": "Nouveau"}
        ),
        pd.DataFrame({"ticket_key": keys, "at": responded[waits], "status": "En cours"}),
        pd.DataFrame({"ticket_key": keys, "at": start[waits], "status": "En attente client"}),
        pd.DataFrame({"ticket_key": keys, "at": stop[waits], "status": "En cours"}),
    ]
    history = pd.concat(frames, ignore_index=True)
    history.insert(0, "source", "redmine")
    return history.astype(
        {"source": "string", "ticket_key": "string", "at": "datetime64[us]", "status": "string"}
    )
