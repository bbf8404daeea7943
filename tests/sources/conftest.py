"""Shared fixtures of the importer tests: a DuckDB connection and the sample folders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tma_metrics.sources import install_macros

#: Our own small fixtures, one per quirk (committed with the project).
SAMPLES = Path(__file__).resolve().parents[1] / "samples"
#: Real exports kept next to the project (absent on a fresh clone).
SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def shared_samples() -> Path:
    """Return ../shared/samples, or skip the test when it is absent."""
    folder = SHARED / "samples"
    if not folder.is_dir():
        pytest.skip("../shared/samples is absent: the real exports are not on this machine")
    return folder


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    """A fresh in-memory connection with the parsing macros."""
    connection = duckdb.connect()
    install_macros(connection)
    yield connection
    connection.close()
