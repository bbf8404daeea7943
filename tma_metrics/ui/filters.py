"""Shared sidebar filters, bound to the URL so a view can be bookmarked and shared.

Each page draws only the selectors that act on it (`ALL_FILTERS` names them): the
portfolio reads the as-of date only, the Import and Contrats pages none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import streamlit as st

from tma_metrics.domain.contracts.model import Contract
from tma_metrics.figures.periods import PRESETS_FR, Period, preset_period
from tma_metrics.french.labels import KIND_LABELS_FR, SEVERITY_LABELS_FR

__all__ = [
    "ALL_FILTERS",
    "AS_OF",
    "AS_OF_KEY",
    "CHOOSE",
    "CONTRACT",
    "CONTRACT_KEY",
    "CUSTOM",
    "END_KEY",
    "KIND",
    "KIND_KEY",
    "PERIOD",
    "PERIOD_KEY",
    "SEVERITY",
    "SEVERITY_KEY",
    "START_KEY",
    "Filters",
    "sidebar_filters",
]

#: URL parameter names (French, as users read them in the address bar).
CONTRACT_KEY = "contrat"
AS_OF_KEY = "au"
PERIOD_KEY = "periode"
START_KEY = "debut"
END_KEY = "fin"
SEVERITY_KEY = "severite"
KIND_KEY = "type"
CUSTOM = "custom"
#: Placeholder of the select boxes (Streamlit's own is « Choose an option »).
CHOOSE = "Choisir…"

#: The sidebar's selectors, by name; a page passes those that act on it.
CONTRACT, AS_OF, PERIOD, SEVERITY, KIND = "contract", "as_of", "period", "severity", "kind"
ALL_FILTERS = (CONTRACT, AS_OF, PERIOD, SEVERITY, KIND)
#: Session key of the last selection: the next page opens on it. Streamlit keeps a
#: URL-bound value across pages only when it was changed by hand, not when it came from
#: the URL (a link from the portfolio, a bookmark).
_MEMORY = "filtres-selection"


def _recall(key: str, default: object) -> object:
    return st.session_state.get(_MEMORY, {}).get(key, default)


def _remember(key: str, value: object) -> object:
    st.session_state.setdefault(_MEMORY, {})[key] = value
    return value


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


def sidebar_filters(
    allowed: tuple[Contract, ...],
    shown: Sequence[str] = ALL_FILTERS,
    *,
    default_as_of: date,
    notice: str = "",
) -> Filters:
    """Draw the selectors named in ``shown``; return the selection.

    Only ``allowed`` contracts are offered: a contract name typed into the URL that is
    not among them is ignored by the widget. ``notice`` (« Données jusqu'au … ») is
    written under the as-of date.
    """
    if not shown:
        return Filters(contract=None, as_of=default_as_of)
    names = [c.name for c in allowed]
    with st.sidebar:
        contract = _contract(names) if CONTRACT in shown else None
        as_of = default_as_of
        if AS_OF in shown:
            as_of = st.date_input(
                "Arrêté au",
                value=_recall(AS_OF_KEY, default_as_of),
                key=AS_OF_KEY,
                format="DD/MM/YYYY",
                bind="query-params",
                help="Date à laquelle les soldes et les délais sont calculés. Par défaut : "
                "aujourd'hui si les données sont à jour, sinon leur dernier jour.",
            )
            _remember(AS_OF_KEY, as_of)
            if notice:
                st.caption(notice)
        preset, start, end = _period(as_of) if PERIOD in shown else ("carnet", None, None)
        severities = _choices(SEVERITY_KEY, "Sévérité", SEVERITY_LABELS_FR, "Toutes", shown)
        kinds = _choices(KIND_KEY, "Type de demande", KIND_LABELS_FR, "Tous", shown)
    return Filters(
        contract=contract,
        as_of=as_of,
        preset=preset,
        start=start,
        end=end,
        severities=severities,
        kinds=kinds,
    )


def _contract(names: list[str]) -> str | None:
    if not names:
        st.caption("Aucun contrat défini.")
        return None
    last = _recall(CONTRACT_KEY, names[0])
    chosen = st.selectbox(
        "Contrat",
        names,
        index=names.index(last) if last in names else 0,
        key=CONTRACT_KEY,
        bind="query-params",
        placeholder=CHOOSE,
    )
    return _remember(CONTRACT_KEY, chosen)


def _period(as_of: date) -> tuple[str, date | None, date | None]:
    options = [*PRESETS_FR, CUSTOM]
    last = _recall(PERIOD_KEY, options[0])
    preset = _remember(
        PERIOD_KEY,
        st.selectbox(
            "Période (SLA, devis)",
            options,
            index=options.index(last) if last in options else 0,
            format_func=lambda p: PRESETS_FR.get(p, "Personnalisée"),
            key=PERIOD_KEY,
            bind="query-params",
            placeholder=CHOOSE,
        ),
    )
    if preset != CUSTOM:
        return preset, None, None
    start = st.date_input(
        "Du", value=as_of.replace(day=1), key=START_KEY, format="DD/MM/YYYY", bind="query-params"
    )
    end = st.date_input("Au", value=as_of, key=END_KEY, format="DD/MM/YYYY", bind="query-params")
    if start > end:
        st.warning("Le début de la période est après sa fin : période du carnet.")
    return preset, start, end


def _choices(
    key: str, label: str, options: dict[str, str], placeholder: str, shown: Sequence[str]
) -> tuple[str, ...]:
    if {SEVERITY_KEY: SEVERITY, KIND_KEY: KIND}[key] not in shown:
        return ()
    chosen = st.multiselect(
        label,
        list(options),
        default=[c for c in _recall(key, ()) if c in options],
        format_func=options.get,
        key=key,
        bind="query-params",
        placeholder=placeholder,
    )
    return _remember(key, tuple(chosen))
