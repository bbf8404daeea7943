"""A confirmation that survives `st.rerun`: kept in the session, shown once on the next run."""

from __future__ import annotations

import streamlit as st

__all__ = ["flash", "show_flash"]

_KEY = "message-confirmation"


def flash(message: str) -> None:
    """Keep ``message`` for the next run (a message written before st.rerun is wiped)."""
    st.session_state[_KEY] = message


def show_flash() -> None:
    """Show, once, the message a save or an undo left before its rerun."""
    message = st.session_state.pop(_KEY, None)
    if message:
        st.success(message, icon=":material/check_circle:")
