"""Connexion: the login form of server mode, then the role's first page."""

import streamlit as st

from tma_metrics.ui.frame import first_page
from tma_metrics.ui.login_page import current_principal

principal = current_principal()  # draws the form and stops until the visitor is logged in
st.switch_page(first_page(principal))
