"""Bilan mensuel."""

import streamlit as st

from tma_metrics.ui.context import not_built_yet, page_context

ctx = page_context()
st.title("Bilan mensuel")
not_built_yet("Le bilan mensuel")
