"""TMA Metrics — entry point: page config, navigation, shared frame."""

import streamlit as st

from tma_metrics.ui import frame

st.set_page_config(page_title="TMA Metrics", page_icon=":material/monitoring:", layout="wide")
navigation = st.navigation(frame.pages())
st.sidebar.caption("TMA Metrics · suivi des contrats de TMA")
navigation.run()
