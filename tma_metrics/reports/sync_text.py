"""The sync report as French text (the ``sync`` command's output, one block per run)."""

from __future__ import annotations

import zoneinfo

from tma_metrics.french import formats as fr
from tma_metrics.reports.import_text import counts_line
from tma_metrics.sources.live import SyncReport
from tma_metrics.sources.live.fetched import OVERLAP

__all__ = ["mode_text", "sync_report_text"]


def mode_text(report: SyncReport) -> str:
    """Say whether the sync was full or incremental, and from when (local time)."""
    if report.since is None:
        return "complète (tout relu)"
    local = report.since.astimezone(zoneinfo.ZoneInfo(report.config.timezone))
    return (
        f"incrémentale : modifications depuis le {fr.timestamp(local.replace(tzinfo=None))} "
        f"({report.config.timezone}, avec {int(OVERLAP.total_seconds() // 60)} min de "
        "recouvrement)"
    )


def sync_report_text(report: SyncReport) -> str:
    """Return the full French report of one sync (the log of a cron job reads it)."""
    run = report.run
    lines = [
        f"{run.started_at.replace('T', ' ')} — Synchronisation {report.config.label}",
        f"Mode : {mode_text(report)}",
    ]
    if not report.ok:
        lines.append(f"ÉCHEC : {run.message}")
        lines.append(
            f"Rien n'a été écrit dans la base ({fr.number(run.requests, 0)} requête(s), "
            f"{fr.number(report.seconds)} s)."
        )
        lines.extend(f"Avertissement : {w}" for w in report.warnings)
        return "\n".join(lines)
    imported = report.imported
    assert imported is not None
    lines.append(
        f"Terminé : import n° {imported.batch_id} — {fr.number(run.issues, 0)} demande(s) lue(s) "
        f"avec leur historique, {fr.number(run.requests, 0)} requête(s) en "
        f"{fr.number(report.seconds)} s"
    )
    lines.append(counts_line(imported) + f" · retirées : {fr.number(imported.removed, 0)}")
    detail = []
    for label, c in (
        ("demandes", imported.tickets),
        ("saisies de temps", imported.time_entries),
        ("changements de statut", imported.status_history),
    ):
        if c.total or c.removed:
            detail.append(
                f"{label} : {fr.number(c.added, 0)} ajoutées, {fr.number(c.updated, 0)} mises "
                f"à jour, {fr.number(c.unchanged, 0)} inchangées"
                + (f", {fr.number(c.removed, 0)} retirées" if c.removed else "")
            )
    if detail:
        lines.append("Dont " + " ; ".join(detail) + ".")
    if imported.previous_batch is not None:
        lines.append(
            f"Contenu identique à la synchronisation n° {imported.previous_batch} : rien "
            "n'a changé à la source."
        )
    if len(imported.rejected):
        lines.append(f"Valeurs rejetées : {fr.number(len(imported.rejected), 0)} (voir --json).")
    if report.warnings:
        lines.append("Avertissements :")
        lines.extend(f"  - {w}" for w in report.warnings)
    return "\n".join(lines)
