"""Hostile texts in every place a file puts text (issue 12, finding 7), and how to spot them.

A contract, its tickets (keys, titles, assignees), its time entries (people, comments)
and a CSV whose header is Markdown. `raw_markup` finds, in a text a page hands to
Streamlit's Markdown, any of these constructs left unescaped.
"""

from __future__ import annotations

import re
from pathlib import Path

from tma_metrics.store import Store
from tma_metrics.store.contracts_file import local_scope

EVIL = "evil.example"
#: Each hostile construct, as it sits in the data.
HOSTILE = {
    "bold-html": "<b>gras</b>",
    "link-html": f"<a href='http://{EVIL}/a'>lien</a>",
    "image-md": f"![x](http://{EVIL}/x.png)",
    "link-md": f"[lien](http://{EVIL}/l)",
    "bold-md": "**gras**",
    "math": "$x$",
    "code": "`code`",
    "script": "<script>alert(1)</script>",
    "image-html": f"<img src='http://{EVIL}/i.png'>",
}
CONTRACT = f"Client {HOSTILE['bold-html']} {HOSTILE['link-md']}"
#: Ticket keys: one per construct (keys are texts in the canonical format).
KEYS = [f"K{i} {text}" for i, text in enumerate(HOSTILE.values())]
AS_OF = "2026-11-20"


def _csv_field(text: str) -> str:
    return text.replace(";", ",")


def tickets_csv() -> str:
    """Open tickets past their guarantee (named by the Point TMA alerts), hostile texts."""
    lines = ["clé;projet;titre;type;priorité;statut;créé le;estimation (h);assigné à"]
    for i, key in enumerate(KEYS):
        title = list(HOSTILE.values())[-1 - i]
        lines.append(
            f"{_csv_field(key)};site;{_csv_field(title)} titre;corrective;majeure;En cours;"
            f"0{1 + i}/11/2026 09:00;1;{_csv_field(title)}"
        )
    return "\n".join(lines) + "\n"


def times_csv() -> str:
    """Five hours on each ticket (past the 1 h estimate), hostile people and comments."""
    lines = ["date;personne;heures;demande;projet;activité;commentaire"]
    for i, key in enumerate(KEYS):
        text = _csv_field(list(HOSTILE.values())[i])
        lines.append(f"1{i}/11/2026;{text};5;{_csv_field(key)};site;Dév;{text}")
    return "\n".join(lines) + "\n"


def header_csv() -> str:
    """A file no adapter knows, whose header is hostile Markdown and HTML."""
    header = ";".join(_csv_field(text) for text in HOSTILE.values())
    return header + "\n" + ";".join("1" for _ in HOSTILE) + "\n"


def contracts_toml() -> str:
    name = CONTRACT.replace("\\", "\\\\").replace('"', '\\"')
    return (
        f'[[contract]]\nname = "{name}"\nprojects = ["site"]\n'
        "[[contract.carnet]]\nstart = 2026-01-01\ndays = 20\n"
    )


def hostile_database(folder: Path) -> tuple[Path, Path]:
    """A database holding the hostile tickets and entries, and its contracts file."""
    db = folder / "hostile.duckdb"
    store = Store(db)
    for name, text in (("demandes.csv", tickets_csv()), ("temps.csv", times_csv())):
        report = store.import_file(text.encode(), name, scope=local_scope(()))
        assert report.imported and len(report.rejected) == 0, (report.error, report.rejected)
    store.close()
    contracts = folder / "contracts.toml"
    contracts.write_text(contracts_toml(), encoding="utf-8")
    return db, contracts


#: Constructs that Markdown would render, as they look unescaped.
_RAW_MARKDOWN = [
    re.escape(HOSTILE["bold-html"]),
    r"(?<!\\)\[lien(?<!\\)\]\(",
    r"!(?<!\\)\[x(?<!\\)\]\(",
    r"(?<!\\)\*(?<!\\)\*gras",
    r"(?<!\\)\$x(?<!\\)\$",
    r"(?<!\\)`code(?<!\\)`",
    r"(?<!\\)<(a|img|script|b)\b",
    re.escape(f"www.{EVIL}"),
]


def raw_markup(text: str) -> list[str]:
    """The hostile constructs ``text`` holds unescaped (Streamlit would render them)."""
    return [pattern for pattern in _RAW_MARKDOWN if re.search(pattern, text)]
