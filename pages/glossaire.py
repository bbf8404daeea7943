"""Glossaire des indicateurs."""

import streamlit as st

from tma_metrics.ui.context import not_built_yet, page_context

ctx = page_context()
st.title("Glossaire des indicateurs")
not_built_yet("Le glossaire des indicateurs")
