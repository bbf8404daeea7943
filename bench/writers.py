"""Write the generated data as a user would download it: French Redmine CSV files.

Cells are assembled column by column with pyarrow string kernels (a value's text is a
``take`` from a small table of pre-formatted strings, or a cast of an integer), so the
2 000 000-row time log is written in seconds. Bytes follow FORMATS.md section 4 as the
demo's Redmine writer does: ``;``, ISO-8859-1 (``€`` becomes ``?``), LF, ``%.2f`` with a
decimal comma, ``%d/%m/%Y %H:%M``, Ruby CSV quoting (quoted only when holding ``;``,
``"`` or a line break; empty values written ``""``), newest rows first.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bench import vocab
from bench.dataset import DAY_S, Data

ISSUE_HEADER = (
    "#", "Projet", "Tracker", "Statut", "Priorité", "Sujet", "Assigné à", "Auteur", "Créé",
    "Mis-à-jour", "Fermé", "Temps estimé", "Temps passé", "% réalisé",
)  # fmt: skip
TIME_HEADER = ("Date", "Utilisateur", "Activité", "Projet", "Demande", "Commentaire", "Heures")
TRACKER_NAMES = (*(t for t, _ in vocab.TRACKERS), vocab.MANAGEMENT_TRACKER)
STATUS_NAMES = ("Nouveau", "En cours", "En attente client", "Résolu", "Fermé", "Rejeté")
MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip


def quote(cell: str) -> str:
    """Quote one cell the way Ruby's CSV does (``""`` for an empty one).

    >>> quote("a;b"), quote(""), quote('a"b'), quote("8,00")
    ('"a;b"', '""', '"a""b"', '8,00')
    """
    if cell == "" or any(c in cell for c in (";", '"', "\r", "\n")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def contract_name(data: Data, i: int) -> str:
    """Return the display name of contract ``i``."""
    c = data.contracts
    org = vocab.ORGANISATIONS[c["organisation"][i]]
    return f"C{i + 1:03d} - {org} {vocab.PLACES[c['place'][i]]}"


def project_names(data: Data, i: int) -> list[str]:
    """Return the Redmine project names of contract ``i`` (one or two)."""
    c = data.contracts
    names = [f"P{i + 1:03d} {vocab.APPLICATIONS[c['application'][i]]}"]
    if c["second_project"][i]:
        names.append(f"P{i + 1:03d} Back-office")
    return names


def subjects(data: Data) -> list[str]:
    """Return every subject text, indexed by the tickets' ``subject`` codes."""
    return [s.format(a=a) for s in vocab.SUBJECTS for a in vocab.AREAS]


def _take(table: list[str], codes: np.ndarray) -> pa.Array:
    """Return the strings of ``table`` at ``codes`` as an arrow string array."""
    return pa.array(table, pa.string()).take(pa.array(codes, pa.int64()))


def _decimal(values: np.ndarray) -> pa.Array:
    """Format non-negative numbers ``%.2f`` with a decimal comma (vectorised)."""
    cents = np.rint(values * 100).astype(np.int64)
    whole = pc.cast(pa.array(cents // 100), pa.string())
    return pc.binary_join_element_wise(
        whole, _take([f"{i:02d}" for i in range(100)], cents % 100), ","
    )


def _stamp(seconds: np.ndarray, fmt: str) -> pa.Array:
    """Format epoch seconds (naive local time) with ``fmt``."""
    return pc.strftime(pa.array(seconds.astype("datetime64[s]")), format=fmt)


def _project_cells(data: Data, contract: np.ndarray, project: np.ndarray) -> pa.Array:
    names = [quote(project_names(data, i)[p]) if p < len(project_names(data, i)) else ""
             for i in range(len(data.contracts["index"])) for p in (0, 1)]  # fmt: skip
    return _take(names, contract * 2 + project)


def _subject_cells(data: Data) -> list[str]:
    """Subjects of the tickets, management ones included (after the plain subjects)."""
    months = [f"Pilotage {m} {y}" for y in (2025, 2026) for m in MONTHS_FR]
    return subjects(data) + months


def _ticket_subject_codes(data: Data) -> np.ndarray:
    t = data.tickets
    base = len(subjects(data))
    return np.where(t["month"] >= 0, base + t["month"], t["subject"])


def _write_lines(path: Path, header: tuple[str, ...], columns: list[pa.Array]) -> Path:
    """Join cells with ``;`` and lines with LF; write ISO-8859-1 bytes."""
    lines = pc.binary_join_element_wise(*columns, ";")
    body = pc.binary_join_element_wise(lines, pa.array([""] * len(lines), pa.string()), "\n")
    body = body.cast(pa.large_string())  # 64-bit offsets: the text may pass 2 GB
    # The array's data buffer already holds every line back to back: encode it whole.
    offsets = np.frombuffer(body.buffers()[1], dtype=np.int64)[
        body.offset : body.offset + len(body) + 1
    ]
    utf8 = memoryview(body.buffers()[2])[int(offsets[0]) : int(offsets[-1])]
    text = ";".join(header) + "\n" + str(utf8, "utf-8")
    path.write_bytes(text.encode("iso-8859-1", errors="replace"))
    return path


def write_issues(data: Data, path: Path) -> Path:
    """Write the Redmine issue list (every ticket), newest first."""
    t = data.tickets
    order = np.argsort(-t["key"], kind="stable")
    t = {k: v[order] for k, v in t.items()}
    people = [quote(p) for p in data.people]
    subject_codes = np.where(t["month"] >= 0, len(subjects(data)) + t["month"], t["subject"])
    closed = t["closed"]
    updated = np.where(closed >= 0, closed, t["created"] + 3600 * 24)
    updated = np.minimum(updated, t["closed_or_end"])
    estimate = t["estimate"]
    done = np.where(np.isin(t["status"], [3, 4, 5]), 100, np.where(t["status"] == 0, 0, 50))
    columns = [
        pc.cast(pa.array(t["key"]), pa.string()),
        _project_cells(data, t["contract"], t["project"]),
        _take(list(TRACKER_NAMES), t["tracker"]),
        _take(list(STATUS_NAMES), t["status"]),
        _take(list(vocab.PRIORITIES), t["priority"]),
        _take([quote(s) for s in _subject_cells(data)], subject_codes),
        _take(people, t["assignee"]),
        _take(people, t["author"]),
        _stamp(t["created"], "%d/%m/%Y %H:%M"),
        _stamp(updated, "%d/%m/%Y %H:%M"),
        pc.if_else(pa.array(closed >= 0), _stamp(np.maximum(closed, 0), "%d/%m/%Y %H:%M"), '""'),
        pc.if_else(pa.array(~np.isnan(estimate)), _decimal(np.nan_to_num(estimate)), '""'),
        _decimal(t["spent"]),
        pc.cast(pa.array(done), pa.string()),
    ]
    return _write_lines(path, ISSUE_HEADER, columns)


def write_time_log(data: Data, path: Path) -> Path:
    """Write the Redmine spent-time list, newest first (issue cell: ``Tracker #id: subject``)."""
    e = data.entries
    order = np.argsort(-e["day"], kind="stable")
    e = {k: v[order] for k, v in e.items()}
    t = data.tickets
    linked = e["ticket"] >= 0
    safe = np.maximum(e["ticket"], 0)
    texts = _subject_cells(data)
    needs = [quote(s) != s for s in texts]
    inner = [s.replace('"', '""') for s in texts]
    codes = _ticket_subject_codes(data)[safe]
    q = _take(['"' if n else "" for n in needs], codes)
    issue = pc.binary_join_element_wise(
        q,
        _take(list(TRACKER_NAMES), t["tracker"][safe]),
        pa.scalar(" #"),
        pc.cast(pa.array(t["key"][safe]), pa.string()),
        pa.scalar(": "),
        _take(inner, codes),
        q,
        "",
    )
    columns = [
        _stamp(e["day"] * DAY_S, "%d/%m/%Y"),
        _take([quote(p) for p in data.people], e["person"]),
        _take([quote(a) for a in vocab.ACTIVITIES], e["activity"]),
        _project_cells(data, e["contract"], e["project"]),
        pc.if_else(pa.array(linked), issue, '""'),
        _take([quote(c) for c in vocab.COMMENTS], e["comment"]),
        _decimal(e["hours"]),
    ]
    return _write_lines(path, TIME_HEADER, columns)


def contracts_toml(data: Data) -> str:
    """Return the contracts file of every generated contract."""
    c = data.contracts
    blocks = ["# Contrats du banc de mesure (générés : python -m tma_metrics bench).\n"]
    for i in range(len(c["index"])):
        projects = ", ".join(f'"{p}"' for p in project_names(data, i))
        lines = ["[[contract]]", f'name = "{contract_name(data, i)}"', f"projects = [{projects}]"]
        model = ("carnet", "subscription", "regie")[int(c["model"][i])]
        if model != "carnet":
            lines.append(f'model = "{model}"')
        if model == "subscription":
            lines.append(f"monthly_days = {int(c['monthly_days'][i])}")
        if c["hours_per_day"][i] != 8:
            lines.append(f"hours_per_day = {int(c['hours_per_day'][i])}")
        if c["margin"][i] != 0.25:
            lines.append(f"margin = {c['margin'][i]}")
        if model == "carnet":
            starts = (c["start"][i], c["renewal"][i])
            for start, days in zip(starts, (c["days_1"][i], c["days_2"][i]), strict=True):
                day = np.datetime64(int(start), "D")
                lines += ["", "[[contract.carnet]]", f"start = {day}", f"days = {int(days)}"]
        if c["moselle"][i]:
            lines += ["", "[contract.calendar]", 'holidays = "FR-57"']
        if c["always_open"][i]:
            lines += ["", "[contract.sla.bloquante]", 'calendar = "24/7"']
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)
