"""Glossaire des indicateurs: every KPI of the catalog, in French."""

import streamlit as st

from tma_metrics.ui.glossary_page import glossary_table

st.title("Glossaire des indicateurs")
st.caption(
    "Chaque chiffre affiché vient de ce catalogue ; les exports et le README en reprennent "
    "les définitions."
)
glossary_table()
