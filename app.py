"""TMA Metrics — entry point: who is looking, navigation, shared frame.

``streamlit run app.py`` serves `app` below (`streamlit.App`): Streamlit's own server
plus the two routes that set and clear the HttpOnly session cookie. Each page load then
runs this file as the script (``__main__``).
"""

import streamlit as st

if __name__ == "__main__":
    from tma_metrics.ui import frame
    from tma_metrics.ui.login_page import account_sidebar, logged_in_principal

    st.set_page_config(page_title="TMA Metrics", page_icon=":material/monitoring:", layout="wide")
    # Local mode: the implicit manager. Server mode: an anonymous visitor only reaches
    # the quick balance and the login; every other address asks for a login first.
    principal = logged_in_principal()
    if principal is None:
        navigation = st.navigation(frame.public_pages())
    else:
        navigation = st.navigation(frame.pages(principal))
        account_sidebar(principal)
    st.sidebar.caption("TMA Metrics · suivi des contrats de TMA")
    frame.run_page(navigation)
else:  # imported by the web server
    from streamlit.runtime.pages_manager import PagesManager

    from tma_metrics.ui.session_routes import session_routes

    # The pages are registered by st.navigation above: never run a file of pages/ on
    # its own, outside this frame (Streamlit does that for the very first visit of a
    # process when a pages/ folder exists and st.navigation has not run yet).
    PagesManager.uses_pages_directory = False
    app = st.App(__file__, routes=session_routes())
