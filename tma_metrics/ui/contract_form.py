"""Contracts without TOML: the projects no contract covers, and a form that creates one."""

from __future__ import annotations

import re
from datetime import date

import streamlit as st

from tma_metrics.auth.principal import can_edit_contracts
from tma_metrics.domain.contracts.model import MODELS, ContractError
from tma_metrics.french import formats as fr
from tma_metrics.french.labels import MODEL_LABELS_FR
from tma_metrics.store.contracts_file import ContractDraft
from tma_metrics.ui import components as ui
from tma_metrics.ui import data
from tma_metrics.ui.context import PageContext
from tma_metrics.ui.contracts_write import create_contract, flash, saved_note

__all__ = ["contract_form", "unassigned_projects"]

_NUMBER = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(?:j|h|jours?|heures?)?\s*$", re.IGNORECASE)


def unassigned_projects(ctx: PageContext, *, key: str) -> None:
    """Warn about imported projects no contract covers; offer the form to a manager."""
    frame = data.unassigned(ctx)
    if frame.empty:
        return
    names = ", ".join(f"« {ui.md(p)} »" for p in frame["project"])
    hours = fr.hours(float(frame["hours"].sum()))
    n = len(frame)
    plural, verb = ("s", "appartiennent") if n > 1 else ("", "appartient")
    st.warning(
        f"{n} projet{plural} importé{plural} n'{verb} à aucun contrat : {names} "
        f"({fr.number(int(frame['tickets'].sum()), 0)} demandes, {hours} saisies). Leurs "
        "chiffres n'apparaissent nulle part tant qu'aucun contrat ne les couvre.",
        icon=":material/link_off:",
    )
    if not can_edit_contracts(ctx.principal):
        st.caption("Demandez à un responsable de créer le contrat de ces projets.")
        return
    with st.expander("Créer un contrat pour ces projets", icon=":material/add_circle:"):
        contract_form(ctx, frame["project"].tolist(), key=key)


def contract_form(ctx: PageContext, projects: list[str], *, key: str) -> None:
    """The form that appends one contract to the contracts file (managers only)."""
    with st.form(f"new-contract-{key}", clear_on_submit=False):
        name = st.text_input(
            "Nom du contrat",
            placeholder="ex. Delta - Communauté de communes",
            key=f"name-{key}",
        )
        chosen = st.multiselect(
            "Projets couverts",
            projects,
            default=projects,
            accept_new_options=True,
            placeholder="Nom ou clé du projet, tel que l'export l'écrit",
            help="Tels que les exports les écrivent (Redmine : nom du projet ; Jira : clé).",
            key=f"projects-{key}",
        )
        left, middle, right = st.columns(3)
        model = left.selectbox(
            "Modèle",
            MODELS,
            format_func=lambda m: MODEL_LABELS_FR.get(m, m),
            key=f"model-{key}",
            placeholder=ui.CHOOSE,
        )
        days = middle.text_input(
            "Jours achetés",
            placeholder="ex. 40 ou 12,5",
            help="Par mois pour un abonnement.",
            key=f"days-{key}",
        )
        hours = right.text_input("Heures par jour", value="8", key=f"hours-{key}")
        start = st.date_input(
            "Début du carnet",
            value=date.today().replace(day=1),
            format="DD/MM/YYYY",
            key=f"start-{key}",
        )
        submitted = st.form_submit_button("Créer le contrat", type="primary")
    if submitted:
        _create(ctx, name, chosen, model, days, hours, start)


def _create(ctx, name, projects, model, days, hours, start) -> None:
    try:
        draft = ContractDraft(
            name=name,
            projects=tuple(projects),
            model=model,
            days=_number(days, "Jours achetés", required=model in ("carnet", "subscription")),
            start=start,
            hours_per_day=_number(hours, "Heures par jour", required=True),
        )
        written = create_contract(draft, ctx.principal)
    except ContractError as exc:
        st.error(str(exc))
        return
    flash(f"Contrat « {name.strip()} » {saved_note(written)}")
    st.rerun()


def _number(text: str, label: str, *, required: bool) -> float | None:
    """Read a French number typed in a form: ``12,5``, ``12.5``, ``40 j``."""
    if not text.strip():
        if required:
            raise ContractError(f"Contrat non créé : « {label} » est vide, attendu un nombre.")
        return None
    found = _NUMBER.match(text)
    value = float(found.group(1).replace(",", ".")) if found else None
    if value is None or value <= 0:
        raise ContractError(
            f"Contrat non créé : « {label} » attend un nombre positif (ex. 12,5), "
            f"trouvé « {text.strip()} »."
        )
    return value
