"""The canonical Excel template: one sheet per table, French headers, an example row."""

from __future__ import annotations

import io
from datetime import datetime
from typing import TYPE_CHECKING

from tma_metrics.sources.adapters.canonical import template_columns, template_headers

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["SHEETS", "build_template"]

SHEETS = {"tickets": "Demandes", "time_entries": "Temps passé", "status_history": "Historique"}

#: One example row per sheet, by canonical column (absent columns stay empty).
_EXAMPLES: dict[str, dict[str, object]] = {
    "tickets": {
        "key": "123",
        "project": "SITE-WEB",
        "title": "Le formulaire de contact ne s'envoie plus",
        "_type": "Corrective",
        "priority": "Majeure",
        "status": "Résolu",
        "created_at": datetime(2026, 11, 20, 9, 15),
        "responded_at": datetime(2026, 11, 20, 10, 5),
        "workaround_at": datetime(2026, 11, 20, 16, 40),
        "resolved_at": datetime(2026, 11, 23, 11, 0),
        "closed_at": datetime(2026, 11, 25, 17, 30),
        "estimate_hours": 6,
        "estimate_status": "validée",
        "assignee": "Camille Martin",
        "tracker": "Anomalie",
        "resolution": "Corrigé",
        "spent_hours": 5.5,
        "project_name": "Site web institutionnel",
    },
    "time_entries": {
        "date": datetime(2026, 11, 20),
        "person": "Camille Martin",
        "hours": 3.5,
        "ticket_key": "123",
        "project": "SITE-WEB",
        "activity": "Développement",
        "comment": "Correction du formulaire",
        "started_at": datetime(2026, 11, 20, 14, 0),
    },
    "status_history": {
        "ticket_key": "123",
        "at": datetime(2026, 11, 20, 10, 5),
        "status": "En cours",
    },
}

_README = (
    ("Modèle d'import TMA Metrics", ""),
    ("", ""),
    ("Feuille", "Contenu"),
    ("Demandes", "Une ligne par demande (ticket). Seule la colonne « Clé » est obligatoire."),
    ("Temps passé", "Une ligne par saisie de temps. « Date » et « Heures » sont obligatoires."),
    ("Historique", "Une ligne par changement de statut : « Demande », « Date », « Statut »."),
    ("", ""),
    ("Règle", "Détail"),
    ("Dates", "20/11/2026 17:30 ou 2026-11-20 17:30 ; une cellule date d'Excel convient aussi."),
    ("Heures", "7,5 ou 7.5 ou 7:30 ou 7h30 ; « 0,5 j » compte 4 heures (journée de 8 h)."),
    (
        "Type",
        "Corrective, Évolutive, Préventive, Support, Gestion de projet — ou le type de "
        "votre outil (Anomalie, Évolution...), que le contrat traduit.",
    ),
    (
        "Statut estimation",
        "validée, refusée ou en attente ; une estimation sans statut est considérée comme validée.",
    ),
    ("Statut réestimation", "acceptée, refusée ou en attente."),
    (
        "Demande (temps passé)",
        "La clé de la demande ; vide pour un temps hors demande (pilotage, réunions).",
    ),
    (
        "Colonnes",
        "L'ordre des colonnes est libre, les colonnes vides peuvent être supprimées ; "
        "les en-têtes anglais (key, created_at, hours...) sont aussi reconnus.",
    ),
    ("Ligne d'exemple", "Remplacez la ligne d'exemple de chaque feuille par vos données."),
    (
        "Carnet",
        "Facultatif : jours achetés, date de début et heures par jour du carnet, que la page "
        "« Solde rapide » lit pour préremplir son calcul.",
    ),
)

#: The optional « Carnet » sheet (label / value rows), read by the quick balance.
_CARNET = (
    ("Jours achetés", 40),
    ("Date de début", datetime(2026, 1, 1)),
    ("Heures par jour", 8),
)

_HEADER_COLOR = "1F4E79"


def build_template() -> bytes:
    """Return the canonical Excel template (.xlsx) as bytes."""
    # openpyxl is imported here, not with the package: it takes 0.2 s to load and every
    # import of a file (which loads `sources`) would pay for it.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    first = True
    for table, title in SHEETS.items():
        sheet = book.active if first else book.create_sheet()
        assert sheet is not None
        first = False
        sheet.title = title
        headers = template_headers(table)
        sheet.append(headers)
        sheet.append([_EXAMPLES[table].get(name) for name in template_columns(table)])
        _format(sheet, headers)
        if table == "tickets":
            _choices(sheet, headers, "Statut estimation", "validée,refusée,en attente")
            _choices(sheet, headers, "Statut réestimation", "acceptée,refusée,en attente")
    carnet = book.create_sheet("Carnet")
    for label, value in _CARNET:
        carnet.append([label, value])
    carnet["B2"].number_format = "dd/mm/yyyy"
    carnet.column_dimensions["A"].width = 20
    readme = book.create_sheet("Lisez-moi")
    for row in _README:
        readme.append(list(row))
    readme["A1"].font = Font(bold=True, size=14)
    for cell in ("A3", "B3", "A8", "B8"):
        readme[cell].font = Font(bold=True)
    readme.column_dimensions["A"].width = 24
    readme.column_dimensions["B"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _format(sheet: Worksheet, headers: list[str]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    fill = PatternFill("solid", start_color=_HEADER_COLOR)
    font = Font(bold=True, color="FFFFFF")
    for i, name in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=i)
        cell.fill, cell.font = fill, font
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(14, len(name) + 4)
        example = sheet.cell(row=2, column=i)
        if isinstance(example.value, datetime):
            midnight = example.value.hour == 0 and example.value.minute == 0
            example.number_format = "dd/mm/yyyy" if midnight else "dd/mm/yyyy hh:mm"
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 30


def _choices(sheet: Worksheet, headers: list[str], column: str, values: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    letter = sheet.cell(row=1, column=headers.index(column) + 1).column_letter
    check = DataValidation(type="list", formula1=f'"{values}"', allow_blank=True)
    sheet.add_data_validation(check)
    check.add(f"{letter}2:{letter}10000")
