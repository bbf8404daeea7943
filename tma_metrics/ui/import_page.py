"""The Import page: drop exports, read each file's report, map unknown columns, undo."""

from __future__ import annotations

import json
import time

import pandas as pd
import streamlit as st

from tma_metrics.french import formats as fr
from tma_metrics.french.markup import escape_markdown as md
from tma_metrics.reports.csv_fr import csv_bytes
from tma_metrics.reports.import_text import counts_line
from tma_metrics.sources import (
    SOURCE_CHOICES,
    MappingProfile,
    UnrecognisedFormat,
    build_template,
    limits,
    suggest_mapping,
)
from tma_metrics.sources.mapping import REQUIRED, mappable_columns
from tma_metrics.store import AccessDenied, ImportReport, Store, UndoError, WriteScope
from tma_metrics.ui.flash import flash

__all__ = [
    "MAX_UPLOAD_MB",
    "history_and_undo",
    "import_upload",
    "mapping_step",
    "show_report",
    "template_download",
    "upload_and_import",
]

#: Uploads above this size are refused here (the CLI reads big files straight from disk).
MAX_UPLOAD_MB = 50
_TABLE_LABELS = {
    "tickets": "Demandes",
    "time_entries": "Temps passé",
    "status_history": "Historique des statuts",
}
_NONE = "(aucune)"
_PENDING_KEY = "import_pending_mapping"


def upload_and_import(store: Store, scope: WriteScope) -> None:
    """File uploader, source choice and one report per imported file (within ``scope``)."""
    with st.form("import_form", clear_on_submit=True):
        files = st.file_uploader(
            "Exports à importer (CSV, Excel) — plusieurs fichiers à la fois",
            type=["csv", "txt", "xlsx", "xls"],
            accept_multiple_files=True,
        )
        source = st.selectbox(
            "Outil source",
            SOURCE_CHOICES,
            format_func=lambda s: "Reconnaissance automatique" if s == "auto" else s,
        )
        submitted = st.form_submit_button("Importer", type="primary")
    if not submitted or not files:
        return
    progress = st.progress(0.0, text="Import en cours…")
    for i, upload in enumerate(files, 1):
        size_mb = upload.size / 1_000_000
        if size_mb > MAX_UPLOAD_MB:
            st.error(
                f"« {md(upload.name)} » : fichier de {fr.number(size_mb)} Mo, au-delà de la "
                f"limite de {MAX_UPLOAD_MB} Mo de cette page. Importez-le en ligne de commande : "
                f"« {md(f'python -m tma_metrics import {upload.name}')} »."
            )
            continue
        with st.status(f"{md(upload.name)} ({fr.number(size_mb)} Mo)", expanded=True) as status:
            started = time.perf_counter()
            st.write("Lecture, reconnaissance et écriture dans une seule transaction…")
            report = import_upload(
                store, upload.getvalue(), upload.name, source=source, scope=scope
            )
            elapsed = time.perf_counter() - started
            if report.imported:
                status.update(
                    label=f"{md(upload.name)} : {md(report.variant)} — {fr.number(elapsed)} s",
                    state="complete",
                    expanded=False,
                )
            else:
                status.update(label=f"{md(upload.name)} : non importé", state="error")
        show_report(report)
        if report.unrecognised is not None:
            st.session_state[_PENDING_KEY] = (upload.name, upload.getvalue(), report)
        progress.progress(i / len(files), text=f"{i} fichier(s) sur {len(files)}")


def import_upload(
    store: Store,
    data: bytes,
    name: str,
    *,
    source: str = "auto",
    mapping: MappingProfile | None = None,
    scope: WriteScope | None = None,
) -> ImportReport:
    """Import one uploaded file under this page's limits (parsed in a child process)."""
    with limits.using(limits.IMPORT_PAGE):
        return store.import_file(data, name, source=source, mapping=mapping, scope=scope)


def show_report(report: ImportReport) -> None:
    """Show one file's import report: counts, rejected rows (downloadable), warnings."""
    # file names, variants, errors and warnings quote the file (names, headers, cells)
    st.markdown(f"#### {md(report.file_name)}")
    if report.error:
        st.error(f"Rien n'a été importé. {md(report.error)}")
        return
    st.success(f"Reconnu : **{md(report.variant)}** (import n° {report.batch_id})")
    cols = st.columns(5)
    unchanged = (
        report.tickets.unchanged + report.time_entries.unchanged + report.status_history.unchanged
    )
    for col, (label, value) in zip(
        cols,
        (
            ("Lignes lues", report.rows_read),
            ("Ajoutées", report.added),
            ("Mises à jour", report.updated),
            ("Inchangées", unchanged),
            ("Rejetées", len(report.rejected)),
        ),
        strict=True,
    ):
        col.metric(label, fr.number(value, 0))
    st.caption(md(counts_line(report)))
    if report.previous_batch is not None:
        st.info(
            f"Ce fichier identique avait déjà été importé (import n° {report.previous_batch}) : "
            "rien n'a été dupliqué."
        )
    for warning in report.warnings:
        st.warning(md(warning))
    if len(report.rejected):
        rejected = report.rejected.rename(
            columns={"line": "Ligne", "column": "Colonne", "raw": "Valeur", "reason": "Motif"}
        )
        st.dataframe(rejected, hide_index=True, width="stretch")
        st.download_button(
            "Télécharger les lignes rejetées (CSV)",
            csv_bytes(rejected),
            file_name=f"rejets-{report.file_name}.csv",
            mime="text/csv",
            key=f"rejects-{report.batch_id}",
        )


def mapping_step(store: Store, scope: WriteScope) -> None:
    """For a file no adapter recognised: suggest a mapping, let the user fix and save it."""
    pending = st.session_state.get(_PENDING_KEY)
    if not pending:
        return
    name, data, report = pending
    error = report.unrecognised
    st.subheader(f"Correspondance des colonnes : {md(name)}")
    st.write(
        "Ce fichier n'a pas été reconnu. Indiquez quelle colonne du fichier contient chaque "
        "information ; la correspondance sera enregistrée sous un nom et réutilisée "
        "automatiquement pour tout fichier ayant le même en-tête."
    )
    st.dataframe(
        pd.DataFrame(error.preview, columns=error.header[: len(error.preview[0])])
        if error.preview
        else pd.DataFrame(columns=error.header),
        hide_index=True,
        placeholder="—",
    )
    tables = list(_TABLE_LABELS)
    table = st.radio(
        "Ce fichier contient",
        tables,
        index=tables.index(error.table) if error.table in tables else 0,
        format_func=_TABLE_LABELS.get,
        horizontal=True,
    )
    chosen = _column_choices(error, table)
    profile_name = st.text_input("Nom de la correspondance", value=f"Profil {name}")
    left, right = st.columns(2)
    if right.button("Abandonner ce fichier"):
        del st.session_state[_PENDING_KEY]
        st.rerun()
    if left.button("Enregistrer et importer", type="primary"):
        try:
            profile = MappingProfile(
                name=profile_name.strip() or f"Profil {name}",
                table=table,
                columns=tuple(chosen.items()),
                signature=error.signature,
            )
        except ValueError as exc:
            st.error(md(exc))
            return
        store.save_profile(profile, scope)
        result = import_upload(store, data, name, mapping=profile, scope=scope)
        show_report(result)
        if result.imported:
            del st.session_state[_PENDING_KEY]


def _column_choices(error: UnrecognisedFormat, table: str) -> dict[str, str]:
    """Ask, for each column of ``table``, which column of the file holds it (suggested first)."""
    suggestion = suggest_mapping(error.header, table)
    options = [_NONE, *error.header]
    chosen: dict[str, str] = {}
    grid = st.columns(3)
    for i, column in enumerate(mappable_columns(table)):
        guess = suggestion.get(column)
        required = column in REQUIRED[table]
        value = grid[i % 3].selectbox(
            f"{column}{' *' if required else ''}",
            options,
            index=options.index(guess) if guess in options else 0,
            key=f"map-{table}-{column}",
            placeholder="Choisir…",
        )
        if value != _NONE:
            chosen[column] = value
    return chosen


def history_and_undo(store: Store, scope: WriteScope) -> None:
    """The imports ``scope`` may see, newest first, with undo of a whole import.

    The store lists and undoes only what the user may (a project manager: the imports
    of their contracts); this page only passes the scope along.
    """
    history = store.history(scope)
    if history.empty:
        st.caption("Aucun import pour l'instant.")
        return
    _history_table(history)
    active = history[history["undone_at"].isna()]
    if active.empty:
        return
    _undo_form(store, scope, active)


def _history_table(history: pd.DataFrame) -> None:
    """Show the imports, counts first, in French formats."""
    # The counts before the long texts: they show without scrolling sideways.
    shown = pd.DataFrame(
        {
            "N°": history["batch_id"],
            "Fichier": history["file_name"],
            "Importé le": history["imported_at"],
            "Par": history["imported_by"],
            "Lignes lues": history["rows_read"],
            "Ajoutées": history["added"],
            "Mises à jour": history["updated"],
            "Rejetées": history["rejected"],
            "Hors de vos contrats": history["out_of_scope"],
            "Avertissements": history["warnings"].map(lambda w: len(json.loads(w or "[]"))),
            "Annulé le": history["undone_at"],
            "Outil": history["variant"],
        }
    )
    counts = ("Lignes lues", "Ajoutées", "Mises à jour", "Rejetées", "Avertissements")
    st.dataframe(
        # French formats whatever the browser's language: « 1 861 », « 07/12/2026 18:49 ».
        shown.style.format(
            {
                **dict.fromkeys(counts, lambda v: fr.number(v, 0)),
                "Importé le": fr.timestamp,
                "Annulé le": fr.timestamp,
            }
        ),
        hide_index=True,
        width="stretch",
        placeholder="—",
        column_config={
            "N°": st.column_config.NumberColumn(width=50),
            "Fichier": st.column_config.TextColumn(width=200),
        },
    )


def _undo_form(store: Store, scope: WriteScope, active: pd.DataFrame) -> None:
    """Offer to undo one of the ``active`` imports, after a confirmation."""
    with st.form("undo_form"):
        batch = st.selectbox(
            "Import à annuler",
            active["batch_id"].tolist(),
            placeholder="Choisir…",
            format_func=lambda b: (
                f"n° {b} — " + str(active.loc[active["batch_id"] == b, "file_name"].iloc[0])
            ),
        )
        confirm = st.checkbox(
            "Je confirme : cet import ne compte plus ; ses lignes qu'aucun autre import actif "
            "n'a apportées disparaissent, les autres reviennent à la version du dernier import "
            "actif qui les contient."
        )
        if st.form_submit_button("Annuler cet import") and confirm:
            try:
                store.undo(int(batch), scope)
            except (UndoError, AccessDenied) as exc:
                st.error(md(exc))
            else:
                flash(f"Import n° {batch} annulé : ses lignes sont revenues à leur état d'avant.")
                st.rerun()


def template_download() -> None:
    """Offer the canonical Excel template to people who have no tool."""
    st.download_button(
        "Télécharger le modèle Excel (format canonique)",
        build_template(),
        file_name="modele-tma-metrics.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
