"""Every file a meeting page offers, built by one function for the page and the command line.

``point_files``, ``bilan_files``, ``copil_files`` and ``portfolio_files`` turn a view
into a :class:`ReportFiles`: the e-mail text, the workbook's sheets, the Copil's deck,
and the names of the files. The pages' download buttons and ``python -m tma_metrics
export`` both call them, so the command writes exactly what the buttons give.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pandas as pd
import plotly.graph_objects as go

from tma_metrics.errors import TmaError
from tma_metrics.french import formats as fr
from tma_metrics.reports import view_exports
from tma_metrics.reports.copil_deck import copil_deck
from tma_metrics.reports.csv_fr import csv_bytes
from tma_metrics.reports.deck import Deck, with_chart_images
from tma_metrics.reports.slides import deck_bytes
from tma_metrics.reports.texts import bilan_text, copil_text, point_text
from tma_metrics.reports.texts.portfolio import portfolio_text
from tma_metrics.views.bilan import BilanView
from tma_metrics.views.copil import CopilView
from tma_metrics.views.point import PointView

__all__ = [
    "EXTENSIONS",
    "MIME_TYPES",
    "PPTX_MIME",
    "XLSX_MIME",
    "ReportFileError",
    "ReportFiles",
    "bilan_files",
    "copil_files",
    "last_complete_month",
    "point_files",
    "portfolio_files",
    "slug",
]

#: File formats of a report, and the file name extension of each.
EXTENSIONS = {"xlsx": "xlsx", "csv": "csv", "pptx": "pptx", "email": "txt"}
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
MIME_TYPES = {"xlsx": XLSX_MIME, "pptx": PPTX_MIME, "csv": "text/csv", "email": "text/plain"}
_SUBJECT = re.compile(r"^Objet : (.*)$")


class ReportFileError(TmaError):
    """A report has no file of that format, or no table of that name (usage error)."""


@dataclass(frozen=True, eq=False)
class ReportFiles:
    """The files of one report: e-mail text, workbook sheets, deck; and their names."""

    kind: str  # "point", "bilan", "copil", "portefeuille"
    title: str  # the workbook's title
    base_name: str  # file names without extension
    text: str  # the e-mail, its first line « Objet : … »
    sheets: Mapping[str, pd.DataFrame]
    about: Mapping[str, str] | None = None
    deck: Deck | None = None  # the Copil only
    formats: tuple[str, ...] = field(default=("xlsx", "csv", "email"))

    @property
    def subject(self) -> str:
        """Return the e-mail's subject (its « Objet : » line)."""
        found = _SUBJECT.match(self.text.split("\n", 1)[0])
        return found.group(1) if found else self.title

    @property
    def body(self) -> str:
        """Return the e-mail without its « Objet : » line."""
        first, _, rest = self.text.partition("\n")
        return rest.lstrip("\n") if _SUBJECT.match(first) else self.text

    def workbook(self, generated_at: datetime | None = None) -> bytes:
        """Return the ``.xlsx`` the « Exporter en Excel » button gives."""
        return view_exports.workbook(
            self.sheets, title=self.title, about=self.about, generated_at=generated_at
        )

    def csv_tables(self) -> list[str]:
        """Return the tables offered in CSV, the first one the page selects by default."""
        return [n for n, f in self.sheets.items() if not f.empty] or list(self.sheets)

    def csv(self, table: str | None = None) -> bytes:
        """Return one table as CSV for French Excel (the page's default one when None)."""
        names = self.csv_tables()
        chosen = table if table is not None else names[0]
        if chosen not in self.sheets:
            raise ReportFileError(
                f"Tableau « {chosen} » inconnu : attendu un de "
                + ", ".join(f"« {n} »" for n in self.sheets)
                + "."
            )
        return csv_bytes(self.sheets[chosen])

    def presentation(self) -> tuple[bytes, tuple[tuple[str, str], ...]]:
        """Return the ``.pptx`` and the charts missing from it (title, French reason)."""
        if self.deck is None:
            raise ReportFileError(
                f"Pas de présentation pour le rapport « {self.kind} » : seul le Copil en a une."
            )
        deck = with_chart_images(self.deck)
        return deck_bytes(deck, render_charts=False), deck.missing_charts

    def file_name(self, fmt: str, table: str | None = None) -> str:
        """Return the name of the file of format ``fmt`` (a CSV is named after its table)."""
        if fmt == "csv":
            return f"{self.base_name}-{slug(table or self.csv_tables()[0])}.csv"
        return f"{self.base_name}.{EXTENSIONS[fmt]}"

    def content(self, fmt: str, table: str | None = None) -> bytes:
        """Return the bytes of the file of format ``fmt`` (charts rendered for a deck)."""
        if fmt not in self.formats:
            raise ReportFileError(
                f"Format « {fmt} » indisponible pour le rapport « {self.kind} » : attendu un de "
                + ", ".join(self.formats)
                + "."
            )
        if fmt == "xlsx":
            return self.workbook()
        if fmt == "csv":
            return self.csv(table)
        if fmt == "pptx":
            return self.presentation()[0]
        return self.text.encode("utf-8")


def slug(text: str) -> str:
    """Return a file-name-safe version of a name, accents dropped.

    >>> slug("Gamma - Syndicat des Eaux de la Gâtine"), slug("État / 2026"), slug("***")
    ('gamma-syndicat-des-eaux-de-la-gatine', 'etat-2026', 'contrat')
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower() or "contrat"


def point_files(view: PointView, *, author: str | None = None) -> ReportFiles:
    """Return the Point TMA's files: compte rendu, workbook, CSV tables."""
    return ReportFiles(
        kind="point",
        title=f"Point TMA — {view.contract_name}",
        base_name=f"point-tma-{slug(view.contract_name)}-{view.as_of:%Y-%m-%d}",
        text=point_text(view, author=author),
        sheets=view_exports.point_sheets(view),
        about=view_exports.about(view),
    )


def bilan_files(view: BilanView, *, author: str | None = None) -> ReportFiles:
    """Return the Bilan mensuel's files: e-mail, workbook, CSV tables."""
    return ReportFiles(
        kind="bilan",
        title=f"Bilan mensuel — {view.contract_name}",
        base_name=f"bilan-{slug(view.contract_name)}-{view.month:%Y-%m}",
        text=bilan_text(view, author=author),
        sheets=view_exports.bilan_sheets(view),
        about=view_exports.about(view),
    )


def copil_files(
    view: CopilView,
    charts: Mapping[str, go.Figure] | None = None,
    *,
    client: str = "",
    logo: bytes | None = None,
    author: str | None = None,
) -> ReportFiles:
    """Return the Copil's files: compte rendu, workbook, CSV tables and the deck."""
    return ReportFiles(
        kind="copil",
        title=f"Copil — {view.contract_name}",
        base_name=f"copil-{slug(view.contract_name)}-{view.start:%Y-%m-%d}-{view.end:%Y-%m-%d}",
        text=copil_text(view, author=author),
        sheets=view_exports.copil_sheets(view),
        about=view_exports.about(view),
        deck=copil_deck(view, charts, client_view=view.client_view, client=client, logo=logo),
        formats=("xlsx", "csv", "pptx", "email"),
    )


def portfolio_files(
    table: pd.DataFrame, as_of: date, *, client_view: bool, author: str | None = None
) -> ReportFiles:
    """Return the portfolio's files: summary e-mail, workbook, CSV table."""
    return ReportFiles(
        kind="portefeuille",
        title="Portefeuille des contrats",
        base_name=f"portefeuille-{as_of:%Y-%m-%d}",
        text=portfolio_text(table, as_of, author=author),
        sheets=view_exports.portfolio_sheets(table, client_view=client_view),
        about={"Arrêté au": fr.day(as_of)},
    )


def last_complete_month(as_of: date) -> date:
    """Return the first day of the last month that ended on or before ``as_of``.

    >>> last_complete_month(date(2026, 12, 1)), last_complete_month(date(2026, 11, 30))
    (datetime.date(2026, 11, 1), datetime.date(2026, 11, 1))
    """
    if (as_of + timedelta(days=1)).day == 1:
        return as_of.replace(day=1)
    return (as_of.replace(day=1) - timedelta(days=1)).replace(day=1)
