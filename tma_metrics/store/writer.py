"""Write path: one transaction per imported file, idempotent merges, undo of an import."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

from tma_metrics.model import TICKET_COLUMNS, TIME_ENTRY_COLUMNS, ParsedFile, rejects
from tma_metrics.store.history_links import history_link_warnings
from tma_metrics.store.sqlfiles import run

#: canonical table -> (store table, staging script)
_TABLES = {
    "tickets": ("ticket", "imports/stage_tickets.sql"),
    "time_entries": ("time_entry", "imports/stage_time_entries.sql"),
}
_COLUMNS = {
    "ticket": ["uid", *TICKET_COLUMNS],
    "time_entry": ["uid", *TIME_ENTRY_COLUMNS],
}


@dataclass(frozen=True)
class TableCounts:
    """What an import did to one table."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    repeated: int = 0  # rows that appeared several times in the file (the last one kept)

    @property
    def total(self) -> int:
        return self.added + self.updated + self.unchanged


@dataclass(frozen=True)
class ImportReport:
    """The report shown after importing one file (French labels are the UI's job)."""

    file_name: str
    file_hash: str
    tool: str
    variant: str
    rows_read: int
    batch_id: int | None = None
    tickets: TableCounts = TableCounts()
    time_entries: TableCounts = TableCounts()
    status_history: TableCounts = TableCounts()
    rejected: pd.DataFrame = field(default_factory=rejects, compare=False)
    warnings: tuple[str, ...] = ()
    previous_batch: int | None = None  # an earlier import of the very same bytes
    error: str | None = None  # French message when nothing could be imported
    unrecognised: Any = field(default=None, compare=False)  # sources.UnrecognisedFormat

    @property
    def added(self) -> int:
        return self.tickets.added + self.time_entries.added + self.status_history.added

    @property
    def updated(self) -> int:
        return self.tickets.updated + self.time_entries.updated

    @property
    def imported(self) -> bool:
        """True when the file was read and written (even with rejected rows)."""
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (used by ``import --json``)."""
        return {
            "file": self.file_name,
            "sha256": self.file_hash,
            "tool": self.tool,
            "variant": self.variant,
            "batch_id": self.batch_id,
            "rows_read": self.rows_read,
            "tickets": self.tickets.__dict__,
            "time_entries": self.time_entries.__dict__,
            "status_history": self.status_history.__dict__,
            "rejected": len(self.rejected),
            "rejected_rows": json.loads(self.rejected.to_json(orient="records")),
            "warnings": list(self.warnings),
            "previous_batch": self.previous_batch,
            "error": self.error,
        }


def file_hash(data: bytes) -> str:
    """Return the SHA-256 of a file's bytes (identifies re-imports of the same file)."""
    return hashlib.sha256(data).hexdigest()


def write_parsed(
    cur: duckdb.DuckDBPyConnection,
    parsed: ParsedFile,
    *,
    file_name: str,
    digest: str,
    size: int,
) -> ImportReport:
    """Write a parsed file in ONE transaction and return what changed.

    Any failure rolls the whole file back: the database is never left half-written.
    """
    previous = cur.execute(
        "SELECT max(batch_id) FROM import_batch WHERE file_hash = $h AND undone_at IS NULL",
        {"h": digest},
    ).fetchall()[0][0]
    cur.execute("BEGIN TRANSACTION")
    try:
        batch = cur.execute("SELECT nextval('import_batch_seq')").fetchall()[0][0]
        counts: dict[str, TableCounts] = {}
        for name, (table, stage_sql) in _TABLES.items():
            relation = getattr(parsed, name)
            counts[name] = (
                _merge(cur, relation, table, stage_sql, batch)
                if relation is not None
                else TableCounts()
            )
        counts["status_history"] = (
            _merge_status(cur, parsed.status_history, batch)
            if parsed.status_history is not None
            else TableCounts()
        )
        warnings = list(parsed.warnings)
        if counts["status_history"].total:
            warnings += history_link_warnings(cur, batch)
        for label, c in (("demandes", counts["tickets"]), ("saisies", counts["time_entries"])):
            if c.repeated:
                warnings.append(
                    f"{c.repeated} {label} apparaissaient plusieurs fois dans le fichier : "
                    "la dernière occurrence a été gardée."
                )
        if len(parsed.rejected):
            cur.register("rejected_rows", parsed.rejected)
            cur.execute(
                'INSERT INTO rejected_row SELECT $batch, line, "column", raw, reason '
                "FROM rejected_rows",
                {"batch": batch},
            )
            cur.unregister("rejected_rows")
        added = sum(c.added for c in counts.values())
        updated = sum(c.updated for c in counts.values())
        unchanged = sum(c.unchanged for c in counts.values())
        cur.execute(
            """INSERT INTO import_batch VALUES ($batch, $file, $hash, $size, $tool, $variant,
               $at, $read, $added, $updated, $unchanged, $rejected, $warnings, NULL)""",
            {
                "batch": batch,
                "file": file_name,
                "hash": digest,
                "size": size,
                "tool": parsed.tool,
                "variant": parsed.variant,
                "at": datetime.now(),
                "read": parsed.rows_read,
                "added": added,
                "updated": updated,
                "unchanged": unchanged,
                "rejected": len(parsed.rejected),
                "warnings": json.dumps(warnings, ensure_ascii=False),
            },
        )
        cur.execute("COMMIT")
    except Exception:
        cur.execute("ROLLBACK")
        raise
    finally:
        cur.execute("DROP TABLE IF EXISTS stage")
    return ImportReport(
        file_name=file_name,
        file_hash=digest,
        tool=parsed.tool,
        variant=parsed.variant,
        rows_read=parsed.rows_read,
        batch_id=batch,
        tickets=counts["tickets"],
        time_entries=counts["time_entries"],
        status_history=counts["status_history"],
        rejected=parsed.rejected,
        warnings=tuple(warnings),
        previous_batch=previous,
    )


def _merge(
    cur: duckdb.DuckDBPyConnection, relation: Any, table: str, stage_sql: str, batch: int
) -> TableCounts:
    relation.create_view("incoming", replace=True)
    try:
        run(cur, stage_sql)
        added, updated, unchanged, repeated = run(
            cur, "imports/count_stage.sql", table=table
        ).fetchall()[0]
        run(cur, "imports/merge.sql", {"batch": batch}, table=table, columns=_column_list(table))
    finally:
        cur.execute("DROP VIEW IF EXISTS incoming")
    return TableCounts(int(added), int(updated), int(unchanged), int(repeated))


def _merge_status(cur: duckdb.DuckDBPyConnection, relation: Any, batch: int) -> TableCounts:
    if "project" not in relation.columns:  # a writer that predates the project column
        relation = relation.select("*, NULL::VARCHAR AS project")
    relation.create_view("incoming", replace=True)
    try:
        added, updated, unchanged, repeated = run(cur, "imports/count_status.sql").fetchall()[0]
        run(cur, "imports/merge_status.sql", {"batch": batch})
    finally:
        cur.execute("DROP VIEW IF EXISTS incoming")
    return TableCounts(int(added), int(updated), int(unchanged), int(repeated))


def _column_list(table: str) -> str:
    return ", ".join(f'"{c}"' for c in _COLUMNS[table])


class UndoError(ValueError):
    """An import cannot be undone (unknown, or already undone); message in French."""


def undo_import(cur: duckdb.DuckDBPyConnection, batch: int) -> None:
    """Undo a whole import in one transaction: its rows go back to what they were before.

    Rows that a later import rewrote keep the later version (the newer export is the
    truth); undoing that later import afterwards restores what preceded both.
    """
    rows = cur.execute(
        "SELECT undone_at FROM import_batch WHERE batch_id = $b", {"b": batch}
    ).fetchall()
    row = rows[0] if rows else None
    if row is None:
        raise UndoError(f"Import n° {batch} introuvable dans l'historique.")
    if row[0] is not None:
        raise UndoError(f"L'import n° {batch} a déjà été annulé le {row[0]:%d/%m/%Y à %H:%M}.")
    cur.execute("BEGIN TRANSACTION")
    try:
        for table in ("ticket", "time_entry"):
            run(cur, "imports/undo.sql", {"batch": batch}, table=table)
        cur.execute("DELETE FROM status_change WHERE batch_id = $b", {"b": batch})
        cur.execute(
            "UPDATE import_batch SET undone_at = $at WHERE batch_id = $b",
            {"at": datetime.now(), "b": batch},
        )
        cur.execute("COMMIT")
    except Exception:
        cur.execute("ROLLBACK")
        raise
