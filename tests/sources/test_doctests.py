"""The examples in the importers' docstrings run and stay true."""

from __future__ import annotations

import doctest
import importlib

import duckdb
import pytest

from tests.sources.conftest import SAMPLES
from tma_metrics.sources import read_export, release

MODULES = [
    "tma_metrics.sources.headers",
    "tma_metrics.sources.payload",
    "tma_metrics.sources.workbook",
    "tma_metrics.sources.macros",
    "tma_metrics.sources.mapping",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0


def test_release_drops_the_temporary_tables(con: duckdb.DuckDBPyConnection) -> None:
    read_export(con, SAMPLES / "kimai-fr.csv", "kimai.csv")
    count = "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name LIKE 'tma_%'"
    views = "SELECT count(*) FROM duckdb_views() WHERE temporary AND view_name LIKE 'tma_%'"
    assert con.execute(count).fetchall()[0][0] == 1
    assert con.execute(views).fetchall()[0][0] == 1  # the plan's view over its table
    release(con)
    assert con.execute(count).fetchall()[0][0] == 0
    assert con.execute(views).fetchall()[0][0] == 0
