"""The import report as French text (CLI output, and the UI's summary line)."""

from __future__ import annotations

from tma_metrics.french import formats as fr
from tma_metrics.store.writer import ImportReport

__all__ = ["MAX_LISTED_REJECTS", "counts_line", "import_report_text"]

#: Rejected rows printed in full before the text points to the CSV / JSON.
MAX_LISTED_REJECTS = 20


def counts_line(report: ImportReport) -> str:
    """One line of counts: read, added, updated, unchanged, rejected."""
    unchanged = (
        report.tickets.unchanged + report.time_entries.unchanged + report.status_history.unchanged
    )
    return (
        f"Lignes lues : {fr.number(report.rows_read, 0)} · ajoutées : "
        f"{fr.number(report.added, 0)} · mises à jour : {fr.number(report.updated, 0)} · "
        f"inchangées : {fr.number(unchanged, 0)} · rejetées : "
        f"{fr.number(len(report.rejected), 0)}"
    )


def import_report_text(report: ImportReport) -> str:
    """Return the full French report of one imported file."""
    lines = [f"Fichier : {report.file_name}"]
    if report.error:
        lines.append(f"Rien n'a été importé. {report.error}")
        return "\n".join(lines)
    lines.append(f"Reconnu : {report.variant or report.tool} (import n° {report.batch_id})")
    lines.append(counts_line(report))
    detail = []
    for label, c in (
        ("demandes", report.tickets),
        ("saisies de temps", report.time_entries),
        ("changements de statut", report.status_history),
    ):
        if c.total:
            detail.append(
                f"{label} : {fr.number(c.added, 0)} ajoutées, {fr.number(c.updated, 0)} "
                f"mises à jour, {fr.number(c.unchanged, 0)} inchangées"
            )
    if detail:
        lines.append("Dont " + " ; ".join(detail) + ".")
    if report.previous_batch is not None:
        lines.append(
            f"Ce fichier identique avait déjà été importé (import n° {report.previous_batch}) : "
            "rien n'a été dupliqué."
        )
    if len(report.rejected):
        lines.append("Lignes rejetées :")
        for row in report.rejected.head(MAX_LISTED_REJECTS).itertuples(index=False):
            where = f"ligne {row.line}" if row.line is not None else "fichier"
            column = f", colonne « {row.column} »" if isinstance(row.column, str) else ""
            raw = f" : « {row.raw} »" if isinstance(row.raw, str) else ""
            lines.append(f"  - {where}{column}{raw} — {row.reason}")
        rest = len(report.rejected) - MAX_LISTED_REJECTS
        if rest > 0:
            lines.append(f"  … et {fr.number(rest, 0)} autres (détail complet avec --json).")
    if report.warnings:
        lines.append("Avertissements :")
        lines.extend(f"  - {w}" for w in report.warnings)
    return "\n".join(lines)
