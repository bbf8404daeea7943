"""Connexion: the login form of server mode, then the role's first page."""

import streamlit as st

from tma_metrics.ui.auth import current_principal
from tma_metrics.ui.frame import first_page

principal = current_principal()  # draws the form and stops until the visitor is logged in
st.switch_page(first_page(principal))
