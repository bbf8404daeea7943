"""Connexion: the login form of server mode (then every allowed page appears)."""

import streamlit as st

from tma_metrics.ui.auth import current_principal

current_principal()  # draws the form and stops until the visitor is logged in
st.rerun()  # logged in: rerun so app.py registers the pages of this role
