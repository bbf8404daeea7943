"""From the text cells a live adapter collected to a `ParsedFile`, through the CSV engine.

A sync does not parse values itself: it lays the API's values out as text columns and
hands them to the same engine (`sources.engine`) and SQL macros as a CSV export, with
a `TablePlan` per table. Timestamps keep their UTC offset (``2026-10-05T13:47:54Z``)
and become the contract's wall-clock time exactly as offset-bearing exports do.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from tma_metrics.domain.model import ParsedFile, rejects
from tma_metrics.sources import engine
from tma_metrics.sources.macros import install_macros
from tma_metrics.sources.plan import TablePlan
from tma_metrics.sources.source import from_rows

#: Openings of the engine's notes (`labels.table_notes`) about event dates a file lacks:
#: a sync reads the status history, which dates those events.
_DATED_BY_HISTORY = (
    "Aucune date de première réponse",
    "Aucune date de résolution",
    "Pas de date de résolution",
)


@dataclass
class TextTable:
    """The rows of one canonical table as text cells ('' for empty), with their plan."""

    plan: TablePlan
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)  # the tool's number of each row (reports)


def cell(value: object) -> str:
    """Return a JSON value as a text cell: numbers without exponent, None as ''.

    >>> [cell(1.5), cell(8.0), cell(None), cell(12), cell("x")]
    ['1.5', '8', '', '12', 'x']
    """
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return str(value)


def digest(tables: Sequence[TextTable]) -> str:
    """Return a SHA-256 of the content read (the same content gives the same digest)."""
    hashed = hashlib.sha256()
    for table in tables:
        ordered = sorted(zip(table.ids, table.rows, strict=True), key=lambda p: (p[0], p[1]))
        hashed.update(json.dumps([table.plan.table, ordered], ensure_ascii=False).encode())
    return hashed.hexdigest()


def parse_tables(
    con: duckdb.DuckDBPyConnection,
    tables: Sequence[TextTable],
    *,
    tool: str,
    variant: str,
    timezone: str,
) -> ParsedFile:
    """Materialise each non-empty table with its plan; return them as one `ParsedFile`."""
    install_macros(con)
    relations: dict[str, object] = {}
    rejected: list[pd.DataFrame] = []
    warnings: list[str] = []
    rows_read = 0
    history = any(t.plan.table == "status_history" and t.rows for t in tables)
    for table in tables:
        if not table.rows:
            continue
        lines = table.ids or list(range(1, len(table.rows) + 1))
        source = from_rows(con, table.header, table.rows, lines, label="synchronisation")
        try:
            built = engine.materialise(con, source, table.plan, timezone=timezone)
        finally:
            source.release(con)
        if table.plan.counts_rows:
            rows_read += built.rows_read
        relations[table.plan.table] = built.relation
        warnings += [w for w in built.warnings if not (history and w.startswith(_DATED_BY_HISTORY))]
        if len(built.rejected):
            rejected.append(built.rejected)
    return ParsedFile(
        tool=tool,
        variant=variant,
        rows_read=rows_read,
        tickets=relations.get("tickets"),
        time_entries=relations.get("time_entries"),
        status_history=relations.get("status_history"),
        rejected=pd.concat(rejected, ignore_index=True) if rejected else rejects(),
        warnings=list(dict.fromkeys(warnings)),
    )


def uid_frame(uids: Sequence[str]) -> pd.DataFrame:
    """Return the one-column frame of uids the store's removal reads."""
    return pd.DataFrame({"uid": pd.Series(list(uids), dtype="string")})


__all__ = ["TextTable", "cell", "digest", "parse_tables", "uid_frame"]
