"""The app's frame: page registry and shared sidebar."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

PAGES_DIR = Path(__file__).resolve().parents[2] / "pages"

#: (section, file, title, icon, url path) — the single list of the app's pages.
PAGE_TABLE: tuple[tuple[str, str, str, str, str], ...] = (
    ("Pilotage", "portefeuille.py", "Portefeuille", ":material/dashboard:", "portefeuille"),
    ("Pilotage", "point_tma.py", "Point TMA", ":material/event_note:", "point-tma"),
    ("Pilotage", "bilan_mensuel.py", "Bilan mensuel", ":material/mail:", "bilan-mensuel"),
    ("Pilotage", "copil.py", "Copil", ":material/groups:", "copil"),
    ("Données", "import_donnees.py", "Import", ":material/upload_file:", "import"),
    ("Données", "contrats.py", "Contrats", ":material/contract:", "contrats"),
    ("Données", "glossaire.py", "Glossaire des indicateurs", ":material/menu_book:", "glossaire"),
    ("Clients", "solde_rapide.py", "Solde rapide", ":material/account_balance:", "solde-rapide"),
)


def pages() -> dict[str, list[st.Page]]:
    """Return the st.Page objects grouped by section, the first one being the default."""
    sections: dict[str, list[st.Page]] = {}
    for i, (section, file, title, icon, url_path) in enumerate(PAGE_TABLE):
        page = st.Page(PAGES_DIR / file, title=title, icon=icon, url_path=url_path, default=i == 0)
        sections.setdefault(section, []).append(page)
    return sections
