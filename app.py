"""TMA Metrics — entry point: who is looking, navigation, shared frame."""

import streamlit as st

from tma_metrics.ui import frame
from tma_metrics.ui.login_page import account_sidebar, logged_in_principal

st.set_page_config(page_title="TMA Metrics", page_icon=":material/monitoring:", layout="wide")
# Local mode: the implicit manager. Server mode: an anonymous visitor only reaches the
# quick balance and the login page; every other page is not even registered.
principal = logged_in_principal()
if principal is None:
    navigation = st.navigation(frame.public_pages())
else:
    navigation = st.navigation(frame.pages(principal))
    account_sidebar(principal)
st.sidebar.caption("TMA Metrics · suivi des contrats de TMA")
navigation.run()
