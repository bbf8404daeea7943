"""Copil."""

import streamlit as st

from tma_metrics.ui.context import not_built_yet, page_context

ctx = page_context()
st.title("Copil")
not_built_yet("La vue copil")
