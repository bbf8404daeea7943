"""Assemble one client's demo data: tickets, time entries and status history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd

from tma_metrics.demo import work
from tma_metrics.demo.clock import BusinessClock
from tma_metrics.demo.scenario import ClientStory, month_targets
from tma_metrics.demo.tickets import generate_tickets

__all__ = ["EVENT_COLUMNS", "MAX_DRAWS", "Dataset", "build", "keys"]

MAX_DRAWS = 30
EVENT_COLUMNS = (
    "created",
    "responded",
    "workaround",
    "wait_start",
    "wait_end",
    "resolved",
    "closed",
)


@dataclass(frozen=True)
class Dataset:
    """A client's tickets and time entries, tool-neutral, ready for a writer."""

    story: ClientStory
    tickets: pd.DataFrame  # one row per ticket, ``n`` its number in opening order
    entries: pd.DataFrame  # date, started, person, hours, ticket (n or -1), project, ...

    def history(self) -> pd.DataFrame:
        """Status changes of every ticket (neutral codes), in time order."""
        t = self.tickets
        refused = t["reject"] == "refused"
        rejected = t["reject"].isin(["not_a_bug", "duplicate"])
        every = pd.Series(True, index=t.index)
        events = [
            ("created", "new", every),
            ("responded", "progress", ~rejected),
            ("wait_start", "waiting", every),
            ("wait_end", "progress", every),
            ("resolved", "resolved", ~rejected & ~refused),
            ("resolved", "rejected", rejected),
            ("closed", "closed", ~rejected),
        ]
        frames = [
            pd.DataFrame({"n": t.loc[mask, "n"], "at": t.loc[mask, column], "status": status})
            for column, status, mask in events
        ]
        out = pd.concat(frames, ignore_index=True).dropna(subset=["at"])
        return out.sort_values(["n", "at"], kind="stable", ignore_index=True)


def build(story: ClientStory, seed: int, index: int) -> Dataset:
    """Invent the client's year, calibrated on its carnets, with tool keys assigned."""
    rng = np.random.default_rng([seed, index])
    clock = BusinessClock(story.start, story.end + timedelta(days=400))
    targets = month_targets(story)
    for _ in range(MAX_DRAWS):  # rejection sampling: deterministic for a given seed
        tickets = generate_tickets(story, targets, clock, rng)
        entries, moments = work.ticket_entries(tickets, story, rng)
        entries = pd.concat(
            [entries, work.management_entries(tickets, story, targets, rng)], ignore_index=True
        )
        entries = entries.astype({"ticket": "int64", "hours": "float64"})
        entries["date"] = pd.to_datetime(entries["date"]).astype("datetime64[s]")
        day = entries["date"].to_numpy().astype("datetime64[D]")
        keep = (day >= np.datetime64(story.start, "D")) & (day <= np.datetime64(story.end, "D"))
        try:
            entries = work.calibrate(entries[keep], tickets, story, targets, rng)
            break
        except work.InfeasibleStory:
            continue
    else:
        raise work.InfeasibleStory(f"{story.code}: no draw fits the story in {MAX_DRAWS} tries")
    entries = work.finish(entries, tickets, story, rng)
    tickets = tickets.copy()
    tickets["reestimated_at"] = tickets["n"].map(moments).astype("datetime64[s]")
    tickets["spent_h"] = work.spent(tickets, entries)
    last_entry = entries[entries["ticket"] >= 0].groupby("ticket")["started"].max()
    events = tickets[list(EVENT_COLUMNS)].astype("datetime64[s]")
    # Work logged on an open ticket touches it; a closed ticket was last touched when closed.
    still_open = ~tickets["status"].isin(["resolved", "closed", "rejected"])
    events["last_entry"] = tickets["n"].map(last_entry).astype("datetime64[s]").where(still_open)
    tickets["updated"] = events.max(axis=1).clip(upper=pd.Timestamp(story.export_at))
    tickets["key"] = keys(story, len(tickets), rng)
    tickets["issue_id"] = 10040 + np.cumsum(rng.integers(1, 6, len(tickets)))
    return Dataset(story, tickets, entries)


def keys(story: ClientStory, count: int, rng: np.random.Generator) -> list[str]:
    """Ticket keys as each tool writes them, in opening order."""
    if story.tool == "redmine":  # ids are shared with the agency's other projects: gaps
        return [str(i) for i in 3180 + np.cumsum(rng.integers(1, 4, count))]
    if story.tool == "jira":
        return [f"{story.projects[0]}-{i}" for i in range(1, count + 1)]
    return [f"G-{i:03d}" for i in range(1, count + 1)]
