"""Fixtures shared across the suite: the demo database, built once per session."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import settings

from tma_metrics.demo.database import build_demo_database
from tma_metrics.store import Store

# CI runs on a loaded 2-core machine: no property test may fail on time.
settings.register_profile("tma", deadline=None)
settings.load_profile("tma")

#: The demo's fixed as-of date (the generator's default end), passed explicitly so the
#: tests never depend on today's date.
DEMO_AS_OF = date(2026, 11, 20)


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """The demo database built through the import path, and the folder of its exports."""
    folder = tmp_path_factory.mktemp("exports")
    db = tmp_path_factory.mktemp("db") / "demo.duckdb"
    store = Store(db)
    reports = build_demo_database(store, folder, end=DEMO_AS_OF)
    store.close()
    assert all(r.imported and len(r.rejected) == 0 for r in reports), [
        (r.file_name, r.error, len(r.rejected)) for r in reports
    ]
    return db, folder
