"""The Contrats page: read the contracts, edit the TOML file with validation."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tma_metrics.auth.principal import Principal
from tma_metrics.domain.contracts.model import SLA_KINDS, Contract, ContractError, carnet_label
from tma_metrics.domain.model import Severity
from tma_metrics.errors import AccessDenied
from tma_metrics.french import formats as fr
from tma_metrics.french.labels import (
    KIND_LABELS_FR,
    MODEL_LABELS_FR,
    SEVERITY_LABELS_FR,
    SLA_KIND_LABELS_FR,
)
from tma_metrics.french.markup import escape_markdown as md
from tma_metrics.store.contracts_file import (
    read_contracts_text,
    resolve_contracts_path,
    user_contracts_path,
    versions_folder,
)
from tma_metrics.ui.contracts_write import flash, save_contracts, saved_note

_WEEKDAYS_FR = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")


def contract_summary(contract: Contract) -> None:
    """Show one contract: projects, model, carnets, calendar and SLA matrix."""
    st.markdown(
        f"**Projets** : {', '.join(md(p) for p in contract.projects)} · **Modèle** : "
        f"{MODEL_LABELS_FR[contract.model]} · **Heures par jour** : "
        f"{fr.number(contract.hours_per_day)} · **Marge de garantie** : "
        f"{fr.percent(contract.margin)} · **Seuil d'alerte** : {fr.days(contract.alert_days)}"
    )
    if contract.carnets:
        st.markdown("**Carnets** : " + " ; ".join(carnet_label(c) for c in contract.carnets))
    elif contract.model == "carnet":
        st.markdown("**Carnets** : aucun carnet défini : pas de solde à suivre.")
    if contract.monthly_days is not None:
        st.markdown(f"**Jours inclus par mois** : {fr.days(contract.monthly_days)}")
    cal = contract.calendar
    windows = ", ".join(
        f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}" for s, e in cal.windows
    )
    days = " ".join(_WEEKDAYS_FR[d] for d in cal.weekdays)
    st.markdown(
        f"**Calendrier** : {days}, {windows} · fériés : {md(cal.holidays or 'aucun')}"
        + (f" · fermetures : {', '.join(fr.day(d) for d in cal.closed)}" if cal.closed else "")
    )
    matrix = pd.DataFrame(
        {
            SLA_KIND_LABELS_FR[kind]: [
                contract.sla_target(str(sev), kind).allowance or "sur planification"
                for sev in Severity
            ]
            for kind in SLA_KINDS
        },
        index=[SEVERITY_LABELS_FR[s] for s in Severity],
    )
    st.dataframe(matrix, width="content", placeholder="—")
    st.caption(
        "SLA appliqués aux demandes de type : "
        + ", ".join(KIND_LABELS_FR.get(k, k) for k in contract.sla_ticket_kinds)
        + " · statuts d'attente client (pause) : "
        + ", ".join(md(s) for s in contract.waiting_statuses)
    )


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def contracts_source() -> None:
    """Say which file the contracts come from, and where edits go."""
    read, written = resolve_contracts_path(), user_contracts_path()
    if read == written:
        st.caption(
            f"Contrats lus dans {read} ; chaque modification est vérifiée avant d'être "
            f"enregistrée, et la version précédente est gardée dans {versions_folder(read)}."
        )
        return
    st.caption(
        f"Contrats de démonstration ({read.name}, fichier du dépôt, jamais modifié). La "
        f"première modification crée votre fichier {written} à partir de celui-ci."
    )


def contracts_editor(principal: Principal) -> None:
    """Edit the contracts file as TOML; a text that does not validate is never written."""
    path = resolve_contracts_path()
    with st.form("contracts_editor"):
        text = st.text_area(
            f"Fichier {path.name} (TOML, voir le README « Contracts file »)",
            value=read_contracts_text(),
            height=480,
            key="contracts_text",
        )
        submitted = st.form_submit_button("Valider et enregistrer", type="primary")
    if submitted:
        try:
            written = save_contracts(text, principal)
        except (ContractError, AccessDenied) as exc:
            st.error(f"Fichier non enregistré. {md(exc)}")
        else:
            flash(f"Fichier des contrats {saved_note(written)} Les pages l'utilisent désormais.")
            st.rerun()


__all__ = ["contract_summary", "contracts_editor", "contracts_source"]
