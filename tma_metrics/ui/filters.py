"""Shared sidebar filters, bound to the URL so a view can be bookmarked and shared."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from tma_metrics.contracts import Contract

#: URL parameter names (French, as users read them in the address bar).
CONTRACT_KEY = "contrat"
AS_OF_KEY = "au"


@dataclass(frozen=True)
class Filters:
    """What the shared sidebar selected."""

    contract: str | None
    as_of: date


def sidebar_filters(allowed: tuple[Contract, ...]) -> Filters:
    """Draw the contract and date selectors in the sidebar; return the selection.

    Only ``allowed`` contracts are offered: a contract name typed into the URL that is
    not among them is ignored by the widget.
    """
    names = [c.name for c in allowed]
    with st.sidebar:
        if names:
            contract = st.selectbox("Contrat", names, key=CONTRACT_KEY, bind="query-params")
        else:
            contract = None
            st.caption("Aucun contrat défini.")
        as_of = st.date_input(
            "Arrêté au",
            value=date.today(),
            key=AS_OF_KEY,
            format="DD/MM/YYYY",
            bind="query-params",
            help="Date à laquelle les soldes et les délais sont calculés.",
        )
    return Filters(contract=contract, as_of=as_of)
