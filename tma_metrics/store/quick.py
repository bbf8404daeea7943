"""A visitor's private store (Solde rapide): in memory, never on disk, never shared.

`PrivateStore` is a `Store` on DuckDB's ``:memory:`` with spilling to disk turned off
(an in-memory DuckDB otherwise writes its overflow to ``./.tmp``): what a visitor
uploads lives in this process's memory for the length of the session and nowhere else.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from tma_metrics.store import ImportReport, Store
from tma_metrics.store.sqlfiles import frame, run

__all__ = ["UNNAMED_PROJECT", "PrivateStore"]

#: Project label given to rows whose export names no project, so a carnet covers them.
UNNAMED_PROJECT = "(sans projet)"


class PrivateStore(Store):
    """An in-memory store that never writes a byte to disk."""

    def __init__(self) -> None:
        super().__init__(":memory:")
        # '' turns offloading off: past its memory limit DuckDB fails instead of writing
        self.cursor().execute("SET temp_directory = ''")

    def import_file(
        self,
        data: bytes | Path,
        file_name: str | None = None,
        *,
        source: str = "auto",
        mapping: object | None = None,
    ) -> ImportReport:
        """Import one file; running out of memory is a refusal, not a crash."""
        try:
            return super().import_file(data, file_name, source=source, mapping=mapping)
        except duckdb.OutOfMemoryException:
            return ImportReport(
                file_name=file_name or "fichier",
                file_hash="",
                tool="",
                variant="",
                rows_read=0,
                error=(
                    "Fichier trop gros pour cette page : attendu un fichier que la mémoire "
                    "réservée à votre session peut lire, trouvé un fichier qui la dépasse."
                ),
            )

    def name_unnamed_rows(self, label: str = UNNAMED_PROJECT) -> None:
        """Give ``label`` to the tickets and ticketless entries that name no project."""
        with self._write_lock:
            cur = self.cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                run(cur, "queries/quick_name_unnamed.sql", {"label": label})
                cur.execute("COMMIT")
            except Exception:
                cur.execute("ROLLBACK")
                raise

    def projects(self) -> pd.DataFrame:
        """Return the projects found: ``project``, ``tickets``, ``time_entries``, ``hours``,
        ``first_day``, ``last_day`` (of the time entries), most hours first."""
        return frame(self.cursor(), "queries/quick_projects.sql")
