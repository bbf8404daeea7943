"""Portefeuille."""

import streamlit as st

from tma_metrics.ui.context import not_built_yet, page_context

ctx = page_context()
st.title("Portefeuille")
not_built_yet("La vue de tous les contrats")
