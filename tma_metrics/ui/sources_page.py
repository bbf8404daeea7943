"""The « Sources » page (managers): configure Redmine / Jira sources, sync now, read the report.

Keys are typed once into password fields of a form cleared on submit, go to the 0600
secrets file beside the database (`SecretBox`) and are never put back into a page, a
log or an export: the page only says whether a key is stored.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import streamlit as st

from tma_metrics.auth.principal import Principal, Role
from tma_metrics.auth.write_scope import WriteScope
from tma_metrics.config import credentials_environment
from tma_metrics.french import formats as fr
from tma_metrics.reports.csv_fr import csv_bytes
from tma_metrics.reports.import_text import counts_line
from tma_metrics.sources.live import (
    SecretBox,
    SourceBook,
    SourceConfig,
    SyncError,
    SyncReport,
    book_path,
    run_sync,
    secrets_path,
)
from tma_metrics.sources.live.jira import PHASES as JIRA_PHASES
from tma_metrics.sources.live.redmine import PHASES as REDMINE_PHASES
from tma_metrics.sources.live.secrets import FIELDS, JIRA_EMAIL_ENV, JIRA_TOKEN_ENV, REDMINE_KEY_ENV
from tma_metrics.sources.live.state import TOOLS, update_book
from tma_metrics.store import Store
from tma_metrics.ui.login_page import write_scope

__all__ = ["code", "md", "show_sync_report", "sources_page"]

_PHASES = {"redmine": REDMINE_PHASES, "jira": JIRA_PHASES}
_ENV = {"redmine": (REDMINE_KEY_ENV,), "jira": (JIRA_EMAIL_ENV, JIRA_TOKEN_ENV)}
#: Characters that make Markdown links, HTML, LaTeX or formatting. Dots, dashes and
#: underscores stay: escaping them shows backslashes inside the URLs Streamlit links.
_MARKDOWN = re.compile(r"([\\`*{}\[\]#|<>$~])")
_REPORT_KEY = "sources_last_report"
_FLASH_KEY = "sources_flash"


def md(text: object) -> str:
    """Return ``text`` with Markdown's active characters escaped (server texts, labels)."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def code(text: object) -> str:
    """Return ``text`` as inline code: shown as typed, never a link or formatting."""
    return "`" + str(text).replace("`", "'") + "`"


def sources_page(store: Store, principal: Principal) -> None:
    """Draw the page: the sources, their last runs, a form to add one.

    It needs no contracts file: a manager may configure sources before writing one.
    """
    if principal.role != Role.MANAGER:
        st.error("Cette page est réservée aux responsables.")
        st.stop()
    st.title("Sources")
    flash = st.session_state.pop(_FLASH_KEY, None)
    if flash:
        (st.success if flash[0] == "success" else st.error)(flash[1])
    st.caption(
        "Synchronisation directe avec Redmine ou Jira Cloud par leur API REST : les "
        "historiques de statuts rendent les SLA exacts (prise en charge, pauses en attente "
        "client, résolution). Chaque synchronisation est un import : elle apparaît dans "
        "l'historique de la page « Import » et peut y être annulée."
    )
    try:
        book = SourceBook.load(book_path(store.path))
        box = SecretBox(secrets_path(store.path))
    except SyncError as exc:
        st.error(md(exc))
        st.stop()
    if not book.sources:
        st.info("Aucune source configurée : ajoutez-en une ci-dessous.")
    for config in book.sources:
        _source_block(store, book, box, config, write_scope(principal))
    st.subheader("Ajouter ou modifier une source")
    _source_form(store, box)


def _key_state(box: SecretBox, config: SourceConfig) -> str:
    if all(name in credentials_environment() for name in _ENV[config.tool]):
        return "variable d'environnement"
    try:
        return "enregistrée" if box.has(config.id) else "à saisir"
    except SyncError:
        return "fichier des clés illisible"


def _source_block(
    store: Store, book: SourceBook, box: SecretBox, config: SourceConfig, scope: WriteScope
) -> None:
    last = book.last_run(config.id)
    state = "jamais synchronisée"
    if last is not None:
        state = f"{'réussie' if last.ok else 'en échec'} le {_when(last.finished_at)}"
    with st.container(border=True):
        st.markdown(f"**{TOOLS[config.tool]}** {code(config.url)} — {md(config.scope_label)}")
        st.caption(
            f"Fuseau {md(config.timezone)} · temps passé relu sur {config.window_days} jours · "
            f"clé : {_key_state(box, config)} · dernière synchronisation : {state}"
        )
        runs = book.runs_of(config.id)
        if runs:
            st.dataframe(_runs_frame(runs), hide_index=True, width="stretch")
        left, middle, right = st.columns([2, 2, 1])
        full = middle.checkbox("Tout relire (synchronisation complète)", key=f"full-{config.id}")
        if left.button("Synchroniser maintenant", type="primary", key=f"sync-{config.id}"):
            report = _sync_with_progress(store, config, full, scope)
            st.session_state[_REPORT_KEY] = (config.id, report)
        if right.button("Supprimer", key=f"delete-{config.id}"):
            update_book(book_path(store.path), lambda b: b.remove(config.id))
            box.forget(config.id)
            st.rerun()
        shown = st.session_state.get(_REPORT_KEY)
        if shown and shown[0] == config.id:
            show_sync_report(shown[1])


def _when(text: str) -> str:
    try:
        return fr.timestamp(pd.Timestamp(text))
    except ValueError:
        return md(text)


def _runs_frame(runs: list) -> pd.DataFrame:
    recent = list(reversed(runs))[:10]
    return pd.DataFrame(
        {
            "Terminée le": [_when(r.finished_at) for r in recent],
            "Mode": ["complète" if r.full else "incrémentale" for r in recent],
            "Résultat": ["réussie" if r.ok else "échec" for r in recent],
            "Ajoutées": [r.added for r in recent],
            "Mises à jour": [r.updated for r in recent],
            "Retirées": [r.removed for r in recent],
            "Import n°": [r.batch_id for r in recent],
            "Message": [r.message for r in recent],
        }
    )


def _sync_with_progress(
    store: Store, config: SourceConfig, full: bool, scope: WriteScope
) -> SyncReport:
    phases = _PHASES[config.tool]
    bar = st.progress(0.0, text="Connexion…")

    def progress(phase: str, done: int, total: int) -> None:
        index = phases.index(phase) if phase in phases else 0
        share = (index + (done / total if total else 1.0)) / len(phases)
        bar.progress(min(1.0, share), text=f"{phase} : {done}/{total}")

    report = run_sync(store, config, full=full, progress=progress, scope=scope)
    bar.progress(1.0, text="Terminé" if report.ok else "Échec")
    return report


def show_sync_report(report: SyncReport) -> None:
    """Show a sync's report as the import report is shown (counts, warnings, rejects)."""
    if not report.ok:
        st.error(f"Rien n'a été écrit dans la base. {md(report.run.message)}")
        return
    imported = report.imported
    assert imported is not None
    mode = "complète" if report.since is None else "incrémentale"
    st.success(
        f"Synchronisation {mode} terminée (import n° {imported.batch_id}) : "
        f"{fr.number(report.run.issues, 0)} demande(s) lue(s) avec leur historique en "
        f"{fr.number(report.seconds)} s."
    )
    unchanged = (
        imported.tickets.unchanged
        + imported.time_entries.unchanged
        + imported.status_history.unchanged
    )
    columns = st.columns(5)
    for column, (label, value) in zip(
        columns,
        (
            ("Ajoutées", imported.added),
            ("Mises à jour", imported.updated),
            ("Retirées", imported.removed),
            ("Inchangées", unchanged),
            ("Rejetées", len(imported.rejected)),
        ),
        strict=True,
    ):
        column.metric(label, fr.number(value, 0))
    st.caption(md(counts_line(imported)))
    for warning in imported.warnings:
        st.warning(md(warning))
    if len(imported.rejected):
        rejected = imported.rejected.rename(
            columns={"line": "N°", "column": "Colonne", "raw": "Valeur", "reason": "Motif"}
        )
        st.dataframe(rejected, hide_index=True, width="stretch")
        st.download_button(
            "Télécharger les valeurs rejetées (CSV)",
            csv_bytes(rejected),
            file_name=f"rejets-synchro-{imported.batch_id}.csv",
            mime="text/csv",
        )
    st.download_button(
        "Télécharger le rapport (JSON)",
        json.dumps(report.to_dict(), ensure_ascii=False, indent=2).encode("utf-8"),
        file_name=f"synchro-{imported.batch_id}.json",
        mime="application/json",
    )


#: Widget keys of the form's fields (the callback reads them, then clears the keys).
_FIELDS = ("src_tool", "src_url", "src_projects", "src_jql", "src_timezone", "src_key",
           "src_email", "src_token")  # fmt: skip
_SECRET_FIELDS = ("src_key", "src_token")


def _source_form(store: Store, box: SecretBox) -> None:
    with st.form("source_form"):
        st.selectbox("Outil", list(TOOLS), format_func=TOOLS.get, key="src_tool")
        st.text_input("Adresse du serveur", placeholder="https://redmine.exemple.fr", key="src_url")
        st.text_input(
            "Projets Redmine (identifiants séparés par des virgules ; vide : tous)",
            placeholder="site-internet, extranet",
            key="src_projects",
        )
        st.text_area("Requête JQL (Jira)", placeholder="project = ABC", key="src_jql")
        st.text_input("Fuseau horaire des contrats", value="Europe/Paris", key="src_timezone")
        st.markdown(
            "Clés : saisies une fois, conservées hors de la base dans un fichier lisible par "
            "l'application seule, jamais réaffichées. Laissez vide pour garder la clé "
            "enregistrée."
        )
        st.text_input("Clé d'API Redmine", type="password", key="src_key")
        st.text_input("E-mail du compte Jira", key="src_email")
        st.text_input("Jeton d'API Jira", type="password", key="src_token")
        st.form_submit_button("Enregistrer la source", on_click=_save_source, args=(store, box))


def _save_source(store: Store, box: SecretBox) -> None:
    """Save the form's source and its key (callback: runs before the page is drawn).

    The key fields are emptied here, so the key typed never travels back to the page.
    """
    values = {name: st.session_state.get(name) or "" for name in _FIELDS}
    for name in _SECRET_FIELDS:
        st.session_state[name] = ""
    tool = values["src_tool"] or "redmine"
    try:
        config = SourceConfig(
            tool=tool,
            url=values["src_url"],
            projects=tuple(values["src_projects"].split(",")) if tool == "redmine" else (),
            jql=values["src_jql"] if tool == "jira" else "",
            timezone=values["src_timezone"].strip() or "Europe/Paris",
        )
        given = (
            {"api_key": values["src_key"]}
            if tool == "redmine"
            else {"email": values["src_email"], "api_token": values["src_token"]}
        )
        given = {k: v for k, v in given.items() if v.strip()}
        if given:
            box.put(config.id, {**box.get(config.id), **given})
        stored = box.get(config.id)
    except SyncError as exc:
        st.session_state[_FLASH_KEY] = ("error", md(exc))
        return
    update_book(book_path(store.path), lambda b: b.upsert(config))
    note = " Clé enregistrée : elle ne sera plus affichée." if given else ""
    from_env = all(n in credentials_environment() for n in _ENV[tool])
    if any(n not in stored for n in FIELDS[tool]) and not from_env:
        note += " Aucune clé complète pour l'instant : saisissez-la avant de synchroniser."
    for name in ("src_url", "src_projects", "src_jql", "src_email"):
        st.session_state[name] = ""
    st.session_state[_FLASH_KEY] = ("success", f"Source enregistrée : {md(config.label)}.{note}")
