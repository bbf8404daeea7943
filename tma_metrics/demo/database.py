"""Build the demo database through the same import path users take."""

from __future__ import annotations

from pathlib import Path

from tma_metrics.store import ImportReport, Store
from tma_metrics.store.connection import PROJECT_ROOT
from tma_metrics.store.contracts_file import local_scope

#: Where the generated demo exports go (ignored by git, rebuilt on demand).
DEMO_FOLDER = PROJECT_ROOT / "data" / "demo"


def write_exports(folder: Path = DEMO_FOLDER) -> list[Path]:
    """Write the demo exports in the native formats of the tools; return them in order."""
    from tma_metrics.demo import write_demo_exports

    folder.mkdir(parents=True, exist_ok=True)
    return write_demo_exports(folder)


def build_demo_database(store: Store, folder: Path = DEMO_FOLDER) -> list[ImportReport]:
    """Generate the demo exports and import each one, exactly as a user would."""
    scope = local_scope()
    return [store.import_file(path, path.name, scope=scope) for path in write_exports(folder)]


def is_empty(store: Store) -> bool:
    """True when nothing was ever imported into this database (first start)."""
    return store.history(local_scope(())).empty
