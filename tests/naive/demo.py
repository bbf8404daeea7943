"""Naive, independent readings of the demo exports (plain csv / openpyxl, plain loops).

Shared by the demo's story tests and the check that `report` agrees with them: a
second way to compute the carnet figures, independent of the importers and engines.
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl

MARGIN = 0.25


def redmine(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("iso-8859-1")), delimiter=";"))


def jira(path: Path) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    return rows[0], rows[1:]


def jira_values(header: list[str], row: list[str], name: str) -> list[str]:
    return [v for h, v in zip(header, row, strict=True) if h == name]


def sheet(path: Path, name: str) -> list[dict[str, object]]:
    rows = list(openpyxl.load_workbook(path)[name].iter_rows(values_only=True))
    top = next(i for i, r in enumerate(rows) if r[0] in ("key", "date", "ticket"))
    return [dict(zip(rows[top], r, strict=True)) for r in rows[top + 1 :]]


def fr_stamp(text: str) -> datetime:
    return datetime.strptime(text, "%d/%m/%Y %H:%M")


def en_stamp(text: str) -> datetime:
    return datetime.strptime(text, "%d/%b/%y %I:%M %p")


def load(
    folder: Path, code: str
) -> tuple[list[dict[str, object]], list[tuple[date, str | None, float]]]:
    """Read one client's files into neutral tickets and (date, ticket key, hours) entries."""
    tickets: list[dict[str, object]] = []
    entries: list[tuple[date, str | None, float]] = []
    if code == "alpha":
        for r in redmine(folder / "redmine-alpha-demandes.csv"):
            estimate = float(r["Temps estimé"].replace(",", ".")) if r["Temps estimé"] else None
            tickets.append({
                "key": r["#"], "project": r["Projet"], "tracker": r["Tracker"],
                "priority": r["Priorité"], "status": r["Statut"], "created": fr_stamp(r["Créé"]),
                "done": r["Fermé"] != "" or r["Statut"] == "Résolu", "estimate": estimate,
                "estimate_status": "validated" if estimate else None,
            })  # fmt: skip
        for r in redmine(folder / "redmine-alpha-temps.csv"):
            key = r["Demande"].split("#")[1].split(":")[0] if r["Demande"] else None
            day = datetime.strptime(r["Date"], "%d/%m/%Y").date()
            entries.append((day, key, float(r["Heures"].replace(",", "."))))
    elif code == "beta":
        header, rows = jira(folder / "jira-beta.csv")
        for row in rows:
            get = {h: jira_values(header, row, h)[0] for h in header}  # first of repeated
            estimate = int(get["Original estimate"]) / 3600 if get["Original estimate"] else None
            tickets.append({
                "key": get["Issue key"], "project": get["Project key"],
                "tracker": get["Issue Type"], "priority": get["Priority"], "status": get["Status"],
                "resolution": get["Resolution"], "created": en_stamp(get["Created"]),
                "done": get["Resolved"] != "", "estimate": estimate,
                "estimate_status": "validated" if estimate else None,
            })  # fmt: skip
            for log in jira_values(header, row, "Log Work"):
                if log:
                    _, when, _, seconds = log.split(";")
                    entries.append((en_stamp(when).date(), get["Issue key"], int(seconds) / 3600))
    else:
        path = folder / "gamma-canonique.xlsx"
        for r in sheet(path, "Demandes"):
            tickets.append({
                **r, "tracker": r["kind"], "created": r["created_at"],
                "done": r["resolved_at"] is not None or r["closed_at"] is not None,
                "estimate": r["estimate_hours"],
            })  # fmt: skip
        entries = [
            (e["date"].date(), e["ticket"], float(e["hours"])) for e in sheet(path, "Temps passé")
        ]
    return tickets, entries


def caps(tickets: list[dict[str, object]], entries: list[tuple[date, str | None, float]]) -> dict:
    """Deduction cap per ticket (DOMAIN.md section 2), re-estimates included."""
    out: dict[str | None, float] = {}
    for t in tickets:
        estimate = t["estimate"]
        if not estimate or t["estimate_status"] != "validated":
            continue  # no validated estimate: deducted as spent
        if t.get("reestimate_status") == "accepted":
            estimate = t["reestimate_hours"]
        out[t["key"]] = (1 + MARGIN) * estimate
        if t.get("reestimate_status") == "refused":
            before = sum(
                h for d, k, h in entries if k == t["key"] and d <= t["reestimated_at"].date()
            )
            if before > MARGIN * t["estimate"]:  # announced too late and refused: offered
                out[t["key"]] = 0.0
    return out


def deducted_by_day(tickets: list, entries: list) -> dict[date, float]:
    """Naive deduction: each ticket's cap applied in date order, summed per day."""
    limit = caps(tickets, entries)
    spent: dict[str | None, float] = defaultdict(float)
    per_day: dict[date, float] = defaultdict(float)
    for day, key, hours in sorted(entries, key=lambda e: (str(e[1]), e[0])):
        cap = limit.get(key, math.inf) if key else math.inf
        before = spent[key]
        spent[key] += hours
        per_day[day] += min(spent[key], cap) - min(before, cap)
    return per_day


def consumed(per_day: dict[date, float], first: date, last: date) -> float:
    return sum(h for d, h in per_day.items() if first <= d <= last) / 8


def burn_last_three_months(per_day: dict[date, float], end: date) -> float:
    """Deducted days per month over the last three full months before ``end``'s month."""
    month_start = end.replace(day=1)
    first = (month_start - timedelta(days=80)).replace(day=1)
    return consumed(per_day, first, month_start - timedelta(days=1)) / 3
