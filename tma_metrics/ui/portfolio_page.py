"""The Portefeuille page: every contract on one sortable screen, red / amber / green."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tma_metrics.charts import portfolio_chart
from tma_metrics.french import formats as fr
from tma_metrics.reports.meeting_files import portfolio_files
from tma_metrics.ui import components as ui
from tma_metrics.ui import data
from tma_metrics.ui.context import PageContext
from tma_metrics.ui.filters import CONTRACT_KEY
from tma_metrics.views import rag

#: Cell colours of the statuses (light tints readable under dark text).
_TINT = {rag.RED: "#F4C7C3", rag.AMBER: "#FCE3C2", rag.GREEN: "#D4EDDA", rag.GREY: "#E8E8E8"}
_CHART_RAG = {rag.RED: "red", rag.AMBER: "amber", rag.GREEN: "green"}
_TOPICS = (
    ("balance", "Statut solde"),
    ("exhaustion", "Statut épuisement"),
    ("expiry", "Statut échéance"),
    ("sla", "Statut SLA"),
    ("estimation", "Statut estimation"),
)


def screen_table(table: pd.DataFrame) -> pd.DataFrame:
    """The on-screen table: typed values (so columns sort), each status with its reason."""
    shown = pd.DataFrame(
        {
            "Contrat": table["name"],
            "État": table["overall_status"].str.capitalize(),
            "Solde (j)": table["remaining_days"],
            "Achetés (j)": table["purchased_days"],
            "Épuisement prévu": table["forecast_exhaustion_date"],
            "Échéance": table["expiry_date"],
            "Respect SLA": table["sla_text"],
            "Respect SLA au pire": table["sla_compliance_low"],
            "Couverture SLA": table["sla_coverage"],
            "Dans la garantie": table["within_guarantee_rate"],
            "Ouvertes": table["open_tickets"],
        }
    )
    for topic, label in _TOPICS:
        shown[label] = table[f"{topic}_reason"].to_numpy()
    return shown


def styled(table: pd.DataFrame, shown: pd.DataFrame):
    """Colour each status cell, write numbers and dates the French way (values stay typed)."""
    colours = pd.DataFrame("", index=shown.index, columns=shown.columns)
    colours["État"] = table["overall_status"].map(lambda s: f"background-color: {_TINT[s]}")
    for topic, label in _TOPICS:
        colours[label] = (
            table[f"{topic}_status"]
            .map(lambda s: f"background-color: {_TINT.get(s, _TINT[rag.GREY])}")
            .to_numpy()
        )
    return shown.style.apply(lambda _: colours, axis=None).format(
        {
            "Solde (j)": fr.days,
            "Achetés (j)": fr.days,
            "Épuisement prévu": fr.day,
            "Échéance": fr.day,
            "Respect SLA au pire": fr.percent,
            "Couverture SLA": fr.percent,
            "Dans la garantie": fr.percent,
            "Ouvertes": lambda v: fr.number(v, 0),
        }
    )


def portfolio(ctx: PageContext) -> None:
    """Table, chart, exports; selecting a row opens that contract's Point TMA."""
    st.title("Portefeuille des contrats")
    table = data.portfolio(ctx)
    if table.empty:
        st.info("Aucun contrat à afficher : définissez-en dans la page « Contrats ».")
        return
    st.caption(
        f"{len(table)} contrat(s) au {fr.day(ctx.filters.as_of)}, le plus en difficulté en "
        "premier. Survolez un statut pour lire sa raison ; cliquez sur une ligne pour ouvrir "
        "le point TMA du contrat. Les colonnes se trient d'un clic sur leur titre."
    )
    shown = screen_table(table)
    event = st.dataframe(
        styled(table, shown),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="portfolio_table",
        column_config={
            label: st.column_config.TextColumn(
                width="medium", help="Couleur du statut et sa raison (survolez la cellule)."
            )
            for _, label in _TOPICS
        },
    )
    rows = event.selection.rows if event is not None else []
    if rows:
        st.switch_page(
            "pages/point_tma.py", query_params={CONTRACT_KEY: str(table.iloc[rows[0]]["name"])}
        )
    chart_input = pd.DataFrame(
        {
            "contract": table["name"],
            "remaining_days": table["remaining_days"],
            "purchased_days": table["purchased_days"],
            "carried_over_days": table["carried_over_days"],
            "rag": table["balance_status"].map(_CHART_RAG),
            "rag_reason": table["balance_reason"],
            "forecast_exhaustion_date": table["forecast_exhaustion_date"],
            "expiry_date": table["expiry_date"],
        }
    )
    ui.chart(portfolio_chart(chart_input), "portefeuille")
    files = portfolio_files(table, ctx.filters.as_of, client_view=not ctx.internal)
    ui.exports(files.sheets, files.workbook(), base_name=files.base_name)
