"""Write a client's data as French Redmine exports (issues list and spent-time list).

Bytes as Redmine writes them with a French user (FORMATS.md section 4): ``;``
separator, ISO-8859-1 (characters outside it become ``?``, as Redmine's
``CodesetUtil.from_utf8`` does), LF line ends, decimals ``%.2f`` with a comma,
timestamps ``%d/%m/%Y %H:%M``, Ruby CSV quoting (a field is quoted only when it holds
the separator, a quote or a line break; empty values are written ``""``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from tma_metrics.demo.dataset import Dataset
from tma_metrics.domain.model import Kind, Severity

__all__ = [
    "ISSUE_HEADER",
    "SEPARATOR",
    "STATUSES",
    "TIME_HEADER",
    "TRACKERS",
    "decimal",
    "done_ratio",
    "issue_rows",
    "priorities",
    "ruby_csv_line",
    "stamp",
    "time_rows",
    "write_csv",
    "write_redmine",
]

ISSUE_HEADER = (
    "#", "Projet", "Tracker", "Statut", "Priorité", "Sujet", "Assigné à", "Auteur", "Créé",
    "Mis-à-jour", "Fermé", "Temps estimé", "Temps passé", "% réalisé",
)  # fmt: skip
TIME_HEADER = ("Date", "Utilisateur", "Activité", "Projet", "Demande", "Commentaire", "Heures")
TRACKERS = {
    Kind.CORRECTIVE: "Anomalie",
    Kind.EVOLUTIVE: "Evolution",
    Kind.SUPPORT: "Support",
    Kind.PREVENTIVE: "Support",
    Kind.MANAGEMENT: "Gestion de projet",
}
STATUSES = {
    "new": "Nouveau",
    "progress": "En cours",
    "waiting": "En attente client",
    "resolved": "Résolu",
    "closed": "Fermé",
    "rejected": "Rejeté",
}
SEPARATOR = ";"


def ruby_csv_line(cells: list[str | None], sep: str = SEPARATOR) -> str:
    """Format one record the way Ruby's CSV writes it.

    >>> ruby_csv_line(["12", "", "a;b", None, "8,00"])
    '12;"";"a;b";;8,00\\n'
    """
    out = []
    for cell in cells:
        if cell is None:
            out.append("")
        elif cell == "":
            out.append('""')
        elif any(c in cell for c in (sep, '"', "\r", "\n")):
            out.append('"' + cell.replace('"', '""') + '"')
        else:
            out.append(cell)
    return sep.join(out) + "\n"


def decimal(hours: float) -> str:
    """Format hours as French Redmine does: ``%.2f`` with a decimal comma.

    >>> decimal(7.5), decimal(0.25)
    ('7,50', '0,25')
    """
    return f"{hours:.2f}".replace(".", ",")


def stamp(values: pd.Series) -> list[str]:
    """Format timestamps ``%d/%m/%Y %H:%M``; empty for missing values."""
    return [v.strftime("%d/%m/%Y %H:%M") if pd.notna(v) else "" for v in values]


def priorities(tickets: pd.DataFrame) -> np.ndarray:
    """Redmine priority of each ticket: Immédiat/Urgent, Haut, Normal or Bas."""
    n = tickets["n"].to_numpy()
    severity = tickets["severity"].to_numpy(dtype=object)
    corrective = tickets["kind"].to_numpy(dtype=object) == Kind.CORRECTIVE
    return np.select(
        [
            corrective & (severity == Severity.BLOQUANTE) & (n % 2 == 0),
            corrective & (severity == Severity.BLOQUANTE),
            severity == Severity.MAJEURE,
            n % 5 == 3,
        ],
        ["Immédiat", "Urgent", "Haut", "Bas"],
        "Normal",
    )


def done_ratio(tickets: pd.DataFrame) -> np.ndarray:
    """Redmine « % réalisé »: 100 once resolved, a tenth-rounded progress while open."""
    status = tickets["status"].to_numpy(dtype=object)
    estimate = tickets["estimate_h"].to_numpy(dtype=float)
    progress = np.nan_to_num(tickets["spent_h"].to_numpy(dtype=float) / estimate, nan=0.3)
    open_ratio = np.clip(np.round(progress * 10) * 10, 10, 90)
    return np.select(
        [np.isin(status, ["resolved", "closed"]), np.isin(status, ["progress", "waiting"])],
        [100, open_ratio],
        0,
    ).astype(int)


def issue_rows(data: Dataset) -> list[list[str | None]]:
    """Rows of the issues export, newest issue first (Redmine's default sort)."""
    t = data.tickets.sort_values("n", ascending=False)
    closed = t["closed"].where(t["status"].isin(["closed", "rejected"]))
    columns = [
        t["key"].tolist(),
        t["project"].tolist(),
        t["kind"].map(TRACKERS).tolist(),
        t["status"].map(STATUSES).tolist(),
        priorities(t).tolist(),
        t["title"].tolist(),
        t["assignee"].tolist(),
        t["author"].tolist(),
        stamp(t["created"]),
        stamp(t["updated"]),
        stamp(closed),
        ["" if np.isnan(e) else decimal(e) for e in t["estimate_h"].to_numpy(dtype=float)],
        [decimal(s) for s in t["spent_h"]],
        [str(r) for r in done_ratio(t)],
    ]
    return [list(row) for row in zip(*columns, strict=True)]


def time_rows(data: Dataset) -> list[list[str | None]]:
    """Rows of the spent-time export, newest first; the issue cell is ``Tracker #id: subject``."""
    t = data.tickets.set_index("n")
    e = data.entries.sort_values(["date", "started"], ascending=False, kind="stable")
    linked = e["ticket"] >= 0
    tracker = e["ticket"].map(t["kind"].map(TRACKERS))
    issue = tracker + " #" + e["ticket"].map(t["key"]) + ": " + e["ticket"].map(t["title"])
    columns = [
        [d.strftime("%d/%m/%Y") for d in e["date"]],
        e["person"].tolist(),
        e["activity"].tolist(),
        e["project"].tolist(),
        issue.where(linked, "").tolist(),
        e["comment"].tolist(),
        [decimal(h) for h in e["hours"]],
    ]
    return [list(row) for row in zip(*columns, strict=True)]


def write_csv(path: Path, header: tuple[str, ...], rows: list[list[str | None]]) -> Path:
    """Write a French Redmine CSV: ISO-8859-1 bytes, ``;``, LF."""
    text = ruby_csv_line(list(header)) + "".join(ruby_csv_line(row) for row in rows)
    path.write_bytes(text.encode("iso-8859-1", errors="replace"))
    return path


def write_redmine(data: Dataset, folder: Path) -> list[Path]:
    """Write ``redmine-<client>-demandes.csv`` then ``redmine-<client>-temps.csv``."""
    code = data.story.code
    return [
        write_csv(folder / f"redmine-{code}-demandes.csv", ISSUE_HEADER, issue_rows(data)),
        write_csv(folder / f"redmine-{code}-temps.csv", TIME_HEADER, time_rows(data)),
    ]
