"""The Solde rapide page: a client drops its files and sees its balance; nothing is kept."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import streamlit as st

from tma_metrics.charts import burn_up_chart, monthly_consumption_chart
from tma_metrics.figures.quick_balance import MAX_FILE_BYTES, QuickBalance
from tma_metrics.french import formats as fr
from tma_metrics.metrics import kpi
from tma_metrics.reports import view_exports as exports_of
from tma_metrics.ui import components as ui
from tma_metrics.views.tables import french_table

#: Session key of the visitor's private in-memory database (per session, never shared).
SESSION_KEY = "quick_balance"
PRIVACY = (
    "Vos fichiers sont lus en mémoire pour cette seule session : rien n'est enregistré "
    "sur le serveur ni visible par d'autres utilisateurs, et tout disparaît à la fermeture "
    "de la page."
)


def _session() -> QuickBalance:
    if SESSION_KEY not in st.session_state:
        st.session_state[SESSION_KEY] = QuickBalance()
    return st.session_state[SESSION_KEY]


def _clear() -> None:
    quick = st.session_state.pop(SESSION_KEY, None)
    if quick is not None:
        quick.close()
    st.session_state.pop("quick_uploads", None)


def quick_balance_page() -> None:
    """Upload, carnet settings, balance, burn chart, monthly table, Excel download."""
    st.title("Solde rapide")
    st.info(PRIVACY, icon=":material/lock:")
    files = st.file_uploader(
        "Déposez vos fichiers : export de votre outil, tableau de suivi ou modèle TMA Metrics",
        type=["csv", "txt", "xlsx", "xls"],
        accept_multiple_files=True,
        key="quick_uploads",
        help=f"{MAX_FILE_BYTES // 1_048_576} Mo au plus par fichier.",
    )
    quick = _session()
    for upload in files or []:
        report = quick.add(upload.getvalue(), upload.name)
        if report.error:
            st.error(f"« {upload.name} » n'a pas été lu. {report.error}")
        else:
            st.caption(
                f"« {upload.name} » : {report.variant}, {fr.number(report.rows_read, 0)} "
                f"ligne(s) lue(s), {fr.number(len(report.rejected), 0)} rejetée(s)."
            )
    if not quick.has_data():
        st.caption("Le solde s'affiche dès qu'un fichier contenant du temps passé est lu.")
        return
    settings = quick.settings
    st.subheader("Votre carnet")
    left, middle, right = st.columns(3)
    days = left.number_input(
        "Jours achetés",
        min_value=0.5,
        value=float(settings.days or 20.0),
        step=0.5,
        key="quick_days",
    )
    start = middle.date_input(
        "Début du carnet",
        value=settings.start or date(date.today().year, 1, 1),
        format="DD/MM/YYYY",
        key="quick_start",
    )
    hours_per_day = right.number_input(
        "Heures par jour",
        min_value=1.0,
        max_value=24.0,
        value=float(settings.hours_per_day or 8.0),
        step=0.5,
        key="quick_hpd",
    )
    if any((settings.days, settings.start, settings.hours_per_day)):
        st.caption("Valeurs lues dans l'onglet « Carnet » de votre fichier ; modifiables.")
    figures = quick.figures(days, start, hours_per_day, date.today(), datetime.now())
    _show(figures)
    if st.button("Effacer mes fichiers", icon=":material/delete:"):
        _clear()
        st.rerun()


def _french_number(
    column, label: str, default: float, *, key: str, low: float, high: float
) -> float | None:
    """A number typed the French way (``12,5``); None (with a French message) when wrong."""
    text = column.text_input(label, value=fr.number(default, 1).removesuffix(",0"), key=key)
    cleaned = text.replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        column.error(f"{label} : attendu un nombre (par exemple 12,5), trouvé « {text} ».")
        return None
    if not low <= value <= high:
        column.error(
            f"{label} : attendu un nombre entre {fr.number(low, 1)} et {fr.number(high, 0)}, "
            f"trouvé {fr.number(value, 1)}."
        )
        return None
    return value


def _show(figures) -> None:
    balance = figures.balance
    if balance.remaining_days is None:
        st.warning(
            f"Aucun carnet n'est valide au {fr.day(balance.as_of)} : vérifiez la date de début."
        )
        return
    cols = st.columns(4)
    for col, name in zip(
        cols,
        ("remaining_days", "consumed_days", "burn_rate_days_per_month", "forecast_exhaustion_date"),
        strict=True,
    ):
        col.metric(kpi(name).label, kpi(name).format(getattr(balance, name)), border=True)
    if balance.low_balance:
        st.error(
            f"Solde bas : {fr.days(balance.remaining_days)}, sous le seuil d'alerte de "
            f"{fr.days(figures.contract.alert_days)}. Pensez au renouvellement du carnet."
        )
    spent, deducted = balance.spent_hours or 0.0, balance.deducted_hours or 0.0
    estimated = figures.tickets["estimate_hours"].notna().any()
    if estimated and spent > deducted:
        st.success(
            f"Garantie sur devis : {fr.hours(spent - deducted)} passées au-delà de 125 % des "
            f"devis acceptés ne vous sont pas décomptées ({fr.hours(deducted)} décomptées pour "
            f"{fr.hours(spent)} passées)."
        )
    elif estimated:
        st.caption("Garantie sur devis : aucun dépassement de plus de 25 % sur vos demandes.")
    ui.chart(
        burn_up_chart(figures.burn_up, balance, alert_days=figures.contract.alert_days),
        "solde-rapide-consommation",
    )
    ui.chart(
        monthly_consumption_chart(
            figures.monthly, hours_per_day=figures.contract.hours_per_day, client_view=True
        ),
        "solde-rapide-mois",
    )
    monthly = figures.monthly[["month", "deducted_hours", "deducted_days"]]
    st.subheader("Par mois")
    ui.table(monthly, client_view=True, empty="Aucun temps.")
    sheets = {
        "Solde": _balance_frame(figures),
        "Par mois": french_table(monthly, client_view=True),
    }
    st.download_button(
        "Télécharger le résultat (Excel)",
        exports_of.workbook(sheets, title="Solde rapide"),
        file_name="solde-rapide.xlsx",
        mime=ui.XLSX_MIME,
        type="primary",
    )


def _balance_frame(figures) -> pd.DataFrame:
    balance = figures.balance
    names = (
        "purchased_days",
        "consumed_days",
        "remaining_days",
        "deducted_hours",
        "burn_rate_days_per_month",
        "forecast_exhaustion_date",
    )
    return pd.DataFrame(
        {
            "Indicateur": [kpi(n).label for n in names],
            "Valeur": [kpi(n).format(getattr(balance, n)) for n in names],
        }
    )
