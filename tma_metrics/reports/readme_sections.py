"""README sections generated from the code, so a test can keep them identical.

``python -m tma_metrics.reports.readme_sections`` prints them; `tests/test_readme.py` checks the
README holds exactly this text between its markers.
"""

from __future__ import annotations

from tma_metrics.metrics import glossary_markdown

__all__ = ["SECTIONS", "canonical_format_markdown"]

_KINDS = {
    "key": "text (key)",
    "text": "text",
    "ts": "timestamp",
    "date": "date",
    "hours": "number (hours)",
    "choice": "code",
}
_TABLE_TITLES = {
    "tickets": "Tickets (sheet « Demandes »)",
    "time_entries": "Time entries (sheet « Temps passé »)",
    "status_history": "Status history (sheet « Historique »), optional",
}
_NOTES = {
    "_type": "`type` in the file: a kind (corrective, evolutive, preventive, support, "
    "management) or the tool's own label, mapped by the contract",
    "_days": "`days` in the file: man-days of 8 hours, instead of `hours`",
    "estimate_status": "validated, refused or pending; empty with an estimate = validated",
    "reestimate_status": "accepted or refused",
    "resolved_at": "the resolution's date: an event that stops the SLA clocks",
    "closed_at": "the closing (after the client's acceptance): only bounds the resolution",
    "updated_at": "the last update: bounds the resolution of a ticket in a resolved status",
}
#: Notes of one table's column (a name several tables share).
_TABLE_NOTES = {
    ("status_history", "project"): "tells apart tickets of different tools with the same key",
    ("status_history", "ticket_key"): "the ticket's key, whatever tool the ticket came from",
}


def canonical_format_markdown() -> str:
    """The canonical format's columns, per table, with their French template headers."""
    from tma_metrics.sources.adapters.canonical import COLUMNS

    lines: list[str] = []
    for table, spec in COLUMNS.items():
        lines += [
            f"**{_TABLE_TITLES[table]}**",
            "",
            "| Column | Template header (fr) | Type | Required | Note |",
            "|---|---|---|---|---|",
        ]
        for _logical, name, kind, required, header, _aliases in spec:
            shown = name.lstrip("_")
            lines.append(
                f"| `{shown}` | {header} | {_KINDS.get(kind, kind)} | "
                f"{'yes' if required else ''} | "
                f"{_TABLE_NOTES.get((table, name), _NOTES.get(name, ''))} |"
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


SECTIONS = {"glossary": glossary_markdown, "canonical": canonical_format_markdown}

if __name__ == "__main__":
    for name, build in SECTIONS.items():
        print(f"<!-- {name}:start -->\n{build()}<!-- {name}:end -->\n")
