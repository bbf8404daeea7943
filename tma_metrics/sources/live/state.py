"""The configured live sources and their sync runs, in a JSON file beside the database.

The file ``<base>.sources.json`` (next to ``<base>.duckdb``) holds no secret: tool, URL,
projects or JQL, time zone, and the last runs (time, outcome, counts, the incremental
cursor). It lives outside the database because a failed sync must leave the database
exactly as it was, yet its outcome must be shown. The cursor of a run is only trusted
while its import is still in the database and not undone (`SourceBook.cursor`).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import zoneinfo
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from tma_metrics.sources.live.errors import SyncError
from tma_metrics.sources.live.http import check_url

__all__ = [
    "MAX_FILE_BYTES",
    "RUNS_KEPT",
    "TOOLS",
    "SourceBook",
    "SourceConfig",
    "SyncRun",
    "book_path",
    "locked",
    "now_text",
    "update_book",
    "write_private",
]

TOOLS = {"redmine": "Redmine", "jira": "Jira"}
#: Runs kept per source (the page shows the last ones; older ones add nothing).
RUNS_KEPT = 30
#: The file is ours, but it is read before parsing: refuse anything unreasonably big.
MAX_FILE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class SourceConfig:
    """One live source: a server and what to read from it."""

    tool: str
    url: str
    projects: tuple[str, ...] = ()
    jql: str = ""
    timezone: str = "Europe/Paris"
    window_days: int = 90  # time entries re-read (and reconciled) on an incremental sync

    def __post_init__(self) -> None:
        if self.tool not in TOOLS:
            raise SyncError(
                f"Outil inconnu « {self.tool} » : attendu redmine ou jira.", kind="config"
            )
        object.__setattr__(self, "url", check_url(self.url))
        projects = tuple(dict.fromkeys(p.strip() for p in self.projects if p and p.strip()))
        object.__setattr__(self, "projects", projects)
        object.__setattr__(self, "jql", (self.jql or "").strip())
        if self.tool == "jira" and not self.jql:
            raise SyncError(
                "Requête JQL manquante : attendu par exemple « project = ABC », trouvé rien.",
                kind="config",
            )
        if len(self.jql) > 2000 or any(len(p) > 100 for p in projects):
            raise SyncError(
                "Projet ou JQL trop long : attendu moins de 100 caractères par projet et "
                "2 000 pour la JQL.",
                kind="config",
            )
        try:
            zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise SyncError(
                f"Fuseau horaire inconnu « {self.timezone} » : attendu un nom IANA comme "
                "Europe/Paris.",
                kind="config",
            ) from None
        if not 1 <= int(self.window_days) <= 3650:
            raise SyncError(
                f"Fenêtre de temps passé de {self.window_days} jours : attendu de 1 à 3 650.",
                kind="config",
            )

    @property
    def server_label(self) -> str:
        """Return "Redmine https://host": every sync of this server starts its label so."""
        return f"{TOOLS[self.tool]} {self.url}"

    @property
    def scope_label(self) -> str:
        """Return what is read, in French: the projects, or the JQL."""
        if self.tool == "jira":
            return f"JQL {self.jql}"
        return "projets " + ", ".join(self.projects) if self.projects else "tous les projets"

    @property
    def label(self) -> str:
        """Return the name the import history shows for this source's syncs."""
        return f"{self.server_label} — {self.scope_label}"

    @property
    def id(self) -> str:
        """Return a stable identifier of the source (same server and scope, same id)."""
        ident = json.dumps([self.tool, self.url, sorted(self.projects), self.jql])
        return hashlib.sha256(ident.encode("utf-8")).hexdigest()[:12]

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready settings."""
        return {**asdict(self), "projects": list(self.projects), "id": self.id}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SourceConfig:
        """Return the source a `to_dict` value describes."""
        return cls(
            tool=str(data.get("tool", "")),
            url=str(data.get("url", "")),
            projects=tuple(str(p) for p in data.get("projects") or ()),
            jql=str(data.get("jql") or ""),
            timezone=str(data.get("timezone") or "Europe/Paris"),
            window_days=int(data.get("window_days") or 90),
        )


@dataclass(frozen=True)
class SyncRun:
    """One sync attempt: when, how it ended, what it changed."""

    source_id: str
    started_at: str  # local wall-clock time, ISO, seconds
    finished_at: str
    ok: bool
    message: str  # French: the error, or a one-line summary
    full: bool
    batch_id: int | None = None
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    cursor: str | None = None  # UTC ISO instant the next incremental sync starts from
    requests: int = 0
    issues: int = 0  # tickets read (with their history)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready run."""
        return asdict(self)


@dataclass
class SourceBook:
    """The sources file of one database: configured sources and their runs."""

    path: Path
    sources: list[SourceConfig] = field(default_factory=list)
    runs: list[SyncRun] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> SourceBook:
        """Read the book at ``path``."""
        book = cls(path)
        if not path.exists():
            return book
        if path.stat().st_size > MAX_FILE_BYTES:
            raise SyncError(
                f"Fichier des sources « {path} » trop volumineux : attendu moins de 5 Mo.",
                kind="config",
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            book.sources = [SourceConfig.from_dict(s) for s in data.get("sources", [])]
            book.runs = [SyncRun(**r) for r in data.get("runs", [])]
        except (ValueError, TypeError, AttributeError) as exc:
            raise SyncError(
                f"Fichier des sources « {path} » illisible ({exc}) : attendu le JSON écrit "
                "par TMA Metrics ; corrigez-le ou supprimez-le.",
                kind="config",
            ) from None
        return book

    def save(self) -> None:
        """Write the book atomically (readable by this user only)."""
        data = {
            "sources": [s.to_dict() for s in self.sources],
            "runs": [r.to_dict() for r in self.runs],
        }
        write_private(self.path, json.dumps(data, ensure_ascii=False, indent=2))

    def find(self, source_id: str) -> SourceConfig | None:
        """Return the source with this id, or None."""
        return next((s for s in self.sources if s.id == source_id), None)

    def upsert(self, config: SourceConfig) -> None:
        """Add the source, or replace the one with the same id."""
        self.sources = [s for s in self.sources if s.id != config.id] + [config]

    def remove(self, source_id: str) -> None:
        """Forget a source and its runs."""
        self.sources = [s for s in self.sources if s.id != source_id]
        self.runs = [r for r in self.runs if r.source_id != source_id]

    def record(self, run: SyncRun) -> None:
        """Append a run, keeping the last `RUNS_KEPT` of its source."""
        mine = [r for r in self.runs if r.source_id == run.source_id][-(RUNS_KEPT - 1) :]
        others = [r for r in self.runs if r.source_id != run.source_id]
        self.runs = [*others, *mine, run]

    def runs_of(self, source_id: str) -> list[SyncRun]:
        """Return the runs of a source, oldest first."""
        return [r for r in self.runs if r.source_id == source_id]

    def last_run(self, source_id: str) -> SyncRun | None:
        """Return the latest run of a source, or None."""
        found = self.runs_of(source_id)
        return found[-1] if found else None

    def cursor(self, config: SourceConfig, history: pd.DataFrame) -> datetime | None:
        """Return where an incremental sync of ``config`` starts (None: read everything).

        The newest successful run whose import is still in ``history`` (the store's
        import history), under this source's label and not undone: undoing a sync
        moves the cursor back to the run before it.
        """
        alive = history[history["undone_at"].isna() & (history["file_name"] == config.label)]
        batches = set(alive["batch_id"].astype(int))
        for run in reversed(self.runs_of(config.id)):
            if run.ok and run.cursor and run.batch_id in batches:
                return datetime.fromisoformat(run.cursor)
        return None


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, with mode 0600 from the first byte."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path``'s lock file (app and cron may write at once)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path.with_name(f".{path.name}.lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        os.close(descriptor)


def book_path(db_path: str | os.PathLike[str]) -> Path:
    """Return the sources file of database ``db_path`` (``<base>.sources.json``)."""
    db = Path(db_path)
    return db.parent / f"{db.stem}.sources.json"


def update_book(path: Path, change: Any) -> SourceBook:
    """Read the book at ``path``, apply ``change(book)``, save it; return it."""
    with locked(path):
        book = SourceBook.load(path)
        change(book)
        book.save()
    return book


def now_text() -> str:
    """Return the local wall-clock time, ISO, to the second."""
    return datetime.now().isoformat(timespec="seconds")
