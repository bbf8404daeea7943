"""The Copil page: key figures, then one tab per theme (charts with their tables), then
the compte rendu and the exports, instead of one 10 000 px column."""

from __future__ import annotations

import streamlit as st

from tma_metrics.domain.contracts.model import Contract
from tma_metrics.french import formats as fr
from tma_metrics.french.markup import escape_markdown as md
from tma_metrics.reports.logo import contract_logo
from tma_metrics.reports.meeting_files import ReportFiles, copil_files
from tma_metrics.store.contracts_file import resolve_contracts_path
from tma_metrics.ui import components as ui
from tma_metrics.ui import data
from tma_metrics.ui.context import PageContext, stale_data_notice
from tma_metrics.views.copil import CopilView, copil_view

__all__ = ["COPIL_TABS", "TABLE_TITLES", "copil", "deck"]

#: Tab title -> (chart ids of `charts.contract.CHART_IDS`, view tables), in meeting order.
COPIL_TABS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Consommation", ("burn_up", "monthly_consumption", "management_share"), ("monthly",)),
    (
        "SLA",
        ("sla_compliance_by_month", "sla_compliance_matrix", "resolution_time"),
        ("sla_by_severity", "sla_by_month", "resolution_times"),
    ),
    ("Devis", ("estimate_ratio", "estimation_trend"), ("estimation_by_kind",)),
    (
        "Activité",
        ("ticket_mix", "created_resolved", "backlog_age", "costliest_tickets"),
        ("mix", "backlog_by_age", "reopened", "costliest"),
    ),
)
#: View table -> (French title, what an empty table means).
TABLE_TITLES = {
    "monthly": ("Consommation mensuelle", "Aucun mois dans la période."),
    "sla_by_severity": ("SLA par sévérité", "Aucune demande soumise aux SLA sur la période."),
    "sla_by_month": ("SLA par mois", "Aucun délai arrêté sur la période."),
    "resolution_times": ("Délais de résolution", "Aucune résolution mesurée sur la période."),
    "estimation_by_kind": ("Devis par type", "Aucune demande estimée close sur la période."),
    "mix": ("Typologie des demandes", "Aucune demande reçue sur la période."),
    "backlog_by_age": ("Ancienneté du stock", "Aucune demande ouverte."),
    "reopened": ("Demandes réouvertes", "Aucune demande réouverte."),
    "costliest": ("Demandes les plus consommatrices", "Aucun temps saisi sur la période."),
}


def copil(ctx: PageContext) -> None:
    """Key figures and alerts, a tab per theme, then the compte rendu and exports."""
    contract = ctx.contract
    if contract is None:
        st.info("Aucun contrat à afficher : définissez-en un dans la page « Contrats ».")
        st.stop()
    view = copil_view(data.contract_figures(ctx), client_view=not ctx.internal)
    st.title(f"Copil — {md(contract.name)}")
    stale_data_notice(ctx)
    st.caption(
        f"Période du {fr.day(view.start)} au {fr.day(view.end)} (choisie dans la barre "
        f"latérale : trimestre, semestre, année ou dates libres) ; soldes au {fr.day(view.as_of)}."
    )
    if ctx.filters.severities or ctx.filters.kinds:
        st.caption(
            "Filtres sévérité / type appliqués aux listes, aux SLA et aux devis ; le solde "
            "reste celui du contrat entier."
        )
    ui.cards(view.key_figures)
    ui.alerts(view.alerts)
    charts = data.charts(ctx)
    titles = [title for title, _, _ in COPIL_TABS] + ["Compte rendu et exports"]
    *themes, closing = st.tabs(titles, key="copil-onglet")
    for tab, (_, chart_ids, tables) in zip(themes, COPIL_TABS, strict=True):
        with tab:
            for name in chart_ids:
                ui.chart(charts[name], f"copil-{ui.slug(contract.name)}-{name}")
            _tables(view, tables)
    with closing:
        _minutes_and_exports(view, charts, contract)


def _tables(view: CopilView, names: tuple[str, ...]) -> None:
    with st.expander("Tableaux de ces graphiques", icon=":material/table:"):
        for name in names:
            title, empty = TABLE_TITLES[name]
            st.markdown(f"**{title}**")
            ui.table(view.tables[name], client_view=view.client_view, empty=empty)


def _minutes_and_exports(view: CopilView, charts, contract: Contract) -> None:
    logo = contract_logo(contract, resolve_contracts_path())
    files = copil_files(view, charts, client=contract.client or "", logo=logo.data)
    st.subheader("Compte rendu")
    ui.text_block(files.text, label="le compte rendu", file_name=files.file_name("email"))
    st.subheader("Exports")
    ui.exports(files.sheets, files.workbook(), base_name=files.base_name)
    if logo.problem:
        st.caption(md(logo.problem))
    deck(files, view.client_view)


def deck(files: ReportFiles, client_view: bool) -> None:
    """Build the PowerPoint on demand (rendering charts takes a few seconds)."""
    key = f"deck-{files.base_name}-{client_view}"
    if st.button("Préparer la présentation PowerPoint", key=f"build-{key}"):
        with st.spinner("Rendu des graphiques et des diapositives…"):
            st.session_state[key] = files.presentation()
    found = st.session_state.get(key)
    if found:
        content, missing = found
        for title, reason in missing:
            st.warning(f"Graphique « {md(title)} » absent de la présentation : {md(reason)}")
        st.download_button(
            "Télécharger la présentation (.pptx)",
            content,
            file_name=files.file_name("pptx"),
            mime=ui.PPTX_MIME,
            key=f"pptx-{key}",
        )
