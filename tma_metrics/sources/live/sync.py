"""Run one sync: read the source, write it as ONE import, record the run beside the database.

A sync is an import: the same canonical tables, the same import history (listed,
undoable), one transaction. Whatever fails before the write (network, HTTP status,
JSON) leaves the database untouched; the run is still recorded, with its French
message, in the sources file (`state.SourceBook`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb
import pandas as pd

from tma_metrics.auth.write_scope import WriteScope
from tma_metrics.domain.model import ImportFormatError, ParsedFile
from tma_metrics.sources.live import jira, redmine
from tma_metrics.sources.live.errors import SyncError
from tma_metrics.sources.live.fetched import Fetched, Progress, Stale, no_progress
from tma_metrics.sources.live.http import HttpSettings
from tma_metrics.sources.live.secrets import SecretBox, credentials, secrets_path
from tma_metrics.sources.live.state import (
    SourceBook,
    SourceConfig,
    SyncRun,
    book_path,
    now_text,
    update_book,
)
from tma_metrics.sources.live.tables import digest, parse_tables, uid_frame
from tma_metrics.store import ImportReport, Store
from tma_metrics.store.sqlfiles import run

__all__ = ["ADAPTERS", "SyncReport", "paths_of", "run_sync", "stale_uids"]

ADAPTERS: dict[str, ModuleType] = {"redmine": redmine, "jira": jira}
#: Canonical table -> (store table, its day column for the reconciliation window).
_TABLES = {"tickets": ("ticket", "t.created_at"), "time_entries": ("time_entry", "t.date")}


@dataclass(frozen=True)
class SyncReport:
    """What one sync did (or why it did nothing)."""

    config: SourceConfig
    run: SyncRun
    since: datetime | None  # None: a full sync
    imported: ImportReport | None = None
    error_kind: str | None = None
    seconds: float = 0.0
    warnings: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.run.ok

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready report (``sync --json``); it never holds a credential."""
        return {
            "source": self.config.to_dict(),
            "label": self.config.label,
            "ok": self.ok,
            "error_kind": self.error_kind,
            "message": self.run.message,
            "full": self.since is None,
            "since": None if self.since is None else self.since.isoformat(),
            "seconds": round(self.seconds, 3),
            "requests": self.run.requests,
            "issues": self.run.issues,
            "import": None if self.imported is None else self.imported.to_dict(),
            "removed": self.run.removed,
        }


def paths_of(store: Store) -> tuple[Path, Path]:
    """Return the sources file and the secrets file beside the store's database."""
    if str(store.path) == ":memory:":
        raise SyncError(
            "Base en mémoire : attendu un fichier de base pour y ranger l'état des "
            "synchronisations.",
            kind="config",
        )
    return book_path(store.path), secrets_path(store.path)


def run_sync(
    store: Store,
    config: SourceConfig,
    *,
    full: bool = False,
    progress: Progress = no_progress,
    settings: HttpSettings | None = None,
    env: Mapping[str, str] | None = None,
    scope: WriteScope | None = None,
) -> SyncReport:
    """Sync ``config`` into ``store`` (incremental unless ``full``); record the run."""
    book_path, box_path = paths_of(store)
    started, began = now_text(), time.monotonic()
    start_instant = datetime.now(UTC)
    adapter = ADAPTERS[config.tool]
    client = None
    since = None
    try:
        since = None if full else SourceBook.load(book_path).cursor(config, store.history(scope))
        secrets = credentials(config, SecretBox(box_path), env)
        client = adapter.make_client(config, secrets, settings)
        fetched = adapter.fetch(client, config, since, progress)
        progress("Écriture dans la base", 0, 1)
        report = _write(store, config, fetched, scope)
        progress("Écriture dans la base", 1, 1)
    except SyncError as exc:
        return _failed(book_path, config, since, started, began, str(exc), exc.kind, client)
    except ImportFormatError as exc:
        return _failed(book_path, config, since, started, began, str(exc), "json", client)
    except duckdb.Error as exc:
        message = f"Écriture impossible dans la base ({exc}) : rien n'a été écrit."
        return _failed(book_path, config, since, started, began, message, "database", client)
    cursor = min(client.server_time or start_instant, start_instant)
    run_ = SyncRun(
        source_id=config.id,
        started_at=started,
        finished_at=now_text(),
        ok=True,
        message=_summary(report, fetched),
        full=since is None,
        batch_id=report.batch_id,
        added=report.added,
        updated=report.updated,
        removed=report.removed,
        unchanged=report.tickets.unchanged
        + report.time_entries.unchanged
        + report.status_history.unchanged,
        cursor=cursor.isoformat(),
        requests=client.requests,
        issues=fetched.issues,
    )
    kept = _record(book_path, config, run_)
    return SyncReport(
        config,
        run_,
        since,
        report,
        seconds=time.monotonic() - began,
        warnings=(*report.warnings, *kept),
    )


def _write(
    store: Store, config: SourceConfig, fetched: Fetched, scope: WriteScope | None
) -> ImportReport:
    def read(cur: duckdb.DuckDBPyConnection) -> ParsedFile:
        parsed = parse_tables(
            cur,
            fetched.tables,
            tool=fetched.tool,
            variant=fetched.variant,
            timezone=config.timezone,
        )
        parsed.warnings = list(dict.fromkeys([*fetched.warnings, *parsed.warnings]))
        removed: dict[str, list[str]] = {}
        for stale in fetched.stale:
            removed.setdefault(stale.table, []).extend(stale_uids(cur, stale, config))
        parsed.removed = {t: uid_frame(sorted(set(u))) for t, u in removed.items() if u}
        return parsed

    return store.import_parsed(read, name=config.label, digest=digest(fetched.tables), scope=scope)


def stale_uids(cur: duckdb.DuckDBPyConnection, stale: Stale, config: SourceConfig) -> list[str]:
    """Return the uids ``stale`` designates among rows written by syncs of this server."""
    table, day = _TABLES[stale.table]
    server = config.server_label + " — "
    found: list[str] = []
    if stale.explicit:
        params = {"server": server}
        found += _uids(cur, "queries/sync_deleted.sql", params, stale.explicit, (), table, day)
    if stale.reconcile:
        prefix = f"{config.tool}:id:" if stale.table == "time_entries" else f"{config.tool}:"
        params = {"server": server, "source": config.tool, "prefix": prefix, "since": stale.since}
        found += _uids(
            cur, "queries/sync_stale.sql", params, stale.seen, stale.projects, table, day
        )
    return found


def _uids(
    cur: duckdb.DuckDBPyConnection,
    sql: str,
    params: dict[str, object],
    seen: frozenset[str],
    projects: frozenset[str] | tuple[()],
    table: str,
    day: str,
) -> list[str]:
    cur.register("sync_seen", uid_frame(sorted(seen)))
    cur.register(
        "sync_projects", pd.DataFrame({"name": pd.Series(sorted(projects), dtype="string")})
    )
    try:
        return [r[0] for r in run(cur, sql, params, table=table, day=day).fetchall()]
    finally:
        cur.unregister("sync_seen")
        cur.unregister("sync_projects")


def _summary(report: ImportReport, fetched: Fetched) -> str:
    return (
        f"{fetched.issues} demande(s) lue(s) ; {report.added} ajout(s), "
        f"{report.updated} mise(s) à jour, {report.removed} retrait(s)"
    )


def _failed(
    book_path: Path,
    config: SourceConfig,
    since: datetime | None,
    started: str,
    began: float,
    message: str,
    kind: str,
    client: Any,
) -> SyncReport:
    run_ = SyncRun(
        source_id=config.id,
        started_at=started,
        finished_at=now_text(),
        ok=False,
        message=message,
        full=since is None,
        requests=getattr(client, "requests", 0),
    )
    kept = _record(book_path, config, run_)
    return SyncReport(
        config, run_, since, error_kind=kind, seconds=time.monotonic() - began, warnings=kept
    )


def _record(path: Path, config: SourceConfig, run_: SyncRun) -> tuple[str, ...]:
    """Record the run in the sources file; say so (never raise) when it cannot be written.

    The database is already written (or untouched): a sources file that cannot be
    written only costs the next sync its cursor (it then reads everything again).
    """

    def change(book: SourceBook) -> None:
        book.upsert(config)
        book.record(run_)

    try:
        update_book(path, change)
    except (SyncError, OSError) as exc:
        return (
            f"Le déroulé de cette synchronisation n'a pas pu être noté dans « {path} » ({exc}) : "
            "la prochaine relira tout.",
        )
    return ()
