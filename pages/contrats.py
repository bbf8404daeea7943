"""Contrats: what each contract promises, a form to add one, and the file that says it."""

import streamlit as st

from tma_metrics.auth.principal import can_edit_contracts
from tma_metrics.french.markup import escape_markdown as md
from tma_metrics.ui.context import page_context
from tma_metrics.ui.contract_form import contract_form, unassigned_projects
from tma_metrics.ui.contracts_page import contract_summary, contracts_editor, contracts_source
from tma_metrics.ui.contracts_write import show_flash

ctx = page_context(internal=True, filters=())
st.title("Contrats")
show_flash()
contracts_source()
unassigned_projects(ctx, key="contrats-import")
for contract in ctx.contracts:
    with st.expander(md(contract.name), expanded=contract.name == ctx.filters.contract):
        contract_summary(contract)
if can_edit_contracts(ctx.principal):
    st.subheader("Nouveau contrat")
    contract_form(ctx, [], key="contrats")
    st.subheader("Modifier le fichier")
    contracts_editor(ctx.principal)
