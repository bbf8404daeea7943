"""Contrats: what each contract promises, and the file that says it."""

import streamlit as st

from tma_metrics.auth.principal import can_edit_contracts
from tma_metrics.french.markup import escape_markdown as md
from tma_metrics.ui.context import page_context
from tma_metrics.ui.contracts_page import contract_summary, contracts_editor

ctx = page_context(internal=True)
st.title("Contrats")
st.caption(
    "Les contrats sont décrits dans un fichier TOML (voir le README, « Contracts file »). "
    "Toute modification est vérifiée avant d'être enregistrée."
)
for contract in ctx.contracts:
    with st.expander(md(contract.name), expanded=contract.name == ctx.filters.contract):
        contract_summary(contract)
if can_edit_contracts(ctx.principal):
    st.subheader("Modifier le fichier")
    contracts_editor(ctx.principal)
