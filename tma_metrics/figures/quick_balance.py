"""The client's quick balance: their files in a private in-memory store, carnets they confirm.

Rules (for the README):

- a file is known by its content (SHA-256), not its name: the same bytes under two
  names count once; a file removed from the uploader no longer counts; a file uploaded
  again under the same name with another content (a corrected file) replaces the
  earlier one, which no longer counts;
- the store only ever holds the files that count: when one leaves, the store is rebuilt
  from those that remain, in their upload order (an import cannot be taken back row by
  row: rows without an id are known by their content);
- one balance per project found in the files, or one for all of them, as the visitor
  chooses; nothing is computed before the visitor confirms the carnet (days, start,
  hours per day), pre-filled from a workbook's « Carnet » sheet when there is one.

Nothing here touches the shared database or the disk (`store.quick.PrivateStore`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

import pandas as pd

from tma_metrics.domain.contracts.model import Carnet, Contract, default_end, normalise_label
from tma_metrics.figures.contract_figures import ContractFigures, compute_figures, moment
from tma_metrics.figures.periods import default_period
from tma_metrics.french import formats as fr
from tma_metrics.french.parsing import french_day, french_number
from tma_metrics.sources import limits
from tma_metrics.sources.carnet_sheet import CarnetSettings, read_carnet_settings
from tma_metrics.store import ImportReport
from tma_metrics.store.quick import UNNAMED_PROJECT, PrivateStore

__all__ = [
    "MAX_FILE_BYTES",
    "UNNAMED_PROJECT",
    "CarnetSettings",
    "QuickBalance",
    "QuickFile",
    "confirm_settings",
    "file_digest",
]

#: Upload limit of the public page (per file).
MAX_FILE_BYTES = 20 * 1024 * 1024
#: What a typed carnet may hold: days purchased, and the range of its start date.
MAX_DAYS = 10_000
FIRST_START = date(2000, 1, 1)
LAST_START = date(2099, 12, 31)


def file_digest(data: bytes) -> str:
    """Return the SHA-256 of a file's bytes: how the page knows a file."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class QuickFile:
    """One uploaded file: its report and whether it counts.

    ``status`` is ``counted``, ``same_as`` (the same bytes as ``other``, counted once) or
    ``replaced`` (an earlier upload of ``other``'s name, replaced by it).
    """

    name: str
    digest: str
    report: ImportReport
    settings: CarnetSettings
    status: str = "counted"
    other: str = ""


@dataclass
class QuickBalance:
    """One visitor's files, in a private in-memory store rebuilt when a file leaves."""

    store: PrivateStore = field(default_factory=PrivateStore)
    #: The files in the store, in upload order (their digests).
    loaded: list[str] = field(default_factory=list)
    #: What each file content gave when read (kept: a file is never read twice).
    known: dict[str, tuple[ImportReport, CarnetSettings]] = field(default_factory=dict)

    def sync(self, uploads: Sequence[tuple[str, bytes]]) -> list[QuickFile]:
        """Make the store hold exactly the files that count among ``uploads``; report each."""
        files = _sort_out(uploads)
        readable = [
            f.digest
            for f in files
            if f.status == "counted" and (f.digest not in self.known or self._imported(f.digest))
        ]
        if self.loaded != readable[: len(self.loaded)]:
            # a file left (or moved): start again from the files that remain
            self.store.close()
            self.store, self.loaded = PrivateStore(), []
        contents = {file_digest(content): content for _, content in uploads}
        before = len(self.loaded)
        for f in files:
            if f.status == "counted" and f.digest not in self.loaded:
                self._load(f.name, f.digest, contents[f.digest])
        if len(self.loaded) != before:
            self.store.name_unnamed_rows()
        return [
            QuickFile(f.name, f.digest, *self.known.get(f.digest, _NOT_READ), f.status, f.other)
            for f in files
        ]

    def _imported(self, digest: str) -> bool:
        return self.known[digest][0].imported

    def _load(self, name: str, digest: str, data: bytes) -> None:
        known = self.known.get(digest)
        if known is not None and not known[0].imported:
            return  # a refused file stays refused: it is not read twice
        if len(data) > MAX_FILE_BYTES:
            report = _refused(name, digest, _too_large(len(data)))
        else:
            # The public page's limits: parsed in a child process with a memory budget.
            with limits.using(limits.QUICK_PAGE):
                report = self.store.import_file(data, name)
        if known is not None:
            found = known[1]
        elif report.imported:
            # read only from a file the importer accepted: it has refused the zip bombs,
            # encrypted or truncated workbooks
            found = read_carnet_settings(data, name)
        else:
            found = CarnetSettings()
        self.known[digest] = (report, found)
        if report.imported:
            self.loaded.append(digest)

    @property
    def settings(self) -> CarnetSettings:
        """The carnet settings read from the files that count (the first file wins)."""
        merged = CarnetSettings()
        for digest in self.loaded:
            merged = merged.or_else(self.known[digest][1])
        return merged

    def has_data(self) -> bool:
        """True when the files that count hold at least a ticket or a time entry."""
        counts = self.store.counts()
        return counts["time_entries"] > 0 or counts["tickets"] > 0

    def projects(self) -> pd.DataFrame:
        """The projects found in the files (see `PrivateStore.projects`)."""
        return self.store.projects()

    def figures(
        self,
        settings: CarnetSettings,
        projects: Sequence[str],
        as_of: date,
        now: datetime,
        *,
        name: str = "Votre carnet",
    ) -> ContractFigures:
        """Compute one carnet over ``projects`` with confirmed ``settings`` (all given)."""
        if settings.days is None or settings.start is None or settings.hours_per_day is None:
            raise ValueError("Carnet incomplet : jours, début et heures par jour sont requis.")
        labels = {normalise_label(p): p for p in projects}
        contract = Contract(
            name=name,
            projects=tuple(sorted(labels.values())) or (UNNAMED_PROJECT,),
            carnets=(
                Carnet(start=settings.start, end=default_end(settings.start), days=settings.days),
            ),
            hours_per_day=settings.hours_per_day,
        )
        scope = self.store.scope([contract])
        return compute_figures(
            contract,
            scope.tickets,
            scope.entries,
            scope.history,
            default_period(contract, as_of),
            moment(as_of, now),
        )

    def close(self) -> None:
        """Drop the in-memory store (when the visitor clears the page)."""
        self.store.close()


class _Upload(NamedTuple):
    name: str
    digest: str
    status: str
    other: str


def _sort_out(uploads: Sequence[tuple[str, bytes]]) -> list[_Upload]:
    """Say of each upload whether it counts, and if not, which file stands for it."""
    last_of_name = {name: i for i, (name, _) in enumerate(uploads)}
    first_of_digest: dict[str, str] = {}
    files = []
    for i, (name, data) in enumerate(uploads):
        digest = file_digest(data)
        if last_of_name[name] != i:
            files.append(_Upload(name, digest, "replaced", name))
        elif digest in first_of_digest:
            files.append(_Upload(name, digest, "same_as", first_of_digest[digest]))
        else:
            first_of_digest[digest] = name
            files.append(_Upload(name, digest, "counted", ""))
    return files


def confirm_settings(
    days: str, start: str, hours_per_day: str
) -> tuple[CarnetSettings | None, list[str]]:
    """Read the carnet as the visitor typed it (``12,5``, ``01/01/2026``); else say why not.

    Returns the settings, or None with one French message per wrong field.
    """
    problems = []
    number = french_number(days)
    if number is None or not 0 < number <= MAX_DAYS:
        problems.append(
            f"Jours achetés : attendu un nombre de jours entre 0 et {fr.number(MAX_DAYS, 0)} "
            f"(par exemple 12,5), trouvé « {days.strip()} »."
        )
    day = french_day(start)
    if day is None or not FIRST_START <= day <= LAST_START:
        problems.append(
            "Début du carnet : attendu une date JJ/MM/AAAA entre le "
            f"{fr.day(FIRST_START)} et le {fr.day(LAST_START)} (par exemple 01/01/2026), "
            f"trouvé « {start.strip()} »."
        )
    hours = french_number(hours_per_day)
    if hours is None or not 0 < hours <= 24:
        problems.append(
            "Heures par jour : attendu un nombre d'heures entre 0 et 24 (par exemple 7 ou "
            f"7,5), trouvé « {hours_per_day.strip()} »."
        )
    if problems:
        return None, problems
    return CarnetSettings(days=number, start=day, hours_per_day=hours), []


def _too_large(size: int) -> str:
    return (
        f"Fichier trop volumineux : attendu au plus {fr.number(MAX_FILE_BYTES / 1_048_576, 0)} Mo "
        f"par fichier sur cette page, trouvé {fr.number(size / 1_048_576)} Mo."
    )


def _refused(name: str, digest: str, error: str) -> ImportReport:
    return ImportReport(
        file_name=name, file_hash=digest, tool="", variant="", rows_read=0, error=error
    )


#: What a file that was never read (replaced, or the same as another) reports.
_NOT_READ = (
    ImportReport(file_name="", file_hash="", tool="", variant="", rows_read=0),
    CarnetSettings(),
)
