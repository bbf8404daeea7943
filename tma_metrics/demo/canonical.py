"""Write a client's data as the project's canonical spreadsheet, as if filled by hand.

Three sheets with the canonical column names: « Demandes » (tickets), « Temps passé »
(time entries, under a one-line title block, as hand-made sheets often are) and
« Historique » (status changes, with the « En attente client » pauses). Dates are
real typed datetime cells. Like any hand-filled sheet it has gaps and variants: some
response times were never typed in, a few severities are written « Critique » (which
the contract maps to bloquante) or capitalised.

openpyxl stamps the current time into the file (zip entries and document
properties); both are reset so the same data gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from tma_metrics.demo.dataset import Dataset
from tma_metrics.domain.model import Kind, Severity

__all__ = [
    "DATETIME_FORMAT",
    "DATE_FORMAT",
    "HISTORY_HEADER",
    "STATUSES",
    "TICKET_HEADER",
    "TIME_HEADER",
    "ZIP_EPOCH",
    "fill_sheet",
    "hand_typed_priority",
    "history_rows",
    "normalise_zip",
    "ticket_rows",
    "time_rows",
    "workbook_bytes",
    "write_canonical",
]

TICKET_HEADER = (
    "key", "project", "title", "kind", "priority", "status", "created_at", "responded_at",
    "workaround_at", "resolved_at", "closed_at", "estimate_hours", "estimate_status",
    "reestimate_hours", "reestimated_at", "reestimate_status", "assignee",
)  # fmt: skip
TIME_HEADER = ("date", "person", "hours", "ticket", "project", "activity", "comment")
HISTORY_HEADER = ("ticket", "at", "status")
STATUSES = {
    "new": "Nouveau",
    "progress": "En cours",
    "waiting": "En attente client",
    "resolved": "Résolu",
    "closed": "Fermé",
    "rejected": "Rejeté",
}
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
DATE_FORMAT = "DD/MM/YYYY"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def _cell(value: object) -> object:
    """Turn pandas/numpy scalars into what openpyxl writes as typed cells (None: empty)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.floating | np.integer):
        return value.item()
    return value if value != "" else None


def hand_typed_priority(tickets: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Severities as a person types them: mostly lower case, some capitalised, « Critique »."""
    severity = tickets["severity"].to_numpy(dtype=object).copy()
    u = rng.random(len(severity))
    severity = np.where(u < 0.15, np.char.capitalize(severity.astype(str)), severity)
    critique = (tickets["severity"] == Severity.BLOQUANTE).to_numpy() & (u > 0.5)
    return np.where(critique, "Critique", severity)


def ticket_rows(data: Dataset, rng: np.random.Generator) -> list[list[object]]:
    """One row per ticket, in opening order."""
    t = data.tickets.sort_values("n")
    forgot = rng.random(len(t)) < 0.08  # response times someone never typed in
    responded = t["responded"].where(~forgot & (t["kind"] != Kind.MANAGEMENT))
    resolved = t["resolved"].where(t["status"].isin(["resolved", "closed", "rejected"]))
    columns = [
        t["key"], t["project"], t["title"], t["kind"], hand_typed_priority(t, rng),
        t["status"].map(STATUSES), t["created"], responded, t["workaround"], resolved,
        t["closed"], t["estimate_h"], t["estimate_status"], t["reestimate_h"],
        t["reestimated_at"], t["reestimate_status"], t["assignee"],
    ]  # fmt: skip
    return [[_cell(v) for v in row] for row in zip(*columns, strict=True)]


def time_rows(data: Dataset) -> list[list[object]]:
    """One row per time entry, in date order; the ticket is empty for transverse time."""
    keys = data.tickets.set_index("n")["key"]
    e = data.entries
    ticket = e["ticket"].map(keys).where(e["ticket"] >= 0)
    days = [d.date() for d in e["date"]]
    columns = [days, e["person"], e["hours"], ticket, e["project"], e["activity"], e["comment"]]
    return [[_cell(v) for v in row] for row in zip(*columns, strict=True)]


def history_rows(data: Dataset) -> list[list[object]]:
    """Status changes of every ticket (the pauses « En attente client » included)."""
    h = data.history()
    keys = data.tickets.set_index("n")["key"]
    columns = [h["n"].map(keys), h["at"], h["status"].map(STATUSES)]
    return [[_cell(v) for v in row] for row in zip(*columns, strict=True)]


def fill_sheet(ws: object, header: tuple[str, ...], rows: list[list[object]], top: int = 1) -> None:
    """Write the header at row ``top`` and the rows under it, with date formats."""
    for name_index, name in enumerate(header, start=1):
        cell = ws.cell(row=top, column=name_index, value=name)
        cell.font = Font(bold=True)
    for r, row in enumerate(rows, start=top + 1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, datetime):
                cell.number_format = DATETIME_FORMAT
            elif hasattr(value, "isoformat"):
                cell.number_format = DATE_FORMAT
    ws.freeze_panes = ws.cell(row=top + 1, column=1)


def workbook_bytes(data: Dataset, rng: np.random.Generator) -> bytes:
    """Build the workbook and return its bytes (not yet normalised)."""
    wb = Workbook()
    demandes = wb.active
    demandes.title = "Demandes"
    fill_sheet(demandes, TICKET_HEADER, ticket_rows(data, rng))
    temps = wb.create_sheet("Temps passé")
    temps["A1"] = f"{data.story.contract} - suivi des temps TMA (saisie manuelle)"
    temps["A1"].font = Font(bold=True, size=13)
    fill_sheet(temps, TIME_HEADER, time_rows(data), top=3)
    historique = wb.create_sheet("Historique")
    fill_sheet(historique, HISTORY_HEADER, history_rows(data))
    moment = datetime.combine(data.story.end, datetime.min.time())
    wb.properties.creator = "TMA Metrics (démo)"
    wb.properties.created = moment
    buffer = io.BytesIO()
    wb.save(buffer)
    return normalise_zip(buffer.getvalue(), moment)


def normalise_zip(raw: bytes, moment: datetime) -> bytes:
    """Rewrite the xlsx zip with fixed entry dates and a fixed « modified » property."""
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>",
                    payload,
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, payload)
    return out.getvalue()


def write_canonical(data: Dataset, folder: Path, rng: np.random.Generator) -> list[Path]:
    """Write ``<client>-canonique.xlsx``."""
    path = folder / f"{data.story.code}-canonique.xlsx"
    path.write_bytes(workbook_bytes(data, rng))
    return [path]
