"""The meeting pages' bodies: Point TMA, Bilan mensuel, Copil (pages call these)."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from tma_metrics.french import formats as fr
from tma_metrics.french.labels import MODEL_LABELS_FR
from tma_metrics.french.markup import escape_markdown as md
from tma_metrics.reports.meeting_files import bilan_files, point_files
from tma_metrics.ui import components as ui
from tma_metrics.ui import data
from tma_metrics.ui.context import PageContext, stale_data_notice
from tma_metrics.ui.copil_page import copil  # the Copil has its own module
from tma_metrics.views.as_of import last_complete_month, month_as_of, months_until
from tma_metrics.views.bilan import BilanView, bilan_view
from tma_metrics.views.point import point_view
from tma_metrics.views.sla_range import ComplianceRange

_POINT_TABS = (
    ("incoming", "Entrées", "Aucune demande entrée depuis le dernier point."),
    ("resolved", "Résolues", "Aucune demande résolue depuis le dernier point."),
    ("in_progress", "En cours", "Aucune demande en cours."),
    ("pending_estimates", "Devis en attente", "Aucun devis en attente de validation."),
    ("to_watch", "À surveiller (SLA)", "Aucune demande à risque."),
    ("breaches", "Hors délai", "Aucun dépassement de délai sur la période du point."),
    ("sla_by_ticket", "SLA par demande", "Aucun délai arrêté sur la période du point."),
)


def _require_contract(ctx: PageContext) -> None:
    if ctx.contract is None:
        st.info("Aucun contrat à afficher : définissez-en un dans la page « Contrats ».")
        st.stop()


def _filters_note(ctx: PageContext) -> None:
    if ctx.filters.severities or ctx.filters.kinds:
        st.caption(
            "Filtres sévérité / type appliqués aux listes, aux SLA et aux devis ; le solde "
            "reste celui du contrat entier."
        )


def point_tma(ctx: PageContext) -> None:
    """Balance cards with their change, alerts, ticket lists, compte rendu, exports."""
    _require_contract(ctx)
    contract = ctx.contract
    st.title(f"Point TMA — {md(contract.name)}")
    stale_data_notice(ctx)
    days = (
        st.segmented_control(
            "Dernier point il y a",
            [7, 14, 30],
            default=7,
            format_func=lambda d: f"{d} jours",
            key="ecart",
            bind="query-params",
            help="Hebdomadaire en général ; mensuel pour les petits contrats (moins de 10 j/mois).",
        )
        or 7
    )
    current = data.contract_figures(ctx)
    previous = data.contract_figures(ctx, as_of=ctx.filters.as_of - timedelta(days=days))
    view = point_view(current, previous, client_view=not ctx.internal)
    st.caption(
        f"Point du {fr.long_day(view.as_of)}, depuis le {fr.day(view.since)} "
        f"(point précédent au {fr.day(view.previous_as_of)})."
    )
    _filters_note(ctx)
    ui.cards(view.cards)
    st.subheader("Points d'attention")
    ui.alerts(view.alerts)
    st.subheader("Demandes")
    flow = view.flow
    st.caption(
        f"{flow['open_start']} ouverte(s) au {fr.day(view.since)}, {flow['received']} "
        f"reçue(s), {flow['resolved']} résolue(s), {flow['reopened']} réouverte(s) : "
        f"{flow['open_end']} ouverte(s) au {fr.day(view.as_of)}. Respect des SLA sur la "
        f"période du point : {ComplianceRange.of(view.sla_window).sentence()}."
    )
    tabs = st.tabs([f"{label} ({len(getattr(view, name))})" for name, label, _ in _POINT_TABS])
    for tab, (name, _label, empty) in zip(tabs, _POINT_TABS, strict=True):
        with tab:
            ui.table(getattr(view, name), client_view=view.client_view, empty=empty)
    files = point_files(view)
    st.subheader("Compte rendu à envoyer")
    ui.text_block(files.text, label="le compte rendu", file_name=files.file_name("email"))
    st.subheader("Exports")
    ui.exports(files.sheets, files.workbook(), base_name=files.base_name)


def bilan_mensuel(ctx: PageContext) -> None:
    """Days consumed in the month and in total, remaining, by ticket/kind/activity, e-mail.

    The bilan of a past month is drawn up at its last day (balance, SLA and estimates of
    that month); the current month's at the as-of date (then it says it is partial).
    """
    _require_contract(ctx)
    contract = ctx.contract
    st.title(f"Bilan mensuel — {md(contract.name)}")
    stale_data_notice(ctx)
    months = months_until(ctx.filters.as_of)
    month = st.selectbox(
        "Mois du bilan",
        months,
        index=months.index(last_complete_month(ctx.filters.as_of)),
        format_func=lambda m: fr.month(m).capitalize(),
        key="mois",
        placeholder=ui.CHOOSE,
        help="Par défaut, le dernier mois complet à la date d'arrêté.",
    )
    day = month_as_of(month, ctx.filters.as_of)
    figures = data.contract_figures(ctx, as_of=day, window=(month, day))
    view = bilan_view(figures, month, client_view=not ctx.internal)
    st.caption(
        f"{fr.month(view.month).capitalize()} (du {fr.day(view.month)} au "
        f"{fr.day(view.month_end)}){' — mois en cours' if view.partial else ''}."
    )
    _filters_note(ctx)
    _bilan_metrics(view)
    for note in view.notes:
        st.info(md(note))
    _bilan_tabs(view)
    files = bilan_files(view)
    st.subheader("Courriel du bilan")
    ui.text_block(files.text, label="le bilan", file_name=files.file_name("email"))
    st.subheader("Exports")
    ui.exports(files.sheets, files.workbook(), base_name=files.base_name)


def _bilan_metrics(view: BilanView) -> None:
    """Show the month's consumption, the balance (by contract model) and the management share."""
    cols = st.columns(4)
    cols[0].metric("Consommé dans le mois", fr.days(view.consumed_month_days), border=True)
    if view.model == "subscription":
        cols[1].metric("Inclus dans l'abonnement", fr.days(view.allowance_days), border=True)
        cols[2].metric("Dépassement du mois", fr.days(view.overrun_days), border=True)
    elif view.model == "carnet":
        cols[1].metric("Consommé sur le carnet", fr.days(view.consumed_total_days), border=True)
        cols[2].metric("Solde du carnet", fr.days(view.remaining_days), border=True)
    else:  # régie, forfait: no carnet, no balance
        cols[1].metric("Modèle", MODEL_LABELS_FR.get(view.model, view.model), border=True)
    cols[3].metric(
        "Part gestion de projet",
        fr.percent(view.management_share),
        delta="hors cible" if view.management_flag else None,
        delta_color="off",
        help=f"Cible {fr.percent(view.management_target)} du temps du mois.",
        border=True,
    )


def _bilan_tabs(view: BilanView) -> None:
    """Show one tab per table of the bilan, each saying why it is empty."""
    labels = {
        "by_ticket": ("Par demande", "Aucun temps décompté ce mois-ci."),
        "by_kind": ("Par type", "Aucun temps ce mois-ci."),
        "by_activity": ("Par activité", "Aucun temps ce mois-ci."),
        "sla_by_severity": ("SLA du mois", "Aucune demande soumise au SLA ce mois-ci."),
        "unestimated": (
            "Sans devis",
            "Aucune demande sans devis validé n'a consommé de temps ce mois-ci.",
        ),
        "backlog_rows": ("Stock ouvert", "Aucune demande ouverte."),
        "backlog_by_age": ("Âge du stock", "Aucune demande ouverte."),
    }
    tabs = st.tabs([labels[name][0] for name in view.tables])
    for tab, (name, frame) in zip(tabs, view.tables.items(), strict=True):
        with tab:
            ui.table(frame, client_view=view.client_view, empty=labels[name][1])


__all__ = ["bilan_mensuel", "copil", "point_tma"]
