"""The client's quick balance: their files in a private in-memory database, one carnet.

Nothing here touches the shared database or the disk: a `QuickBalance` owns a DuckDB
``:memory:`` store that lives as long as the visitor's session.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from tma_metrics.domain.contracts.model import Carnet, Contract, default_end, normalise_label
from tma_metrics.figures.contract_figures import ContractFigures, compute_figures, moment
from tma_metrics.figures.periods import default_period
from tma_metrics.french import formats as fr
from tma_metrics.sources import limits
from tma_metrics.store import ImportReport, Store

#: Project label given to rows whose export names no project, so the carnet covers them.
UNNAMED_PROJECT = "(sans projet)"
#: Upload limit of the public page (per file).
MAX_FILE_BYTES = 20 * 1024 * 1024

_SETTING_LABELS = {
    "days": ("jours achetes", "jours commandes", "nombre de jours", "days purchased", "days"),
    "start": ("date de debut", "debut", "debut du carnet", "start", "start date"),
    "hours_per_day": ("heures par jour", "heures / jour", "hours per day", "hours_per_day"),
}


@dataclass(frozen=True)
class CarnetSettings:
    """What the quick balance needs besides the files (read from them when present)."""

    days: float | None = None
    start: date | None = None
    hours_per_day: float | None = None


@dataclass
class QuickBalance:
    """One visitor's uploads and their carnet, in a private in-memory database."""

    store: Store = field(default_factory=lambda: Store(":memory:"))
    reports: list[ImportReport] = field(default_factory=list)
    settings: CarnetSettings = field(default_factory=CarnetSettings)

    def add(self, data: bytes, name: str) -> ImportReport:
        """Import one file; a file already added (same bytes) is not imported twice."""
        for known in self.reports:
            if known.imported and known.file_name == name:
                return known
        if len(data) > MAX_FILE_BYTES:
            report = ImportReport(
                file_name=name,
                file_hash="",
                tool="",
                variant="",
                rows_read=0,
                error=(
                    f"Fichier trop volumineux : attendu au plus "
                    f"{fr.number(MAX_FILE_BYTES / 1_048_576, 0)} Mo par fichier sur cette page, "
                    f"trouvé {fr.number(len(data) / 1_048_576)} Mo."
                ),
            )
        else:
            # The public page's limits: parsed in a child process with a memory budget.
            with limits.using(limits.QUICK_PAGE):
                report = self.store.import_file(data, name)
            # settings are read only from a file the importer accepted (it has already
            # refused zip bombs, encrypted or truncated workbooks)
            found = read_settings(data, name) if report.imported else CarnetSettings()
            self.settings = CarnetSettings(
                days=self.settings.days or found.days,
                start=self.settings.start or found.start,
                hours_per_day=self.settings.hours_per_day or found.hours_per_day,
            )
        self.reports.append(report)
        return report

    def has_data(self) -> bool:
        counts = self.store.counts()
        return counts["time_entries"] > 0 or counts["tickets"] > 0

    def contract(self, days: float, start: date, hours_per_day: float) -> Contract:
        """A one-carnet contract covering every project of the uploaded files."""
        cur = self.store.cursor()
        cur.execute(
            "UPDATE ticket SET project = $p WHERE project IS NULL AND project_name IS NULL",
            {"p": UNNAMED_PROJECT},
        )
        cur.execute(
            "UPDATE time_entry SET project = $p WHERE project IS NULL", {"p": UNNAMED_PROJECT}
        )
        rows = cur.execute(
            "SELECT DISTINCT project FROM ticket WHERE project IS NOT NULL UNION "
            "SELECT DISTINCT project_name FROM ticket WHERE project_name IS NOT NULL UNION "
            "SELECT DISTINCT project FROM time_entry WHERE project IS NOT NULL"
        ).fetchall()
        labels = {normalise_label(r[0]): r[0] for r in rows}
        projects = tuple(sorted(labels.values())) or (UNNAMED_PROJECT,)
        return Contract(
            name="Votre carnet",
            projects=projects,
            carnets=(Carnet(start=start, end=default_end(start), days=days),),
            hours_per_day=hours_per_day,
        )

    def figures(
        self, days: float, start: date, hours_per_day: float, as_of: date, now: datetime
    ) -> ContractFigures:
        """Compute the carnet's figures from the uploaded rows (never cached across sessions)."""
        contract = self.contract(days, start, hours_per_day)
        scope = self.store.scope([contract])
        history = scope.history
        return compute_figures(
            contract,
            scope.tickets,
            scope.entries,
            history,
            default_period(contract, as_of),
            moment(as_of, now),
        )

    def close(self) -> None:
        """Drop the in-memory database (when the visitor clears the page)."""
        self.store.close()


def read_settings(data: bytes, name: str) -> CarnetSettings:
    """Read days purchased, start date and hours per day from a workbook's "Carnet" sheet.

    The sheet holds label / value rows ("Jours achetés" | 40). Anything else (a CSV, a
    workbook without such a sheet, an unreadable value) gives empty settings.
    """
    if not name.lower().endswith((".xlsx", ".xls")) or not zipfile.is_zipfile(io.BytesIO(data)):
        return CarnetSettings()
    try:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet_names = [
            s for s in book.sheet_names if normalise_label(s) in ("carnet", "contrat", "contract")
        ]
        if not sheet_names:
            return CarnetSettings()
        rows = book.get_sheet_by_name(sheet_names[0]).to_python(nrows=200)
    except Exception:
        return CarnetSettings()
    found: dict[str, object] = {}
    for row in rows:
        if len(row) < 2 or not isinstance(row[0], str):
            continue
        label = normalise_label(row[0]).rstrip(" :")
        for key, aliases in _SETTING_LABELS.items():
            if label in aliases and key not in found:
                found[key] = row[1]
    return CarnetSettings(
        days=_positive(found.get("days")),
        start=_day(found.get("start")),
        hours_per_day=_positive(found.get("hours_per_day")),
    )


def _positive(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
        value = value.replace(",", ".")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*", value)
        try:
            if match:
                return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None
