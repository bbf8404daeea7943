"""What every contract page starts with: store, allowed contracts, sidebar filters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import streamlit as st

from tma_metrics.auth.principal import Principal, allowed_contracts, sees_internal
from tma_metrics.domain.contracts.model import Contract
from tma_metrics.french.markup import escape_markdown as md
from tma_metrics.store import Store
from tma_metrics.ui import state
from tma_metrics.ui.filters import ALL_FILTERS, Filters, sidebar_filters
from tma_metrics.ui.freshness import data_end_of
from tma_metrics.ui.login_page import current_principal
from tma_metrics.views.as_of import data_notice, default_as_of, stale_warning

__all__ = ["PageContext", "not_built_yet", "page_context", "stale_data_notice"]


@dataclass(frozen=True)
class PageContext:
    """The resources and selection a contract page works with."""

    store: Store
    contracts: tuple[Contract, ...]  # only those the principal may see
    filters: Filters
    principal: Principal
    data_end: date | None = None  # last day of data of ``contracts``

    @property
    def internal(self) -> bool:
        """True when internal figures (absorbed hours, comments) may be shown."""
        return sees_internal(self.principal)

    @property
    def contract(self) -> Contract | None:
        """The selected contract (always one of the allowed ones)."""
        return next((c for c in self.contracts if c.name == self.filters.contract), None)


def page_context(*, internal: bool = False, filters: Sequence[str] = ALL_FILTERS) -> PageContext:
    """Check who is looking, open the store, draw the sidebar's ``filters``; stop on a bad file.

    The contracts offered (and every read below) are limited to those the principal may
    see, so editing the URL's ``contrat`` parameter cannot reach another contract. An
    ``internal`` page also stops for a client, whatever route led there (the navigation
    does not register it for a client either: this is the second lock).
    """
    principal = current_principal()
    if internal and not sees_internal(principal):
        st.error("Cette page est réservée à l'équipe de l'agence.")
        st.stop()
    store = state.store()
    contracts, error = state.contracts()
    if error:
        # A contracts error names other contracts: never show it to a client.
        st.error(md(error) if sees_internal(principal) else "Les contrats sont indisponibles.")
        st.stop()
    allowed = allowed_contracts(principal, contracts)
    end = data_end_of(store, allowed) if filters else None
    chosen = sidebar_filters(
        allowed,
        filters,
        default_as_of=default_as_of(end, date.today()),
        notice=data_notice(end) if allowed else "",
    )
    return PageContext(
        store=store, contracts=allowed, filters=chosen, principal=principal, data_end=end
    )


def stale_data_notice(ctx: PageContext) -> None:
    """Warn when the as-of date is well past the end of the data (see `views.as_of`)."""
    warning = stale_warning(ctx.data_end, ctx.filters.as_of)
    if warning:
        st.warning(warning, icon=":material/history:")


def not_built_yet(what: str) -> None:
    """Say plainly that a view is not built yet (never show a made-up number)."""
    st.info(
        f"{what} n'est pas encore disponible dans cette version : aucun chiffre n'est "
        "affiché plutôt qu'un chiffre inventé.",
        icon=":material/construction:",
    )
