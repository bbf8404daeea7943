"""Contrats."""

import streamlit as st

from tma_metrics.ui.context import not_built_yet, page_context

ctx = page_context()
st.title("Contrats")
not_built_yet("L'éditeur des contrats")
