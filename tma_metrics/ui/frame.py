"""The app's frame: page registry, filtered by what the logged-in role may see."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from tma_metrics.auth.principal import Principal, Role
from tma_metrics.store.connection import StoreBusy

__all__ = [
    "EVERYONE",
    "INTERNAL",
    "PAGES_DIR",
    "PAGE_TABLE",
    "PUBLIC_PAGES",
    "RESERVED",
    "STORE_BUSY",
    "first_page",
    "pages",
    "public_pages",
    "run_page",
    "store_busy_notice",
]

PAGES_DIR = Path(__file__).resolve().parents[2] / "pages"

INTERNAL = (Role.MANAGER, Role.PM)
EVERYONE = (Role.MANAGER, Role.PM, Role.CLIENT)

#: (section, file, title, icon, url path, roles) — the single list of the app's pages.
PAGE_TABLE: tuple[tuple[str, str, str, str, str, tuple[Role, ...]], ...] = (
    (
        "Pilotage",
        "portefeuille.py",
        "Portefeuille",
        ":material/dashboard:",
        "portefeuille",
        INTERNAL,
    ),
    ("Pilotage", "point_tma.py", "Point TMA", ":material/event_note:", "point-tma", EVERYONE),
    ("Pilotage", "bilan_mensuel.py", "Bilan mensuel", ":material/mail:", "bilan-mensuel", EVERYONE),
    ("Pilotage", "copil.py", "Copil", ":material/groups:", "copil", EVERYONE),
    ("Données", "import_donnees.py", "Import", ":material/upload_file:", "import", INTERNAL),
    ("Données", "contrats.py", "Contrats", ":material/contract:", "contrats", INTERNAL),
    ("Données", "sources.py", "Sources", ":material/sync:", "sources", (Role.MANAGER,)),
    (
        "Données",
        "glossaire.py",
        "Glossaire des indicateurs",
        ":material/menu_book:",
        "glossaire",
        EVERYONE,
    ),
    (
        "Clients",
        "solde_rapide.py",
        "Solde rapide",
        ":material/account_balance:",
        "solde-rapide",
        EVERYONE,
    ),
)


#: What an anonymous visitor reaches in server mode: the client's quick balance (open
#: without login, nothing kept) and the login page.
PUBLIC_PAGES: tuple[tuple[str, str, str, str, str], ...] = (
    ("Clients", "solde_rapide.py", "Solde rapide", ":material/account_balance:", "solde-rapide"),
    ("Compte", "connexion.py", "Connexion", ":material/login:", "connexion"),
)


def public_pages() -> dict[str, list[st.Page]]:
    """Pages of an anonymous visitor; the quick balance is the default.

    Every protected page keeps its address, hidden, with the login form and a French
    reason in place of its content (never Streamlit's English « Page not found »): after
    the login the same address shows the page, so bookmarks and shared links work.
    """
    sections: dict[str, list[st.Page]] = {}
    for i, (section, file, title, icon, url_path) in enumerate(PUBLIC_PAGES):
        page = st.Page(PAGES_DIR / file, title=title, icon=icon, url_path=url_path, default=i == 0)
        sections.setdefault(section, []).append(page)
    public = {row[4] for row in PUBLIC_PAGES}
    sections["Compte"] += [
        _stand_in(title, url_path, _login_required(title))
        for _section, _file, title, _icon, url_path, _roles in PAGE_TABLE
        if url_path not in public
    ]
    return sections


def pages(principal: Principal) -> dict[str, list[st.Page]]:
    """Return the pages ``principal`` may see, grouped by section; the first is the default.

    A page not registered cannot be reached by URL either: st.navigation only serves
    registered pages.
    """
    visible = [row for row in PAGE_TABLE if principal.role in row[5]]
    sections: dict[str, list[st.Page]] = {}
    for i, (section, file, title, icon, url_path, _roles) in enumerate(visible):
        page = st.Page(PAGES_DIR / file, title=title, icon=icon, url_path=url_path, default=i == 0)
        sections.setdefault(section, []).append(page)
    # The role's other pages keep their address, hidden, with a French refusal.
    for _section, _file, title, _icon, url_path, roles in PAGE_TABLE:
        if principal.role not in roles:
            sections.setdefault("Compte", []).append(_stand_in(title, url_path, _reserved(title)))
    # The login page stays registered, hidden, so the run right after a login (still on
    # its URL) lands on it and forwards to the role's first page.
    sections.setdefault("Compte", []).append(
        st.Page(
            PAGES_DIR / "connexion.py",
            title="Connexion",
            url_path="connexion",
            visibility="hidden",
        )
    )
    return sections


#: What a page reserved to the agency's team says to a client who opens its address.
RESERVED = "La page « {title} » est réservée à l'équipe de l'agence."


def _stand_in(title: str, url_path: str, draw: Callable[[], None]) -> st.Page:
    """Return a hidden page at ``url_path`` drawn by ``draw`` instead of the real one."""
    return st.Page(draw, title=title, url_path=url_path, visibility="hidden")


def _login_required(title: str) -> Callable[[], None]:
    def draw() -> None:
        from tma_metrics.ui.login_page import current_principal

        current_principal(reason=f"La page « {title} » demande une connexion.")
        st.rerun()  # logged in: the same address now serves the page itself

    return draw


def _reserved(title: str) -> Callable[[], None]:
    def draw() -> None:
        st.title("Accès réservé")
        st.error(RESERVED.format(title=title), icon=":material/lock:")

    return draw


def first_page(principal: Principal) -> str:
    """The path (for st.switch_page) of the first page ``principal`` may see."""
    file = next(row[1] for row in PAGE_TABLE if principal.role in row[5])
    return f"pages/{file}"


#: What a page says while another process holds the database (no path, no process id:
#: the visitor may be anyone).
STORE_BUSY = (
    "La base de données est occupée par un autre programme (un import en ligne de "
    "commande, par exemple) : cette page ne peut pas s'afficher pour l'instant. Rien n'a "
    "été modifié. Réessayez dans quelques instants."
)

_LOGGER = logging.getLogger(__name__)


def run_page(navigation: StreamlitPage) -> None:
    """Run the selected page; while the database is held elsewhere, show a notice instead."""
    try:
        navigation.run()
    except StoreBusy as exc:
        _LOGGER.warning("Database busy: %s", exc)
        store_busy_notice()


def store_busy_notice() -> None:
    """Show the page-level « base occupée » notice with a retry button."""
    st.title("Base de données occupée")
    st.warning(STORE_BUSY, icon=":material/hourglass_top:")
    # A click reruns the app, which tries the database again: nothing else to do.
    st.button("Réessayer", type="primary", icon=":material/refresh:", key="store_busy_retry")
