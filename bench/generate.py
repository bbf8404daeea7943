"""Generate the benchmark's files once per (seed, size) and reuse them afterwards.

The files go to ``<out>/data-<size>-<seed>/`` with a ``manifest.json`` naming the
generator version and each file's byte size; a later run with the same seed and size
finds the manifest and skips the generation.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from bench import dataset, writers
from bench.sizes import Size
from bench.workbook import write_timesheet

#: Bump when the generated data changes, so that cached files are rebuilt.
GENERATOR_VERSION = 2
ISSUES = "redmine-demandes.csv"
TIME_LOG = "redmine-temps.csv"
TIMESHEET = "feuille-de-temps.xlsx"
CONTRACTS = "contracts.toml"
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Files:
    """The generated files of one (seed, size)."""

    folder: Path
    manifest: dict[str, object]

    @property
    def issues(self) -> Path:
        return self.folder / ISSUES

    @property
    def time_log(self) -> Path:
        return self.folder / TIME_LOG

    @property
    def timesheet(self) -> Path:
        return self.folder / TIMESHEET

    @property
    def contracts(self) -> Path:
        return self.folder / CONTRACTS


def ensure_files(out: Path, size: Size, seed: int) -> Files:
    """Return the files of ``size`` and ``seed`` under ``out``, generating them if needed."""
    folder = Path(out) / f"data-{size.name}-{seed}"
    cached = _cached(folder, size, seed)
    if cached is not None:
        return Files(folder, {**cached, "reused": True})
    folder.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    data = dataset.build(size, seed)
    drawn = time.perf_counter()
    writers.write_issues(data, folder / ISSUES)
    writers.write_time_log(data, folder / TIME_LOG)
    csv_done = time.perf_counter()
    _, library = write_timesheet(data, folder / TIMESHEET)
    sheet_done = time.perf_counter()
    (folder / CONTRACTS).write_text(writers.contracts_toml(data), encoding="utf-8")
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "size": size.as_dict(),
        "volumes": _volumes(size),
        "rows": {
            ISSUES: len(data.tickets["key"]),
            TIME_LOG: len(data.entries["day"]),
            TIMESHEET: len(data.sheet["day"]),
            CONTRACTS: len(data.contracts["index"]),
        },
        "bytes": {
            name: (folder / name).stat().st_size
            for name in (ISSUES, TIME_LOG, TIMESHEET, CONTRACTS)
        },
        "xlsx_writer": library,
        "seconds": {
            "draw": round(drawn - began, 3),
            "csv": round(csv_done - drawn, 3),
            "xlsx": round(sheet_done - csv_done, 3),
        },
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return Files(folder, {**manifest, "reused": False})


def _cached(folder: Path, size: Size, seed: int) -> dict[str, object] | None:
    """Return the manifest when every file of the same generation is present, else None."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    same = (
        manifest.get("generator_version") == GENERATOR_VERSION
        and manifest.get("seed") == seed
        and manifest.get("volumes") == _volumes(size)
    )
    if not same:
        return None
    for name, expected in manifest.get("bytes", {}).items():
        path = folder / name
        if not path.is_file() or path.stat().st_size != expected:
            return None
    return manifest


def _volumes(size: Size) -> dict[str, int]:
    """The part of a size that shapes the data (not how often steps are repeated)."""
    return {
        "contracts": size.contracts,
        "tickets": size.tickets,
        "entries": size.entries,
        "sheet_entries": size.sheet_entries,
        "sheet_contracts": size.sheet_contracts,
    }
