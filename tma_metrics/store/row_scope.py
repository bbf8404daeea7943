"""Check staged rows against the writer's scope: refuse the others, record the contracts.

Every function works on the temp tables of one write (``stage``, ``status_stage``) in
set-based SQL (sql/scope/*.sql): rows are classified by distinct project spellings and
(ticket, project) combinations, never one by one in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from tma_metrics.auth.write_scope import WriteScope
from tma_metrics.domain.model import REJECT_COLUMNS, rejects
from tma_metrics.errors import AccessDenied
from tma_metrics.store.sqlfiles import run

__all__ = [
    "ScopeTally",
    "check_entries",
    "check_status",
    "check_tickets",
    "check_undo",
    "close_scope",
    "open_scope",
    "refusal_reason",
    "refused_rows",
]

_LABELS = "scope_label"


@dataclass
class ScopeTally:
    """What the checks of one import found: contracts touched, rows outside any."""

    contracts: set[str] = field(default_factory=set)
    outside_rows: int = 0

    def add(
        self, cur: duckdb.DuckDBPyConnection, query: str, params: dict[str, object] | None = None
    ) -> None:
        """Add the contracts and outside-row count a (contracts list, count) query gives."""
        names, outside = cur.execute(query, params or {}).fetchall()[0]
        self.contracts.update(names or ())
        self.outside_rows += int(outside or 0)


def open_scope(cur: duckdb.DuckDBPyConnection, scope: WriteScope) -> None:
    """Register the writer's labels (``scope_label``); create ``refused`` and ``file_ticket``."""
    labels = pd.DataFrame(scope.labels(), columns=["label", "contract", "allowed"])
    cur.register(_LABELS, labels.astype({"label": "string", "contract": "string", "allowed": bool}))
    cur.execute(
        'CREATE OR REPLACE TEMP TABLE refused (line BIGINT, "column" VARCHAR, raw VARCHAR, '
        "reason VARCHAR)"
    )
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE file_ticket (source VARCHAR, key VARCHAR, "
        "project VARCHAR, project_name VARCHAR, refused BOOLEAN)"
    )


def close_scope(cur: duckdb.DuckDBPyConnection) -> None:
    """Drop what `open_scope` and the checks created."""
    cur.unregister(_LABELS)
    for table in (
        "refused", "file_ticket", "stage_scope", "entry_combo", "combo_scope", "status_scope"
    ):  # fmt: skip
        cur.execute(f"DROP TABLE IF EXISTS {table}")  # constant names of ours


def refusal_reason(scope: WriteScope) -> str:
    """Return the French reason given for a row outside the writer's contracts.

    >>> from tma_metrics.auth.principal import Principal, Role
    >>> reason = refusal_reason(WriteScope(Principal("paul", "Paul", Role.PM, ("Lyon", "Brest"))))
    >>> reason.split(" : ")[1]
    'attendu une demande ou un projet de « Brest » ou « Lyon » ; ligne non importée.'
    """
    names = " ou ".join(f"« {name} »" for name in sorted(scope.assigned())) or "vos contrats"
    return (
        f"Hors de vos contrats : attendu une demande ou un projet de {names} ; ligne non importée."
    )


def check_tickets(cur: duckdb.DuckDBPyConnection, scope: WriteScope, tally: ScopeTally) -> None:
    """Classify the staged tickets; move those outside the scope to ``refused``."""
    run(cur, "scope/tickets.sql", {"everything": scope.everything})
    if not scope.everything:
        run(cur, "scope/refuse_tickets.sql", {"reason": refusal_reason(scope)})
    tally.add(
        cur,
        "SELECT flatten(list(contracts)), count(*) FILTER (WHERE outside) FROM stage_scope "
        "WHERE uid IN (SELECT uid FROM stage)",
    )


def check_entries(cur: duckdb.DuckDBPyConnection, scope: WriteScope, tally: ScopeTally) -> None:
    """Classify the staged time entries; move those outside the scope to ``refused``."""
    run(cur, "scope/entries.sql")
    if not scope.everything:
        run(cur, "scope/refuse_entries.sql", {"reason": refusal_reason(scope)})
    # A refused combination has no row left in stage; the others keep their count.
    tally.add(
        cur,
        "SELECT flatten(list(contracts)), coalesce(sum(incoming) FILTER (WHERE outside), 0) "
        "FROM combo_scope WHERE incoming > 0 AND (in_scope OR $everything)",
        {"everything": scope.everything},
    )


def check_status(cur: duckdb.DuckDBPyConnection, scope: WriteScope, tally: ScopeTally) -> None:
    """Classify the staged status changes; move those outside the scope to ``refused``."""
    run(cur, "scope/status.sql")
    if not scope.everything:
        run(cur, "scope/refuse_status.sql", {"reason": refusal_reason(scope)})
    tally.add(
        cur,
        "SELECT flatten(list(c.contracts)), count(*) FILTER (WHERE c.outside) "
        "FROM status_stage s JOIN status_scope c USING (source, ticket_key)",
    )


def refused_rows(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Return the rows refused so far, as a rejected-rows table."""
    found = cur.execute('SELECT line, "column", raw, reason FROM refused ORDER BY line').df()
    return found.astype(REJECT_COLUMNS) if len(found) else rejects()


def check_undo(cur: duckdb.DuckDBPyConnection, scope: WriteScope, batch: int) -> None:
    """Raise `AccessDenied` when undoing ``batch`` would change a row outside the scope.

    Runs after ``undo_plan`` of a table was built: the rows whose version changes are
    checked as they are now and as they will be (the restored version, or the removed
    row). A manager passes without any query.
    """
    if scope.everything:
        return
    outside = _undo_rows_outside(cur, scope, batch)
    if outside:
        raise AccessDenied(
            f"Annulation refusée : l'import n° {batch} a touché {outside} ligne(s) hors de "
            "vos contrats ; seul un responsable peut l'annuler."
        )


def _undo_rows_outside(cur: duckdb.DuckDBPyConnection, scope: WriteScope, batch: int) -> int:
    """Count the rows of the pending undo (``undo_plan_*`` tables) outside the scope."""
    open_scope(cur, scope)
    try:
        outside = 0
        run(cur, "scope/undo_stage_tickets.sql")
        run(cur, "scope/tickets.sql", {"everything": False})
        outside += cur.execute("SELECT count(*) FROM stage_scope WHERE NOT in_scope").fetchall()[0][
            0
        ]
        run(cur, "scope/undo_stage_entries.sql")
        run(cur, "scope/entries.sql")
        outside += cur.execute("SELECT count(*) FROM combo_scope WHERE NOT in_scope").fetchall()[0][
            0
        ]
        run(cur, "scope/undo_stage_status.sql", {"batch": batch})
        run(cur, "scope/status.sql")
        outside += cur.execute("SELECT count(*) FROM status_scope WHERE NOT in_scope").fetchall()[
            0
        ][0]
        return int(outside)
    finally:
        for table in ("stage", "status_stage"):
            cur.execute(f"DROP TABLE IF EXISTS {table}")  # constant names of ours
        close_scope(cur)
