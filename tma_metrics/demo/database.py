"""Build the demo database through the same import path users take."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from tma_metrics.demo.contracts_seed import demo_contracts_text
from tma_metrics.store import ImportReport, Store
from tma_metrics.store.connection import PROJECT_ROOT
from tma_metrics.store.contracts_file import local_scope

__all__ = ["DEMO_FOLDER", "build_demo_database", "is_empty", "start_demo", "write_exports"]

#: Where the generated demo exports go (ignored by git, rebuilt on demand).
DEMO_FOLDER = PROJECT_ROOT / "data" / "demo"


def write_exports(folder: Path = DEMO_FOLDER, *, end: date | None = None) -> list[Path]:
    """Write the demo exports in the native formats of the tools; return them in order.

    ``end`` is the day the exports are taken (the demo's fixed `DEFAULT_END` when None).
    """
    from tma_metrics.demo import DEFAULT_END, write_demo_exports

    folder.mkdir(parents=True, exist_ok=True)
    return write_demo_exports(folder, end=end or DEFAULT_END)


def build_demo_database(
    store: Store, folder: Path = DEMO_FOLDER, *, end: date | None = None
) -> list[ImportReport]:
    """Generate the demo exports and import each one, exactly as a user would."""
    scope = local_scope()
    return [
        store.import_file(path, path.name, scope=scope) for path in write_exports(folder, end=end)
    ]


def start_demo(
    store: Store, contracts_file: Path, today: date, folder: Path = DEMO_FOLDER
) -> list[ImportReport]:
    """Seed a brand-new database with a demo that ends yesterday, so it always looks alive.

    The demo's contracts, dated from the same day, are written to ``contracts_file``
    unless it exists (a user's own contracts are never replaced). Yesterday, not today:
    the exports are taken at 17:30 and nothing in them may lie in the future.
    """
    end = today - timedelta(days=1)
    reports = build_demo_database(store, folder, end=end)
    if not contracts_file.exists():
        contracts_file.parent.mkdir(parents=True, exist_ok=True)
        contracts_file.write_text(demo_contracts_text(end), encoding="utf-8")
    return reports


def is_empty(store: Store) -> bool:
    """True when nothing was ever imported into this database (first start)."""
    return store.history(local_scope(())).empty
