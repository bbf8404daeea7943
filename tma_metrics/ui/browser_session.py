"""The Streamlit side of login sessions: read the cookie, start and end a session.

A login is kept in the session state of the websocket (the page that logged in) and in
a signed HttpOnly cookie (every later page load, new tab or bookmark of that browser).
The cookie itself is set and deleted by the web routes of `session_routes`: the page
posts to them from the browser (`sync_cookie`), and keeps asking until the server has
received the login's one-time code, since a run cut short by a page switch may never
reach the browser.
"""

from __future__ import annotations

import json

import streamlit as st

from tma_metrics.auth.sessions import KEEPER, SESSION_COOKIE, SessionToken
from tma_metrics.ui.session_routes import CLOSE_PATH, OPEN_PATH, base_path

__all__ = [
    "CLOSING_KEY",
    "HANDOFF_KEY",
    "SESSION_KEY",
    "cookie_token",
    "end_session",
    "is_ended",
    "start_session",
    "sync_cookie",
]

SESSION_KEY = "auth_session"  # the SessionToken of this page's login
HANDOFF_KEY = "auth_handoff"  # the one-time code the browser exchanges for the cookie
CLOSING_KEY = "auth_closing"  # after a logout: the browser drops the cookie


def cookie_token() -> SessionToken | None:
    """Return the valid session of the cookie the browser sent, if any."""
    try:
        value = st.context.cookies.get(SESSION_COOKIE)
    except (AttributeError, RuntimeError):  # no browser behind this run (tests, bench)
        return None
    return KEEPER.decode(value)


def start_session(login: str, password_hash: str) -> SessionToken:
    """Open a session for a login just checked; the browser gets its cookie next run."""
    token = KEEPER.issue(login, password_hash)
    st.session_state[SESSION_KEY] = token
    st.session_state[HANDOFF_KEY] = KEEPER.hand_off(token)
    st.session_state.pop(CLOSING_KEY, None)
    return token


def end_session(token: object) -> None:
    """Revoke ``token`` and the cookie's session; the browser drops the cookie next run.

    Call after clearing the session state (what it sets must survive).
    """
    for found in (token, cookie_token()):
        if isinstance(found, SessionToken):
            KEEPER.revoke(found)
    st.session_state[CLOSING_KEY] = True


def is_ended(token: object) -> bool:
    """Say whether a session kept in the session state was ended (logout elsewhere)."""
    return isinstance(token, SessionToken) and (
        KEEPER.is_revoked(token.sid) or KEEPER.seconds_left(token) == 0
    )


def sync_cookie() -> None:
    """Have the browser fetch its new session cookie, or drop the old one after a logout."""
    code = st.session_state.get(HANDOFF_KEY)
    if code is not None and not KEEPER.is_pending(code):
        del st.session_state[HANDOFF_KEY]  # taken by the browser, or expired
        code = None
    if code is not None:
        _post(OPEN_PATH, f"code={code}")
    elif st.session_state.get(CLOSING_KEY):
        _post(CLOSE_PATH, "")


def _post(path: str, body: str) -> None:
    url = json.dumps(base_path() + path)
    data = json.dumps(body).replace("<", "\\u003c")  # our own values, kept inert
    st.html(
        "<script>fetch("
        + url
        + ', {method: "POST", credentials: "same-origin", headers: {"Content-Type": '
        + '"application/x-www-form-urlencoded"}, body: '
        + data
        + "});</script>",
        unsafe_allow_javascript=True,
    )
