"""Write a client's data as a Jira Cloud "CSV (all fields)" export, English UI.

Bytes as Jira Cloud writes them (FORMATS.md section 1): UTF-8 with BOM, ``,``, LF,
minimal quoting; dates ``22/Nov/25 9:31 AM`` with English months and no zone; time
tracking in seconds; one ``Log Work`` column per worklog
(``comment;date;account id;seconds``), which are the client's time entries; repeated
``Labels``, ``Sprint`` and ``Comment`` columns filled left to right. Cloud account ids
look like ``712020:<uuid>``. The team writes its summaries and comments in French.
"""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from tma_metrics.demo import texts
from tma_metrics.demo.dataset import Dataset
from tma_metrics.domain.model import Kind, Severity

__all__ = [
    "ISSUE_TYPES",
    "LABEL_WORDS",
    "MONTHS_EN",
    "PROJECT_NAME",
    "REPEATED",
    "RESOLUTIONS",
    "SPRINT_DAYS",
    "STATUSES",
    "account_id",
    "comments",
    "header",
    "issue_records",
    "jira_date",
    "labels",
    "priority",
    "seconds",
    "sprints",
    "write_jira",
]

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
ISSUE_TYPES = {
    Kind.CORRECTIVE: "Bug",
    Kind.EVOLUTIVE: "Story",
    Kind.SUPPORT: "Support",
    Kind.PREVENTIVE: "Task",
    Kind.MANAGEMENT: "Project management",
}
STATUSES = {
    "new": ("To Do", "To Do"),
    "progress": ("In Progress", "In Progress"),
    "waiting": ("Waiting for customer", "In Progress"),
    "resolved": ("Done", "Done"),
    "closed": ("Done", "Done"),
    "rejected": ("Done", "Done"),
}
RESOLUTIONS = {"duplicate": "Duplicate", "not_a_bug": "Won't Do", "refused": "Won't Do"}
LABEL_WORDS = {
    "paiement": "paiement",
    "commande": "checkout",
    "panier": "checkout",
    "recherche": "search",
    "ERP": "erp",
    "Colissimo": "livraison",
    "e-mails": "emails",
    "produit": "catalogue",
    "catégories": "catalogue",
}
PROJECT_NAME = "Comptoir des Bastides - E-shop"
REPEATED = ("Labels", "Log Work", "Sprint", "Comment")
SPRINT_DAYS = 14


def jira_date(value: datetime | date | None) -> str:
    """Format a timestamp as Jira's English default pattern ``dd/MMM/yy h:mm a``.

    >>> jira_date(datetime(2025, 11, 22, 9, 31)), jira_date(datetime(2026, 1, 6, 0, 0))
    ('22/Nov/25 9:31 AM', '06/Jan/26 12:00 AM')
    """
    if value is None or pd.isna(value):
        return ""
    if not isinstance(value, datetime):
        value = datetime.combine(value, datetime.min.time())
    hour = value.hour % 12 or 12
    half = "AM" if value.hour < 12 else "PM"
    day = f"{value.day:02d}/{MONTHS_EN[value.month - 1]}/{value.year % 100:02d}"
    return f"{day} {hour}:{value.minute:02d} {half}"


def account_id(name: str) -> str:
    """Return a stable Jira Cloud account id for a person (``712020:`` + a uuid)."""
    h = hashlib.sha256(f"tma-metrics-demo:{name}".encode()).hexdigest()
    return f"712020:{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def seconds(hours: float) -> str:
    """Hours as Jira's integer seconds; empty when there is no value."""
    return "" if hours is None or np.isnan(hours) else str(round(hours * 3600))


def labels(title: str, severity: str, kind: str) -> list[str]:
    """Labels the team puts on an issue: the area and ``urgent`` for blocking bugs."""
    out = sorted({label for word, label in LABEL_WORDS.items() if word in title})
    if kind == Kind.CORRECTIVE and severity == Severity.BLOQUANTE:
        out.append("urgent")
    if kind in (Kind.CORRECTIVE, Kind.EVOLUTIVE, Kind.PREVENTIVE):
        out.append("tma")
    return out


def sprints(data: Dataset, row: pd.Series) -> list[str]:
    """Two-week sprints an issue went through, from its work start to its resolution."""
    if row["kind"] in (Kind.SUPPORT, Kind.MANAGEMENT) or pd.isna(row["responded"]):
        return []
    first_monday = data.story.start + timedelta(days=-data.story.start.weekday() % 7)
    start = pd.Timestamp(row["work_from"]) if pd.notna(row["work_from"]) else row["responded"]
    stop = row["resolved"] if pd.notna(row["resolved"]) else pd.Timestamp(data.story.export_at)
    if start > stop:
        start = row["responded"]
    origin = pd.Timestamp(first_monday)
    first = max(0, (start - origin).days // SPRINT_DAYS)
    last = max(first, (stop - origin).days // SPRINT_DAYS)
    return [f"BASTIDES Sprint {i + 1}" for i in range(first, min(last, first + 3) + 1)]


def comments(data: Dataset, row: pd.Series, rng: np.random.Generator) -> list[str]:
    """Zero to two comments ``date;account id;body`` after the response."""
    if pd.isna(row["responded"]) or rng.random() < 0.55:
        return []
    author = row["assignee"] or data.story.team[0]
    count = 1 + int(rng.random() < 0.4)
    out = []
    for i in range(count):
        when = row["responded"] + pd.Timedelta(minutes=int(rng.integers(5, 240)) + 600 * i)
        when = min(when, pd.Timestamp(data.story.export_at))
        body = texts.JIRA_COMMENTS[int(rng.integers(0, len(texts.JIRA_COMMENTS)))]
        who = author if i == 0 else row["author"]
        out.append(f"{jira_date(when)};{account_id(who)};{body}")
    return out


def issue_records(data: Dataset, rng: np.random.Generator) -> tuple[list[dict], dict[str, int]]:
    """One dict per issue (repeated fields as lists) and the width of each repeated field."""
    worklogs = data.entries.sort_values(["date", "started"], kind="stable")
    cells = (
        worklogs["comment"]
        + ";"
        + [jira_date(v) for v in worklogs["started"]]
        + ";"
        + worklogs["person"].map(account_id)
        + ";"
        + [seconds(h) for h in worklogs["hours"]]
    )
    logs = cells.groupby(worklogs["ticket"]).agg(list)
    records = []
    for _, row in data.tickets.sort_values("n", ascending=False).iterrows():
        status, category = STATUSES[row["status"]]
        estimate, spent = row["estimate_h"], row["spent_h"]
        done = category == "Done"
        remaining = np.nan if np.isnan(estimate) else (0.0 if done else max(0.0, estimate - spent))
        due = (
            row["work_to"] if row["kind"] == Kind.EVOLUTIVE and pd.notna(row["wait_end"]) else None
        )
        records.append(
            {
                "Summary": row["title"],
                "Issue key": row["key"],
                "Issue id": str(row["issue_id"]),
                "Issue Type": ISSUE_TYPES[row["kind"]],
                "Status": status,
                "Priority": priority(row),
                "Resolution": (RESOLUTIONS.get(row["reject"], "Done") if done else ""),
                "Assignee": row["assignee"],
                "Assignee Id": account_id(row["assignee"]) if row["assignee"] else "",
                "Reporter": row["author"],
                "Reporter Id": account_id(row["author"]),
                "Created": jira_date(row["created"]),
                "Updated": jira_date(row["updated"]),
                "Resolved": jira_date(row["resolved"] if done else None),
                "Due date": jira_date(due.date()) if due is not None else "",
                "Labels": labels(row["title"], row["severity"], row["kind"]),
                "Description": row["description"],
                "Original estimate": seconds(estimate),
                "Remaining Estimate": seconds(remaining),
                "Time Spent": seconds(spent) if spent > 0 else "",
                "Σ Original Estimate": seconds(estimate),
                "Σ Time Spent": seconds(spent) if spent > 0 else "",
                "Log Work": logs.get(row["n"], []),
                "Sprint": sprints(data, row),
                "Comment": comments(data, row, rng),
                "Status Category": category,
            }
        )
    widths = {name: max(1, *(len(r[name]) for r in records)) for name in REPEATED}
    return records, widths


def priority(row: pd.Series) -> str:
    """Jira priority: Highest for blocking, High for major, mostly Medium otherwise."""
    if row["severity"] == Severity.BLOQUANTE:
        return "Highest"
    if row["severity"] == Severity.MAJEURE:
        return "High"
    return ("Medium", "Medium", "Low", "Medium", "Lowest", "Medium", "Low")[row["n"] % 7]


def header(widths: dict[str, int]) -> list[str]:
    """Jira's column order, each repeated field written as many times as its widest issue."""
    names = (
        "Summary", "Issue key", "Issue id", "Issue Type", "Status", "Project key", "Project name",
        "Project type", "Priority", "Resolution", "Assignee", "Assignee Id", "Reporter",
        "Reporter Id", "Created", "Updated", "Resolved", "Due date", "Labels", "Description",
        "Original estimate", "Remaining Estimate", "Time Spent", "Σ Original Estimate",
        "Σ Time Spent", "Log Work", "Sprint", "Comment", "Status Category",
    )  # fmt: skip
    return [n for name in names for n in [name] * widths.get(name, 1)]


def write_jira(data: Dataset, folder: Path, rng: np.random.Generator) -> list[Path]:
    """Write ``jira-<client>.csv``: issues with their worklogs (the time entries)."""
    if (data.entries["ticket"] < 0).any():
        raise ValueError("Jira worklogs always belong to an issue: entries without ticket found.")
    records, widths = issue_records(data, rng)
    key = data.story.projects[0]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header(widths))
    for r in records:
        r.update({"Project key": key, "Project name": PROJECT_NAME, "Project type": "software"})
        row: list[str] = []
        for name in dict.fromkeys(header(widths)):
            if name in REPEATED:
                values = list(r[name])
                row += values + [""] * (widths[name] - len(values))
            else:
                row.append(r[name])
        writer.writerow(row)
    path = folder / f"jira-{data.story.code}.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return [path]
