"""Shared sidebar filters, bound to the URL so a view can be bookmarked and shared."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from tma_metrics.domain.contracts.model import Contract
from tma_metrics.figures.periods import PRESETS_FR, Period, preset_period
from tma_metrics.french.labels import KIND_LABELS_FR, SEVERITY_LABELS_FR

#: URL parameter names (French, as users read them in the address bar).
CONTRACT_KEY = "contrat"
AS_OF_KEY = "au"
PERIOD_KEY = "periode"
START_KEY = "debut"
END_KEY = "fin"
SEVERITY_KEY = "severite"
KIND_KEY = "type"
CUSTOM = "custom"


@dataclass(frozen=True)
class Filters:
    """What the shared sidebar selected."""

    contract: str | None
    as_of: date
    preset: str = "carnet"
    start: date | None = None  # custom period only
    end: date | None = None
    severities: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()

    def period(self, contract: Contract) -> Period:
        """The period of SLA and estimation figures for ``contract``."""
        if self.preset == CUSTOM and self.start and self.end and self.start <= self.end:
            return Period(as_of=self.as_of, start=self.start, end=self.end)
        return preset_period(
            self.preset if self.preset != CUSTOM else "carnet", contract, self.as_of
        )


def sidebar_filters(allowed: tuple[Contract, ...]) -> Filters:
    """Draw the contract, date, period, severity and kind selectors; return the selection.

    Only ``allowed`` contracts are offered: a contract name typed into the URL that is
    not among them is ignored by the widget.
    """
    names = [c.name for c in allowed]
    with st.sidebar:
        contract = (
            st.selectbox("Contrat", names, key=CONTRACT_KEY, bind="query-params") if names else None
        )
        if not names:
            st.caption("Aucun contrat défini.")
        as_of = st.date_input(
            "Arrêté au",
            value=date.today(),
            key=AS_OF_KEY,
            format="DD/MM/YYYY",
            bind="query-params",
            help="Date à laquelle les soldes et les délais sont calculés.",
        )
        options = [*PRESETS_FR, CUSTOM]
        preset = st.selectbox(
            "Période (SLA, devis)",
            options,
            format_func=lambda p: PRESETS_FR.get(p, "Personnalisée"),
            key=PERIOD_KEY,
            bind="query-params",
        )
        start = end = None
        if preset == CUSTOM:
            start = st.date_input(
                "Du",
                value=as_of.replace(day=1),
                key=START_KEY,
                format="DD/MM/YYYY",
                bind="query-params",
            )
            end = st.date_input(
                "Au", value=as_of, key=END_KEY, format="DD/MM/YYYY", bind="query-params"
            )
            if start > end:
                st.warning("Le début de la période est après sa fin : période du carnet.")
        severities = st.multiselect(
            "Sévérité",
            list(SEVERITY_LABELS_FR),
            format_func=SEVERITY_LABELS_FR.get,
            key=SEVERITY_KEY,
            bind="query-params",
            placeholder="Toutes",
        )
        kinds = st.multiselect(
            "Type de demande",
            list(KIND_LABELS_FR),
            format_func=KIND_LABELS_FR.get,
            key=KIND_KEY,
            bind="query-params",
            placeholder="Tous",
        )
    return Filters(
        contract=contract,
        as_of=as_of,
        preset=preset,
        start=start,
        end=end,
        severities=tuple(severities),
        kinds=tuple(kinds),
    )
