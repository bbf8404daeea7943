"""A seeded random TMA data set and naive, loop-based recomputations of the money rules.

The tests of billing, consumption and estimation check the vectorised engines against
these plain-Python versions, written from DOMAIN.md rather than from the engines.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from statistics import mean, median

import pandas as pd

MARGIN = 0.25
HOURS_PER_DAY = 8.0
FIRST_DAY = date(2025, 1, 1)
LAST_DAY = date(2026, 12, 31)


def random_dataset(seed: int, n_tickets: int = 400, n_entries: int = 4000) -> tuple[list, list]:
    """Return (tickets, entries) as lists of dicts with every rule represented."""
    rng = random.Random(seed)
    span = (LAST_DAY - FIRST_DAY).days
    tickets = []
    for i in range(n_tickets):
        created = FIRST_DAY + timedelta(days=rng.randrange(span - 30))
        estimate = rng.choice([None, 0.0, 2.0, 4.0, 8.0, 12.0, 16.0, 40.0, 60.0, 240.0])
        status = rng.choice(["validated"] * 5 + ["refused", "pending", None, None])
        re_status = rng.choice([None] * 6 + ["accepted", "refused", "refused", "pending"])
        re_hours = rng.choice([None, 4.0, 16.0, 24.0]) if re_status else None
        re_at = created + timedelta(days=rng.randrange(1, 40)) if re_status else None
        if re_at and rng.random() < 0.1:
            re_at = None
        closed = created + timedelta(days=rng.randrange(1, 300)) if rng.random() < 0.7 else None
        resolved = (
            closed - timedelta(days=rng.randrange(0, 3)) if closed and rng.random() < 0.5 else None
        )
        tickets.append(
            {
                "ticket_uid": f"T{i:04d}",
                "estimate_hours": estimate,
                "estimate_status": status,
                "reestimate_hours": re_hours,
                "reestimated_at": re_at,
                "reestimate_status": re_status,
                "kind": rng.choice(["corrective", "evolutive", "support", "management"]),
                "assignee": rng.choice(["Alice", "Bruno", None]),
                "created_at": created,
                "closed_at": closed,
                "resolved_at": resolved,
                "spent_hours": rng.choice([None, 3.0, 10.0]),
            }
        )
    entries = []
    for j in range(n_entries):
        roll = rng.random()
        if roll < 0.05:
            ticket = None
        elif roll < 0.07:
            ticket = f"X{rng.randrange(5)}"  # unknown ticket
        else:
            ticket = tickets[rng.randrange(n_tickets)]
        day = (
            ticket["created_at"] + timedelta(days=rng.randrange(0, 60))
            if isinstance(ticket, dict)
            else FIRST_DAY + timedelta(days=rng.randrange(span))
        )
        started = None
        if rng.random() < 0.5:
            started = pd.Timestamp(day) + pd.Timedelta(minutes=rng.randrange(8 * 60, 18 * 60))
        entries.append(
            {
                "entry_uid": f"E{j:05d}",
                "ticket_uid": ticket["ticket_uid"] if isinstance(ticket, dict) else ticket,
                "date": day,
                "started_at": started,
                "hours": rng.choice([0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 7.0, 8.0]),
            }
        )
    return tickets, entries


def tickets_frame(tickets: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(tickets)
    types = dict.fromkeys(("reestimated_at", "created_at", "closed_at", "resolved_at"), "dt")
    types |= dict.fromkeys(("estimate_hours", "reestimate_hours", "spent_hours"), "Float64")
    types |= dict.fromkeys(("estimate_status", "reestimate_status", "kind", "assignee"), "string")
    for name, dtype in types.items():
        if name not in frame.columns:
            continue
        if dtype == "dt":
            frame[name] = pd.to_datetime(frame[name]).astype("datetime64[us]")
        else:
            frame[name] = frame[name].astype(dtype)
    return frame


def entries_frame(entries: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(entries)
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[us]")
    frame["started_at"] = pd.to_datetime(frame["started_at"]).astype("datetime64[us]")
    frame["hours"] = frame["hours"].astype("Float64")
    return frame


def _positive(value: float | None) -> float | None:
    return value if value is not None and value == value and value > 0 else None


def naive_ticket_rule(ticket: dict, entries: list[dict], margin: float) -> tuple[str, float | None]:
    """Return (rule, cap) of one ticket by reading DOMAIN.md §2 literally."""
    estimate = _positive(ticket["estimate_hours"])
    reestimate = _positive(ticket["reestimate_hours"])
    status, re_status = ticket["estimate_status"], ticket["reestimate_status"]
    if re_status == "accepted" and reestimate is not None:
        return "reestimate_accepted", (1 + margin) * reestimate
    if status == "refused":
        return "estimate_refused", None
    if status == "pending":
        return "estimate_pending", None
    if estimate is None:
        return "no_estimate", None
    if re_status == "refused":
        if naive_late(ticket, entries, margin):
            return "late_reestimate_refused", 0.0
        return "reestimate_refused", (1 + margin) * estimate
    if re_status == "pending":
        return "reestimate_pending", (1 + margin) * estimate
    return "estimate_cap", (1 + margin) * estimate


def naive_late(ticket: dict, entries: list[dict], margin: float) -> bool:
    estimate = _positive(ticket["estimate_hours"])
    reestimated = ticket["reestimate_status"] is not None or ticket["reestimate_hours"] is not None
    if estimate is None or not reestimated or ticket["reestimated_at"] is None:
        return False
    day = ticket["reestimated_at"]
    spent = 0.0
    for entry in entries:
        if entry["ticket_uid"] == ticket["ticket_uid"] and entry["date"] <= day:
            spent += entry["hours"]
    return spent > margin * estimate + 1e-9


def naive_deduct(tickets: list[dict], entries: list[dict], margin: float) -> dict[str, float]:
    """Return entry_uid -> deducted hours, walking each ticket's entries in date order."""
    by_uid = {t["ticket_uid"]: t for t in tickets}
    by_ticket: dict[str, list[dict]] = defaultdict(list)
    for entry in entries:
        by_ticket[entry["ticket_uid"]].append(entry)
    deducted = {}
    for ticket_uid, rows in by_ticket.items():
        ticket = by_uid.get(ticket_uid)
        cap = None if ticket is None else naive_ticket_rule(ticket, rows, margin)[1]
        rows = sorted(
            rows,
            key=lambda e: (
                e["date"],
                e["started_at"] is None,
                e["started_at"] or pd.Timestamp.min,
                e["entry_uid"],
            ),
        )
        used = 0.0
        for entry in rows:
            if cap is None:
                deducted[entry["entry_uid"]] = entry["hours"]
                continue
            take = max(0.0, min(entry["hours"], cap - used))
            used += entry["hours"]
            deducted[entry["entry_uid"]] = take
    return deducted


def naive_effective_estimate(ticket: dict) -> float | None:
    rule, _ = naive_ticket_rule(ticket, [], MARGIN)
    if rule == "reestimate_accepted":
        return ticket["reestimate_hours"]
    if rule in ("estimate_cap", "reestimate_refused", "reestimate_pending"):
        return ticket["estimate_hours"]
    return None


def naive_summary(rows: list[dict]) -> dict[str, float | int | None]:
    """Summarise accuracy rows (dicts with ratio, flags...) with plain Python."""
    if not rows:
        return {"tickets": 0}
    return {
        "tickets": len(rows),
        "within_guarantee_rate": mean(1.0 if r["within_guarantee"] else 0.0 for r in rows),
        "within_25_rate": mean(1.0 if r["within_25"] else 0.0 for r in rows),
        "median_ratio": median(r["ratio"] for r in rows),
        "bias": mean(r["bias_term"] for r in rows),
        "absorbed_hours": sum(r["absorbed_hours"] for r in rows),
        "reestimation_rate": mean(1.0 if r["reestimated"] else 0.0 for r in rows),
        "late_reestimations": sum(1 for r in rows if r["late_reestimate"] is True),
    }
