"""Who is logged in: the login gate every page goes through, and the account sidebar.

Three modes (`auth_mode`): local (no users file: the implicit manager, no login),
password (a users file: a login form; it stays closed while the file defines nobody),
OIDC (``[auth]`` in ``.streamlit/secrets.toml``: ``st.login`` and the e-mail looked up in
the users file). A password login lasts across reloads, tabs and bookmarks through a
signed session cookie (`browser_session`).
"""

from __future__ import annotations

import importlib.util
import logging
import math
import time

import streamlit as st
from streamlit.errors import StreamlitAPIException

from tma_metrics.auth.mode import AuthMode, decide_mode, is_loopback
from tma_metrics.auth.principal import LOCAL_MANAGER, ROLE_LABELS_FR, Principal
from tma_metrics.auth.sessions import KEEPER
from tma_metrics.auth.throttle import BackoffPolicy, LoginThrottle
from tma_metrics.auth.users import (
    Users,
    UsersFileError,
    authenticate,
    load_users,
    normalise_login,
    rehash_if_needed,
    resolve_users_path,
)
from tma_metrics.auth.write_scope import WriteScope
from tma_metrics.french.markup import escape_markdown as md
from tma_metrics.ui import browser_session

__all__ = [
    "BROKEN_USERS",
    "FAILURES_KEY",
    "HASH_DIGEST_KEY",
    "LAST_FAILURE_KEY",
    "NO_USERS",
    "POLICY",
    "PRINCIPAL_KEY",
    "SESSION_KEY",
    "WRONG_CREDENTIALS",
    "account_sidebar",
    "auth_mode",
    "current_principal",
    "logged_in_principal",
    "logout",
    "oidc_configured",
    "users_state",
    "write_scope",
]

PRINCIPAL_KEY = "auth_principal"
HASH_DIGEST_KEY = "auth_hash_digest"  # a password change ends the sessions opened before it
SESSION_KEY = browser_session.SESSION_KEY
FAILURES_KEY = "auth_failures"
LAST_FAILURE_KEY = "auth_last_failure"

WRONG_CREDENTIALS = "Identifiant ou mot de passe incorrect."
#: The users file exists but defines nobody: the app stays closed (never local mode).
NO_USERS = (
    "Aucun utilisateur n'est défini dans le fichier des utilisateurs : l'application reste "
    "fermée. Un administrateur ajoute un utilisateur avec « python -m tma_metrics user add », "
    "ou supprime le fichier pour revenir au mode local (sans connexion, sur cette machine)."
)
BROKEN_USERS = (
    "Le fichier des utilisateurs est invalide : connexion impossible. "
    "L'administrateur voit le détail avec « python -m tma_metrics user list »."
)
POLICY = BackoffPolicy()

_LOGGER = logging.getLogger(__name__)


def users_state() -> tuple[Users, str | None]:
    """Return the users of the file and, when the file is wrong or empty, its French error."""
    try:
        users = load_users()
    except UsersFileError as exc:
        return Users(), str(exc)
    except OSError as exc:
        return Users(), f"Fichier des utilisateurs illisible : {resolve_users_path()} ({exc})."
    if not len(users) and resolve_users_path().exists():
        return users, NO_USERS
    return users, None


def oidc_configured() -> bool:
    """Say whether ``.streamlit/secrets.toml`` has an ``[auth]`` section (OIDC login)."""
    try:
        return bool(st.secrets.load_if_toml_exists() and "auth" in st.secrets)
    except FileNotFoundError:
        return False


def auth_mode() -> AuthMode:
    """Return "local", "password" or "oidc" for this run (see `decide_mode`)."""
    if oidc_configured():
        return "oidc"
    users, error = users_state()
    return decide_mode(
        oidc_configured=False,
        user_count=len(users),
        users_file_broken=bool(error),
        users_file_exists=resolve_users_path().exists(),
    )


def current_principal(reason: str | None = None) -> Principal:
    """Return who is looking; in server mode draw the login screen and stop until logged in.

    Safe to call several times per run (app.py and each page): once logged in it draws
    nothing. The user's role and contracts are read again from the users file on every
    run, so an edit of the file applies at once, and a removed user is logged out.
    ``reason`` is shown above the login form (the page that asked for it).
    """
    browser_session.sync_cookie()
    mode = auth_mode()
    if mode == "local":
        return LOCAL_MANAGER
    users, error = users_state()
    if error:
        # The detail names users and keys: it goes to the server log, not to a visitor.
        _LOGGER.error("Users file rejected: %s", error)
        st.error(NO_USERS if error == NO_USERS else BROKEN_USERS, icon=":material/lock:")
        st.stop()
    principal = _oidc_principal(users) if mode == "oidc" else _password_principal(users, reason)
    st.session_state[PRINCIPAL_KEY] = principal
    return principal


def logged_in_principal() -> Principal | None:
    """Return who is logged in; None for an anonymous visitor.

    Local mode always has its implicit manager. A broken users file counts as nobody
    logged in (the login page then explains it). Draws nothing visible: only, after a
    login or a logout, the request that has the browser take or drop its cookie.
    """
    browser_session.sync_cookie()
    mode = auth_mode()
    if mode == "local":
        return LOCAL_MANAGER
    users, error = users_state()
    if error:
        return None
    if mode == "oidc":
        if not st.user.is_logged_in:
            return None
        email = st.user.get("email")
        record = users.find_email(str(email)) if isinstance(email, str) and email else None
        if record is None or st.user.get("email_verified") is False:
            return None
        return record.principal()
    return _session_principal(users)


def account_sidebar(principal: Principal) -> None:
    """Show who is logged in and the logout button (call once per run, from app.py)."""
    mode = auth_mode()
    with st.sidebar:
        if mode == "local":
            address = st.get_option("server.address")
            if not is_loopback(address):
                st.warning(
                    "Mode local sans connexion, mais le serveur accepte les connexions "
                    f"d'autres machines (server.address = {address or 'toutes les adresses'}) "
                    ": toute personne qui l'atteint voit tous les contrats. Créez un "
                    "utilisateur (python -m tma_metrics user add) ou lancez l'application "
                    "depuis le dossier du projet.",
                    icon=":material/warning:",
                )
            return
        st.caption(f"Connecté : **{md(principal.name)}** · {ROLE_LABELS_FR[principal.role]}")
        if st.button("Se déconnecter", key="auth_logout", icon=":material/logout:"):
            logout(mode)


def logout(mode: AuthMode | None = None) -> None:
    """End the session everywhere, forget what it held, show the login screen again.

    The session is revoked on the server (every tab and copy of its cookie is logged
    out at its next run), then the browser drops the cookie.
    """
    token = st.session_state.get(SESSION_KEY)
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if (mode or auth_mode()) == "oidc":
        st.logout()
        return
    browser_session.end_session(token)
    try:
        st.switch_page("pages/connexion.py")
    except StreamlitAPIException:  # a script without the app's pages (tests)
        st.rerun()


def _password_principal(users: Users, reason: str | None = None) -> Principal:
    known = _session_principal(users)
    if known is not None:
        return known
    _login_form(users, reason)
    st.stop()


def _session_principal(users: Users) -> Principal | None:
    """Return who this page or the browser's session cookie is logged in as, if valid."""
    stored = st.session_state.get(PRINCIPAL_KEY)
    if isinstance(stored, Principal):
        record = users.find_login(stored.login)
        if (
            record is not None
            and record.password_hash is not None
            and st.session_state.get(HASH_DIGEST_KEY)
            == KEEPER.password_digest(record.password_hash)
            and not browser_session.is_ended(st.session_state.get(SESSION_KEY))
        ):
            return record.principal()
        _forget_login()
        return None
    token = browser_session.cookie_token()
    if token is None:
        return None
    record = users.find_login(token.login)
    if record is None or record.password_hash is None:
        return None
    if KEEPER.password_digest(record.password_hash) != token.password_digest:
        return None  # the password changed since this session was opened
    st.session_state[PRINCIPAL_KEY] = record.principal()
    st.session_state[HASH_DIGEST_KEY] = token.password_digest
    st.session_state[SESSION_KEY] = token
    return record.principal()


def _forget_login() -> None:
    for key in (PRINCIPAL_KEY, HASH_DIGEST_KEY, SESSION_KEY):
        st.session_state.pop(key, None)


@st.cache_resource(show_spinner=False)
def _login_throttle() -> LoginThrottle:
    """Failures per login, shared by every session: a new tab does not reset them."""
    return LoginThrottle(POLICY)


def _login_form(users: Users, reason: str | None = None) -> None:
    st.title("Connexion")
    st.caption("TMA Metrics · suivi des contrats de TMA · accès réservé")
    if reason:
        st.info(reason, icon=":material/lock:")
    with st.form("auth_login", clear_on_submit=True):
        login = st.text_input("Identifiant", autocomplete="username")
        password = st.text_input("Mot de passe", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Se connecter", type="primary")
    if not submitted:
        return
    if not login.strip() or not password:
        st.warning("Saisissez votre identifiant et votre mot de passe.")
        return
    principal = _attempt(users, login, password)
    if principal is None:
        return
    _rehash_quietly(principal.login, password)
    token = browser_session.start_session(principal.login, _current_hash(principal.login))
    st.session_state[PRINCIPAL_KEY] = principal
    st.session_state[HASH_DIGEST_KEY] = token.password_digest
    st.rerun()


def _attempt(users: Users, login: str, password: str) -> Principal | None:
    """Check one submitted login, unless recent failures impose a wait first."""
    now = time.monotonic()
    key = normalise_login(login)
    throttle = _login_throttle()
    wait = max(
        throttle.wait(key, now),
        POLICY.wait(
            st.session_state.get(FAILURES_KEY, 0), st.session_state.get(LAST_FAILURE_KEY), now
        ),
    )
    if wait > 0:
        st.error(
            f"Trop de tentatives infructueuses : réessayez dans {math.ceil(wait)} s.",
            icon=":material/timer:",
        )
        return None
    principal = authenticate(users, login, password)
    if principal is None:
        throttle.record_failure(key, now)
        st.session_state[FAILURES_KEY] = POLICY.failures_after(
            st.session_state.get(FAILURES_KEY, 0), st.session_state.get(LAST_FAILURE_KEY), now
        )
        st.session_state[LAST_FAILURE_KEY] = now
        _LOGGER.warning("Failed login (session failures: %d)", st.session_state[FAILURES_KEY])
        st.error(WRONG_CREDENTIALS)
        return None
    throttle.reset(key)
    st.session_state.pop(FAILURES_KEY, None)
    st.session_state.pop(LAST_FAILURE_KEY, None)
    _LOGGER.info("Login: %s", principal.login)
    return principal


def _rehash_quietly(login: str, password: str) -> None:
    # A hash made with older argon2 parameters is upgraded at the next good login; a
    # failure to rewrite the file must not block the login.
    try:
        rehash_if_needed(None, login, password)
    except (OSError, UsersFileError) as exc:
        _LOGGER.warning("Could not upgrade the password hash of %s: %s", login, exc)


def _current_hash(login: str) -> str:
    users, _ = users_state()
    record = users.find_login(login)
    return record.password_hash if record and record.password_hash else ""


def _oidc_principal(users: Users) -> Principal:
    if not st.user.is_logged_in:
        st.title("Connexion")
        st.caption("TMA Metrics · suivi des contrats de TMA · accès réservé")
        if importlib.util.find_spec("authlib") is None:
            st.error(
                "La connexion par fournisseur d'identité (OIDC) demande le paquet Authlib : "
                "installez-le (pip install Authlib) puis relancez l'application."
            )
        elif st.button("Se connecter avec votre compte", type="primary", key="auth_oidc_login"):
            st.login()
        st.stop()
    email = st.user.get("email")
    record = users.find_email(str(email)) if isinstance(email, str) and email else None
    if st.user.get("email_verified") is False:
        record = None  # an unverified address proves nothing about who is there
    if record is None:
        _LOGGER.warning("OIDC login refused for an address absent from the users file")
        st.error(
            f"Le compte « {md(email or 'sans adresse e-mail')} » n'a pas accès à TMA Metrics : "
            "son adresse e-mail (vérifiée) n'est pas dans le fichier des utilisateurs. "
            "Demandez à un responsable de vous y ajouter."
        )
        if st.button("Se déconnecter", key="auth_oidc_refused_logout"):
            logout("oidc")
        st.stop()
    return record.principal()


def write_scope(principal: Principal) -> WriteScope:
    """Return what ``principal`` may write, read against the whole contracts file."""
    from tma_metrics.ui import state

    contracts, _error = state.contracts()
    return WriteScope(principal, contracts)
