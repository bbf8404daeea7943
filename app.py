"""TMA Metrics — entry point: login gate, navigation, shared frame."""

import streamlit as st

from tma_metrics.ui import frame
from tma_metrics.ui.auth import account_sidebar, current_principal

st.set_page_config(page_title="TMA Metrics", page_icon=":material/monitoring:", layout="wide")
principal = current_principal()  # local: implicit manager; server: login form until logged in
navigation = st.navigation(frame.pages(principal))
account_sidebar(principal)
st.sidebar.caption("TMA Metrics · suivi des contrats de TMA")
navigation.run()
