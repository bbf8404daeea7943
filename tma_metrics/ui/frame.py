"""The app's frame: page registry, filtered by what the logged-in role may see."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from tma_metrics.auth.principal import Principal, Role

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
    """Pages of an anonymous visitor; the quick balance is the default."""
    sections: dict[str, list[st.Page]] = {}
    for i, (section, file, title, icon, url_path) in enumerate(PUBLIC_PAGES):
        page = st.Page(PAGES_DIR / file, title=title, icon=icon, url_path=url_path, default=i == 0)
        sections.setdefault(section, []).append(page)
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


def first_page(principal: Principal) -> str:
    """The path (for st.switch_page) of the first page ``principal`` may see."""
    file = next(row[1] for row in PAGE_TABLE if principal.role in row[5])
    return f"pages/{file}"
