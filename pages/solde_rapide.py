"""Solde rapide (clients)."""

import streamlit as st

from tma_metrics.ui.context import not_built_yet

st.title("Solde rapide")
not_built_yet("Le solde rapide à partir d'un tableur")
