"""Write path: one transaction per imported file, idempotent merges, undo of an import."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from typing import Any

import duckdb
import pandas as pd

from tma_metrics.auth.write_scope import WriteScope
from tma_metrics.domain.model import TICKET_COLUMNS, TIME_ENTRY_COLUMNS, ParsedFile, rejects
from tma_metrics.errors import StorageError
from tma_metrics.store import row_scope
from tma_metrics.store.history_links import history_link_warnings
from tma_metrics.store.sqlfiles import run

__all__ = ["ImportReport", "TableCounts", "UndoError", "file_hash", "undo_import", "write_parsed"]

#: canonical table -> (store table, staging script, scope check)
_TABLES = {
    "tickets": ("ticket", "imports/stage_tickets.sql", row_scope.check_tickets),
    "time_entries": ("time_entry", "imports/stage_time_entries.sql", row_scope.check_entries),
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
    removed: int = 0  # rows a live sync saw deleted at the source (archived, undoable)

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
    out_of_scope: int = 0  # rows refused: outside the importing user's contracts
    error: str | None = None  # French message when nothing could be imported
    unrecognised: Any = field(default=None, compare=False)  # sources.UnrecognisedFormat

    @property
    def added(self) -> int:
        return self.tickets.added + self.time_entries.added + self.status_history.added

    @property
    def updated(self) -> int:
        return self.tickets.updated + self.time_entries.updated

    @property
    def removed(self) -> int:
        return self.tickets.removed + self.time_entries.removed

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
            "out_of_scope": self.out_of_scope,
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
    scope: WriteScope,
) -> ImportReport:
    """Write a parsed file in ONE transaction and return what changed.

    Rows outside ``scope`` are refused (rejected rows with a French reason, counted in
    ``out_of_scope``); a role that may not import raises `AccessDenied` before anything
    is read. Any failure rolls the whole file back: the database is never left
    half-written.
    """
    scope.require("import")
    previous = cur.execute(
        "SELECT max(batch_id) FROM import_batch WHERE file_hash = $h AND undone_at IS NULL",
        {"h": digest},
    ).fetchall()[0][0]
    row_scope.open_scope(cur, scope)
    tally = row_scope.ScopeTally()
    cur.execute("BEGIN TRANSACTION")
    try:
        batch = cur.execute("SELECT nextval('import_batch_seq')").fetchall()[0][0]
        counts = _write_tables(cur, parsed, batch, scope, tally)
        refused = row_scope.refused_rows(cur)
        rejected = _keep_rejected(cur, batch, parsed.rejected, refused)
        warnings = _warnings(parsed, counts, len(refused))
        if counts["status_history"].total:
            warnings += history_link_warnings(cur, batch)
        _record_batch(
            cur,
            batch,
            parsed,
            counts,
            file_name=file_name,
            digest=digest,
            size=size,
            rejected=len(rejected),
            warnings=warnings,
            scope=scope,
            tally=tally,
            refused=len(refused),
        )
        cur.execute("COMMIT")
    except Exception:
        cur.execute("ROLLBACK")
        raise
    finally:
        cur.execute("DROP TABLE IF EXISTS stage")
        cur.execute("DROP TABLE IF EXISTS status_stage")
        row_scope.close_scope(cur)
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
        rejected=rejected,
        warnings=tuple(warnings),
        previous_batch=previous,
        out_of_scope=len(refused),
    )


def _write_tables(
    cur: duckdb.DuckDBPyConnection,
    parsed: ParsedFile,
    batch: int,
    scope: WriteScope,
    tally: row_scope.ScopeTally,
) -> dict[str, TableCounts]:
    """Remove what a live sync saw deleted, then merge the file's tickets, time entries
    and status changes (in that order: the entries and changes are checked against the
    file's tickets; a uid removed and sent again in the same batch is re-added)."""
    gone = {
        name: _remove(cur, uids, _TABLES[name][0], batch) for name, uids in parsed.removed.items()
    }
    counts: dict[str, TableCounts] = {}
    for name, (table, stage_sql, check) in _TABLES.items():
        relation = getattr(parsed, name)
        counts[name] = (
            _merge(cur, relation, table, stage_sql, batch, partial(check, cur, scope, tally))
            if relation is not None
            else TableCounts()
        )
        counts[name] = replace(counts[name], removed=gone.get(name, 0))
    counts["status_history"] = (
        _merge_status(cur, parsed.status_history, batch, scope, tally)
        if parsed.status_history is not None
        else TableCounts()
    )
    return counts


def _keep_rejected(
    cur: duckdb.DuckDBPyConnection, batch: int, parsed: pd.DataFrame, refused: pd.DataFrame
) -> pd.DataFrame:
    """Store the rows rejected by the reader and those refused by the scope; return both."""
    if len(parsed):
        cur.register("rejected_rows", parsed)
        cur.execute(
            'INSERT INTO rejected_row SELECT $batch, line, "column", raw, reason '
            "FROM rejected_rows",
            {"batch": batch},
        )
        cur.unregister("rejected_rows")
    if not len(refused):
        return parsed
    cur.execute(
        'INSERT INTO rejected_row SELECT $batch, line, "column", raw, reason FROM refused',
        {"batch": batch},
    )
    return pd.concat([parsed, refused], ignore_index=True) if len(parsed) else refused


def _warnings(parsed: ParsedFile, counts: dict[str, TableCounts], refused: int) -> list[str]:
    warnings = list(parsed.warnings)
    for label, c in (("demandes", counts["tickets"]), ("saisies", counts["time_entries"])):
        if c.repeated:
            warnings.append(
                f"{c.repeated} {label} apparaissaient plusieurs fois dans le fichier : "
                "la dernière occurrence a été gardée."
            )
    warnings += _removal_warnings(counts)
    if refused:
        warnings.append(
            f"{refused} ligne(s) hors de vos contrats refusée(s) : voir les lignes rejetées."
        )
    return warnings


def _record_batch(
    cur: duckdb.DuckDBPyConnection,
    batch: int,
    parsed: ParsedFile,
    counts: dict[str, TableCounts],
    *,
    file_name: str,
    digest: str,
    size: int,
    rejected: int,
    warnings: list[str],
    scope: WriteScope,
    tally: row_scope.ScopeTally,
    refused: int,
) -> None:
    """Add the import to the history, with who made it and the contracts it touched."""
    cur.execute(
        """INSERT INTO import_batch (batch_id, file_name, file_hash, file_bytes, tool, variant,
               imported_at, rows_read, added, updated, unchanged, rejected, warnings,
               undone_at, imported_by, contracts, outside_rows, out_of_scope)
           VALUES ($batch, $file, $hash, $size, $tool, $variant, $at, $read, $added,
               $updated, $unchanged, $rejected, $warnings, NULL, $by, $contracts, $outside,
               $refused)""",
        {
            "batch": batch,
            "file": file_name,
            "hash": digest,
            "size": size,
            "tool": parsed.tool,
            "variant": parsed.variant,
            "at": datetime.now(),
            "read": parsed.rows_read,
            "added": sum(c.added for c in counts.values()),
            "updated": sum(c.updated for c in counts.values()),
            "unchanged": sum(c.unchanged for c in counts.values()),
            "rejected": rejected,
            "warnings": json.dumps(warnings, ensure_ascii=False),
            "by": scope.login,
            "contracts": json.dumps(sorted(tally.contracts), ensure_ascii=False),
            "outside": tally.outside_rows,
            "refused": refused,
        },
    )


def _merge(
    cur: duckdb.DuckDBPyConnection,
    relation: Any,
    table: str,
    stage_sql: str,
    batch: int,
    check: Callable[[], None],
) -> TableCounts:
    relation.create_view("incoming", replace=True)
    try:
        run(cur, stage_sql)
        check()
        added, updated, unchanged, repeated = run(
            cur, "imports/count_stage.sql", table=table
        ).fetchall()[0]
        run(cur, "imports/merge.sql", {"batch": batch}, table=table, columns=_column_list(table))
    finally:
        cur.execute("DROP VIEW IF EXISTS incoming")
    return TableCounts(int(added), int(updated), int(unchanged), int(repeated))


def _merge_status(
    cur: duckdb.DuckDBPyConnection,
    relation: Any,
    batch: int,
    scope: WriteScope,
    tally: row_scope.ScopeTally,
) -> TableCounts:
    if "project" not in relation.columns:  # a writer that predates the project column
        relation = relation.select("*, NULL::VARCHAR AS project")
    relation.create_view("incoming", replace=True)
    try:
        line = '"_line"' if "_line" in relation.columns else "NULL"
        run(cur, "imports/stage_status.sql", line=line)
        row_scope.check_status(cur, scope, tally)
        added, updated, unchanged, repeated = run(cur, "imports/count_status.sql").fetchall()[0]
        run(cur, "imports/merge_status.sql", {"batch": batch})
    finally:
        cur.execute("DROP VIEW IF EXISTS incoming")
    return TableCounts(int(added), int(updated), int(unchanged), int(repeated))


def _removal_warnings(counts: dict[str, TableCounts]) -> list[str]:
    """Say, in French, how many rows deleted at the source were removed."""
    found = []
    for label, c in (("demandes", counts["tickets"]), ("saisies", counts["time_entries"])):
        if c.removed == 1:
            found.append(
                f"1 {label.removesuffix('s')} supprimée à la source a été retirée "
                "(annuler cet import la rétablit)."
            )
        elif c.removed:
            found.append(
                f"{c.removed} {label} supprimées à la source ont été retirées "
                "(annuler cet import les rétablit)."
            )
    return found


def _remove(cur: duckdb.DuckDBPyConnection, uids: pd.DataFrame, table: str, batch: int) -> int:
    """Archive then delete the rows of ``table`` whose uid is in ``uids``; return how many.

    The batch records each removal (``{table}_removed``): undoing it puts back the
    version the newest import still holding the row brought.
    """
    cur.register("removed_uids", uids[["uid"]].astype("string"))
    try:
        found = cur.execute(
            f"SELECT count(*) FROM {table} WHERE uid IN (SELECT uid FROM removed_uids)"
        ).fetchall()[0][0]
        run(cur, "imports/remove.sql", {"batch": batch}, table=table)
    finally:
        cur.unregister("removed_uids")
    return int(found)


def _column_list(table: str) -> str:
    return ", ".join(f'"{c}"' for c in _COLUMNS[table])


class UndoError(StorageError, ValueError):
    """An import cannot be undone (unknown, or already undone); message in French."""


def undo_import(cur: duckdb.DuckDBPyConnection, batch: int, scope: WriteScope) -> None:
    """Undo a whole import in one transaction, within ``scope``.

    The import stops holding its rows: a row no other active import holds is removed; a
    row others hold gets the version the newest of them brought (so undoing an older
    import never removes what a later one also brought, and undoing a later one restores
    what it replaced). A project manager undoes only the imports of their contracts,
    and only if no row the undo would change is outside them (`AccessDenied`).
    """
    scope.require("undo")
    rows = cur.execute(
        "SELECT undone_at, contracts, outside_rows, imported_by FROM import_batch "
        "WHERE batch_id = $b",
        {"b": batch},
    ).fetchall()
    row = rows[0] if rows else None
    if row is None or not scope.sees_import(row[1], row[2], row[3]):
        raise UndoError(f"Import n° {batch} introuvable dans l'historique.")
    if row[0] is not None:
        raise UndoError(f"L'import n° {batch} a déjà été annulé le {row[0]:%d/%m/%Y à %H:%M}.")
    cur.execute("BEGIN TRANSACTION")
    try:
        for table in _HELD_TABLES:
            run(cur, "imports/undo_plan.sql", {"batch": batch}, table=table)
        row_scope.check_undo(cur, scope, batch)
        for table in _HELD_TABLES:
            run(cur, "imports/undo.sql", {"batch": batch}, table=table)
            run(cur, "imports/undo_removals.sql", {"batch": batch}, table=table)
        cur.execute("DELETE FROM status_change WHERE batch_id = $b", {"b": batch})
        cur.execute(
            "UPDATE import_batch SET undone_at = $at WHERE batch_id = $b",
            {"at": datetime.now(), "b": batch},
        )
        cur.execute("COMMIT")
    except Exception:
        cur.execute("ROLLBACK")
        raise
    finally:
        for table in _HELD_TABLES:
            cur.execute(f"DROP TABLE IF EXISTS undo_plan_{table}")  # constant names


_HELD_TABLES = ("ticket", "time_entry")
