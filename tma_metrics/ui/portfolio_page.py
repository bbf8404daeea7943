"""The Portefeuille page: every contract on one screen, most urgent first."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tma_metrics.charts import portfolio_chart
from tma_metrics.french import formats as fr
from tma_metrics.metrics import TOPIC_LABELS_FR
from tma_metrics.reports.meeting_files import portfolio_files
from tma_metrics.ui import components as ui
from tma_metrics.ui import data
from tma_metrics.ui.context import PageContext, stale_data_notice
from tma_metrics.ui.contract_form import unassigned_projects
from tma_metrics.ui.contracts_write import show_flash
from tma_metrics.ui.filters import CONTRACT_KEY
from tma_metrics.views import rag
from tma_metrics.views.sla_range import percent_down, percent_up

__all__ = ["chart_input", "portfolio", "priorities", "screen_table", "styled"]

#: Cell tints of the statuses (light, readable under dark text).
_TINT = {rag.RED: "#F4C7C3", rag.AMBER: "#FCE3C2", rag.GREEN: "#D4EDDA", rag.GREY: "#ECECEC"}
_CHART_RAG = {rag.RED: "red", rag.AMBER: "amber", rag.GREEN: "green"}
_STATUS_FR = {rag.RED: "Rouge", rag.AMBER: "Orange", rag.GREEN: "Vert", rag.GREY: "Non évalué"}
#: On-screen column -> (portfolio column, topic whose status tints it, format, width px).
#: The widths add up to the page's width at 1280 px with the sidebar: no side scroll.
_SHOWN = {
    "Contrat": ("name", None, None, 220),
    "État": ("overall_status", "overall", None, 70),
    "Solde": ("remaining_days", "balance", fr.days, 70),
    "Épuisement": ("forecast_exhaustion_date", "forecast", fr.day, 92),
    "Échéance": ("expiry_date", "forecast", fr.day, 92),
    "SLA": ("sla_text", "sla", None, 80),
    "Garantie": ("within_guarantee_rate", "estimation", fr.percent, 74),
    "Ouvertes": ("open_tickets", None, lambda v: fr.number(v, 0), 70),
}


def screen_table(table: pd.DataFrame) -> pd.DataFrame:
    """The on-screen table: typed values (so columns sort), French status words."""
    shown = pd.DataFrame({label: table[column] for label, (column, *_) in _SHOWN.items()})
    shown["État"] = table["overall_status"].map(_STATUS_FR)
    # a range written compactly (« 31 à 98 % »): the full wording is in the reason below
    ranged = table["sla_text"].astype("string").str.startswith("entre").fillna(False)
    if ranged.any():
        low = table.loc[ranged, "sla_compliance_low"].map(percent_down).str[:-2]
        high = table.loc[ranged, "sla_compliance_high"].map(percent_up)
        shown.loc[ranged.to_numpy(), "SLA"] = (low + " à " + high).to_numpy()
    return shown


def styled(table: pd.DataFrame, shown: pd.DataFrame):
    """Tint each topic's cell with its status; write numbers and dates the French way."""
    colours = pd.DataFrame("", index=shown.index, columns=shown.columns)
    for label, (_, topic, _, _) in _SHOWN.items():
        if topic is not None:
            status = table[f"{topic}_status"].fillna(rag.GREY)
            colours[label] = status.map(lambda s: f"background-color: {_TINT[s]}").to_numpy()
    formats = {label: fmt for label, (_, _, fmt, _) in _SHOWN.items() if fmt is not None}
    return shown.style.apply(lambda _: colours, axis=None).format(formats)


def portfolio(ctx: PageContext) -> None:
    """Table, priorities, chart, exports; selecting a row opens that contract's Point TMA."""
    st.title("Portefeuille des contrats")
    show_flash()
    stale_data_notice(ctx)
    unassigned_projects(ctx, key="portefeuille")
    table = data.portfolio(ctx)
    if table.empty:
        st.info("Aucun contrat à afficher : définissez-en dans la page « Contrats ».")
        return
    counts = table["overall_status"].value_counts()
    st.caption(
        f"{len(table)} contrat(s) au {fr.day(ctx.filters.as_of)} : "
        f"{int(counts.get(rag.RED, 0))} en rouge, {int(counts.get(rag.AMBER, 0))} en orange, "
        f"{int(counts.get(rag.GREEN, 0))} en vert ; le plus urgent en premier. La couleur "
        "d'une case est le statut de son sujet (solde, échéance, SLA, devis). Cliquez sur "
        "une ligne pour ouvrir le point TMA du contrat."
    )
    shown = screen_table(table)
    event = st.dataframe(
        styled(table, shown),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="portfolio_table",
        placeholder=fr.MISSING,
        column_config=_column_config(),
    )
    rows = event.selection.rows if event is not None else []
    if rows:
        # The contract selector is not drawn on this page, so its URL parameter may be
        # set here (Streamlit refuses it on a page where the selector is bound).
        st.switch_page(
            "pages/point_tma.py", query_params={CONTRACT_KEY: str(table.iloc[rows[0]]["name"])}
        )
    priorities(table)
    ui.chart(portfolio_chart(chart_input(table)), "portefeuille")
    files = portfolio_files(table, ctx.filters.as_of, client_view=not ctx.internal)
    ui.exports(files.sheets, files.workbook(), base_name=files.base_name)


def _column_config() -> dict[str, object]:
    helps = {
        "Contrat": "Cliquez sur la ligne pour ouvrir le point TMA du contrat.",
        "État": "Le pire des quatre sujets ; son motif est dans « À traiter en priorité ».",
        "Solde": "Jours restants sur le carnet en cours (sujet « Solde »).",
        "Épuisement": "Épuisement prévu au rythme des trois derniers mois (sujet « Échéance »).",
        "Échéance": "Fin du carnet en cours (sujet « Échéance »).",
        "SLA": (
            "Respect des délais sur la période, en fourchette quand des délais ne sont "
            "pas mesurables (sujet « SLA », jugé sur le bas de la fourchette)."
        ),
        "Garantie": "Demandes closes dans la garantie de leur devis (sujet « Devis »).",
        "Ouvertes": "Demandes ouvertes à la date d'arrêté.",
    }
    return {
        label: st.column_config.Column(help=helps[label], width=width)
        for label, (_, _, _, width) in _SHOWN.items()
    }


def priorities(table: pd.DataFrame) -> None:
    """List the red and amber contracts, most urgent first, with every reason."""
    urgent = table[table["overall_status"].isin([rag.RED, rag.AMBER])]
    st.subheader("À traiter en priorité")
    if urgent.empty:
        st.success("Aucun contrat en rouge ni en orange.", icon=":material/check_circle:")
        return
    for _, row in urgent.iterrows():  # one line per contract shown: a handful
        status = row["overall_status"]
        with st.container(border=True):
            head, link = st.columns([5, 1.4], vertical_alignment="center")
            head.markdown(
                f"**{ui.md(row['name'])}** · :{_COLOUR[status]}-badge[{_STATUS_FR[status]}] "
                f"{ui.md(row['overall_reason'])}"
            )
            others = [
                f"{TOPIC_LABELS_FR[t]} ({_STATUS_FR[row[f'{t}_status']].lower()}) : "
                f"{ui.md(row[f'{t}_reason'])}"
                for t in rag.TOPICS
                if t != row["overall_topic"] and row[f"{t}_status"] in (rag.RED, rag.AMBER)
            ]
            if others:
                head.caption(" · ".join(others))
            link.page_link(
                "pages/point_tma.py",
                label="Point TMA",
                icon=":material/event_note:",
                query_params={CONTRACT_KEY: str(row["name"])},
            )


_COLOUR = {rag.RED: "red", rag.AMBER: "orange", rag.GREEN: "green", rag.GREY: "gray"}


def chart_input(table: pd.DataFrame) -> pd.DataFrame:
    """The portfolio chart's rows: coloured by the overall status, with its reason."""
    return pd.DataFrame(
        {
            "contract": table["name"],
            "remaining_days": table["remaining_days"],
            "purchased_days": table["purchased_days"],
            "carried_over_days": table["carried_over_days"],
            "rag": table["overall_status"].map(_CHART_RAG),
            "rag_reason": table["overall_reason"],
            "forecast_exhaustion_date": table["forecast_exhaustion_date"],
            "expiry_date": table["expiry_date"],
        }
    )
