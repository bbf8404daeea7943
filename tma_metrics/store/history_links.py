"""Say, after an import of status changes, which of them apply to no ticket (French)."""

from __future__ import annotations

import duckdb

from tma_metrics.store.sqlfiles import run

__all__ = ["NAMED_KEYS", "history_link_warnings"]

#: Ticket keys named in the warning, at most.
NAMED_KEYS = 5


def history_link_warnings(cur: duckdb.DuckDBPyConnection, batch: int) -> list[str]:
    """Return the French warnings about the status changes of ``batch`` linked to no ticket.

    A status change applies to the ticket with its key, whatever tool the ticket came
    from (the view ``status_link``); one that names no imported ticket is kept (the
    tickets may be imported later) but counts for nothing until then.
    """
    rows, linked, unlinked_keys, named, ambiguous = run(
        cur, "queries/history_links.sql", {"batch": batch, "named": NAMED_KEYS}
    ).fetchall()[0]
    if not rows or linked == rows:
        return []
    keys = ", ".join(named or [])
    if unlinked_keys > len(named or []):
        keys += f" et {unlinked_keys - len(named or [])} autre(s)"
    if linked == 0:
        found = [
            f"Aucune des {rows} ligne(s) de l'historique des statuts ne correspond à une "
            f"demande importée (demandes {keys}) : importez l'export des demandes de ces "
            "numéros (avant ou après l'historique) ; l'historique s'applique aux demandes "
            "de même numéro, quel que soit l'outil d'où elles viennent."
        ]
    else:
        found = [
            f"{rows - linked} ligne(s) sur {rows} de l'historique des statuts ne "
            f"correspondent à aucune demande importée (demandes {keys}) : elles "
            "s'appliqueront dès l'import des demandes de ces numéros."
        ]
    if ambiguous:
        found.append(
            f"{ambiguous} numéro(s) de demande existent dans plusieurs outils : ajoutez "
            "la colonne « Projet » à l'historique des statuts pour dire à quelle demande "
            "chaque ligne s'applique."
        )
    return found
