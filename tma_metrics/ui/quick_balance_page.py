"""The Solde rapide page: a client drops its files, confirms its carnet, sees its balance.

Nothing is kept: the files live in the visitor's private in-memory store
(`figures.quick_balance.QuickBalance`), the Excel file is built in memory.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
import streamlit as st

from tma_metrics.charts import burn_up_chart, monthly_consumption_chart
from tma_metrics.domain.contracts.model import normalise_label
from tma_metrics.figures.contract_figures import ContractFigures
from tma_metrics.figures.quick_balance import (
    MAX_FILE_BYTES,
    CarnetSettings,
    QuickBalance,
    QuickFile,
    confirm_settings,
)
from tma_metrics.french import formats as fr
from tma_metrics.french.markup import escape_markdown as md
from tma_metrics.metrics import kpi
from tma_metrics.reports.quick_workbook import quick_balance_workbook
from tma_metrics.ui import components as ui
from tma_metrics.views.alerts import forecast_range

__all__ = [
    "ALL_PROJECTS",
    "CONFIRMED_KEY",
    "PER_PROJECT",
    "PRIVACY",
    "SESSION_KEY",
    "TOGETHER",
    "UPLOADER_KEY",
    "CarnetGroup",
    "quick_balance_page",
]

#: Session keys: the visitor's private store, the carnets confirmed (group key →
#: `CarnetSettings`), the uploader's generation (a new one empties it).
SESSION_KEY = "quick_balance"
CONFIRMED_KEY = "quick_confirmed"
UPLOADER_KEY = "quick_uploader_generation"
PRIVACY = (
    "Vos fichiers sont lus en mémoire pour cette seule session : rien n'est enregistré "
    "sur le serveur ni visible par d'autres utilisateurs, et tout disparaît à la fermeture "
    "de la page."
)
PER_PROJECT = "Un solde par projet"
TOGETHER = "Un seul solde pour tous les projets"
ALL_PROJECTS = "Tous les projets"


@dataclass(frozen=True)
class CarnetGroup:
    """The projects one balance covers, its title and its key in the session."""

    key: str
    label: str
    projects: tuple[str, ...]


def _session() -> QuickBalance:
    if SESSION_KEY not in st.session_state:
        st.session_state[SESSION_KEY] = QuickBalance()
    return st.session_state[SESSION_KEY]


def _clear() -> None:
    quick = st.session_state.pop(SESSION_KEY, None)
    if quick is not None:
        quick.close()
    st.session_state.pop(CONFIRMED_KEY, None)
    st.session_state[UPLOADER_KEY] = st.session_state.get(UPLOADER_KEY, 0) + 1


def quick_balance_page() -> None:
    """Upload, carnet confirmation, one balance per carnet, Excel download."""
    st.title("Solde rapide")
    st.info(PRIVACY, icon=":material/lock:")
    files = st.file_uploader(
        "Déposez vos fichiers : export de votre outil, tableau de suivi ou modèle TMA Metrics",
        type=["csv", "txt", "xlsx", "xls"],
        accept_multiple_files=True,
        key=f"quick_uploads_{st.session_state.get(UPLOADER_KEY, 0)}",
        help=f"{MAX_FILE_BYTES // 1_048_576} Mo au plus par fichier.",
    )
    quick = _session()
    _file_lines(quick.sync([(upload.name, upload.getvalue()) for upload in files or []]))
    if not quick.has_data():
        st.caption("Le solde s'affiche dès qu'un fichier contenant du temps passé est lu.")
        return
    projects = quick.projects()
    first_days = projects.set_index("project")["first_day"]
    shown: dict[str, ContractFigures] = {}
    for group in _groups(projects):
        first = first_days.reindex(list(group.projects)).min()
        figures = _carnet(quick, group, first)
        if figures is not None:
            shown[group.label] = figures
    if shown:
        st.download_button(
            "Télécharger le résultat (Excel)",
            quick_balance_workbook(shown),
            file_name="solde-rapide.xlsx",
            mime=ui.XLSX_MIME,
            type="primary",
        )
    if st.button("Effacer mes fichiers", icon=":material/delete:"):
        _clear()
        st.rerun()


def _file_lines(files: list[QuickFile]) -> None:
    """One line per uploaded file: read, refused, counted once, or replaced."""
    for file in files:
        name = md(file.name)
        if file.status == "replaced":
            st.caption(
                f"« {name} » (dépôt précédent) : remplacé par le fichier du même nom déposé "
                "ensuite ; seul le dernier compte."
            )
        elif file.status == "same_as":
            st.caption(
                f"« {name} » : contenu identique à « {md(file.other)} », compté une seule fois."
            )
        elif file.report.error:
            st.error(f"« {name} » n'a pas été lu. {md(file.report.error)}")
        else:
            report = file.report
            st.caption(
                f"« {name} » : {md(report.variant)}, {fr.number(report.rows_read, 0)} "
                f"ligne(s) lue(s), {fr.number(len(report.rejected), 0)} rejetée(s)."
            )


def _groups(projects: pd.DataFrame) -> list[CarnetGroup]:
    """One carnet per project, or one for all, as the visitor chooses (several projects)."""
    names = tuple(projects["project"])
    if len(names) <= 1:
        return [CarnetGroup(_key(names), names[0] if names else ALL_PROJECTS, names)]
    found = ", ".join(
        f"« {md(row.project)} » ({fr.hours(row.hours)})" for row in projects.itertuples()
    )
    st.markdown(f"**Vos fichiers contiennent {len(names)} projets** : {found}.")
    choice = st.radio(
        "Calcul du solde", (PER_PROJECT, TOGETHER), horizontal=True, key="quick_grouping"
    )
    if choice == TOGETHER:
        return [CarnetGroup(_key(names), ALL_PROJECTS, names)]
    return [CarnetGroup(_key((name,)), name, (name,)) for name in names]


def _key(projects: tuple[str, ...]) -> str:
    """A session key for a set of projects (stable across reruns and re-uploads)."""
    labels = "\n".join(sorted(normalise_label(p) for p in projects))
    return hashlib.sha256(labels.encode()).hexdigest()[:16]


def _carnet(quick: QuickBalance, group: CarnetGroup, first: object) -> ContractFigures | None:
    """The carnet's form, then its balance once confirmed (None until then)."""
    with st.container(border=True):
        st.subheader(f"Votre carnet — {md(group.label)}")
        settings = _confirmed(group, quick.settings, first)
        if settings is None:
            return None
        figures = quick.figures(
            settings, group.projects, date.today(), datetime.now(), name=group.label
        )
        _show(figures, group.key)
        return figures


def _confirmed(group: CarnetGroup, read: CarnetSettings, first: object) -> CarnetSettings | None:
    """Ask for days, start and hours per day; return them once the visitor confirms."""
    confirmed: dict[str, CarnetSettings] = st.session_state.setdefault(CONFIRMED_KEY, {})
    if any(v is not None for v in (read.days, read.start, read.hours_per_day)):
        st.caption("Valeurs lues dans l'onglet « Carnet » de votre fichier : vérifiez-les.")
    else:
        since = f" Vos temps commencent le {fr.day(first)}." if pd.notna(first) else ""
        st.caption(f"Indiquez le carnet de votre contrat.{since}")
    # a new pre-fill (another file read) gives new fields
    token = hashlib.sha256(repr(read).encode()).hexdigest()[:8]
    with st.form(f"quick-carnet-{group.key}"):
        left, middle, right = st.columns(3)
        days = left.text_input(
            "Jours achetés",
            value=_number_text(read.days),
            placeholder="par exemple 20",
            key=f"quick-days-{group.key}-{token}",
        )
        start = middle.text_input(
            "Début du carnet",
            value=fr.day(read.start) if read.start else "",
            placeholder="JJ/MM/AAAA",
            key=f"quick-start-{group.key}-{token}",
        )
        hours = right.text_input(
            "Heures par jour",
            value=_number_text(read.hours_per_day),
            placeholder="par exemple 7 ou 8",
            key=f"quick-hours-{group.key}-{token}",
        )
        label = "Recalculer le solde" if group.key in confirmed else "Calculer le solde"
        submitted = st.form_submit_button(label, type="primary")
    if submitted:
        settings, problems = confirm_settings(days, start, hours)
        if settings is None:
            confirmed.pop(group.key, None)
            for problem in problems:
                st.error(md(problem))
            return None
        confirmed[group.key] = settings
    if group.key not in confirmed:
        st.caption("Le solde s'affiche quand vous avez confirmé ces trois valeurs.")
    return confirmed.get(group.key)


def _number_text(value: float | None) -> str:
    """A pre-filled number the French way, without a useless ``,0``: ``20``, ``7,5``."""
    return "" if value is None else fr.number(value, 2).rstrip("0").removesuffix(",")


def _show(figures: ContractFigures, key: str) -> None:
    balance = figures.balance
    if balance.remaining_days is None:
        st.warning(
            f"Aucun carnet n'est valide au {fr.day(balance.as_of)} : vérifiez la date de début."
        )
        return
    # two cards a row: a date in big type fits a column of half the page at 1 280 px
    names = (
        ("remaining_days", "consumed_days"),
        ("burn_rate_days_per_month", "forecast_exhaustion_date"),
    )
    for row in names:
        for col, name in zip(st.columns(2), row, strict=True):
            col.metric(kpi(name).label, kpi(name).format(getattr(balance, name)), border=True)
    span = forecast_range(balance, prefix="Épuisement prévu ", suffix=" selon le rythme.")
    if span:
        st.caption(span)
    if balance.low_balance:
        st.error(
            f"Solde bas : {fr.days(balance.remaining_days)}, sous le seuil d'alerte de "
            f"{fr.days(figures.contract.alert_days)}. Pensez au renouvellement du carnet."
        )
    _guarantee(figures)
    ui.chart(
        burn_up_chart(figures.burn_up, balance, alert_days=figures.contract.alert_days),
        f"solde-rapide-consommation-{key}",
    )
    ui.chart(
        monthly_consumption_chart(
            figures.monthly, hours_per_day=figures.contract.hours_per_day, client_view=True
        ),
        f"solde-rapide-mois-{key}",
    )
    st.markdown("**Par mois**")
    monthly = figures.monthly[["month", "deducted_hours", "deducted_days"]]
    ui.table(monthly, client_view=True, empty="Aucun temps.")


def _guarantee(figures: ContractFigures) -> None:
    """Say what the estimate guarantee spared the client, when an estimate applies."""
    balance = figures.balance
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
