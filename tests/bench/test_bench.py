"""The benchmark keeps working: a small run writes every row, with positive numbers.

No timing is asserted (machines are noisy): the run only has to complete and report.
The naive SLA loop it times must agree with the SLA engine on every clock it checks.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.generate import ensure_files
from bench.sizes import SIZES
from tma_metrics.cli import main
from tma_metrics.ui.frame import PAGE_TABLE

ROWS = ("1", "2", "3", "4", "5", "6", "7a", "7b", "8a", "8b", "9a", "9b")
STEPS = (
    "import_issues",
    "csv_duckdb",
    "import_time_log",
    "csv_pandas",
    "xlsx_calamine",
    "import_timesheet",
    "xlsx_pandas",
    "derive",
    "sla",
    "report",
    "pages",
    "sync_full",
    "sync_incremental",
)


@pytest.fixture(scope="module")
def bench(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("bench")
    assert main(["bench", "--size", "small", "--out", str(out)]) == 0
    return json.loads((out / "bench-small.json").read_text(encoding="utf-8"))


@pytest.mark.slow
@pytest.mark.parametrize("row", ROWS, ids=[f"row-{r}" for r in ROWS])
def test_every_row_is_reported_with_positive_numbers(bench: dict, row: str) -> None:
    found = {r["row"]: r for r in bench["rows"]}
    assert row in found
    assert found[row]["value"] > 0
    if found[row]["baseline"] is not None:
        assert found[row]["baseline"] > 0
        assert found[row]["ratio"] > 0
    assert isinstance(found[row]["met"], bool)


@pytest.mark.slow
@pytest.mark.parametrize("step", STEPS, ids=list(STEPS))
def test_every_step_ran_in_its_own_process(bench: dict, step: str) -> None:
    measured = bench["steps"][step]
    assert measured["peak_rss_mb"] > 0
    assert measured["process_seconds"] > 0
    assert measured.get("seconds", measured.get("first_load_max", 1)) > 0


@pytest.mark.slow
def test_imports_read_every_generated_row(bench: dict) -> None:
    size, steps = SIZES["small"], bench["steps"]
    assert steps["import_issues"]["rows_read"] == size.tickets
    assert steps["import_time_log"]["rows_read"] == size.entries
    assert steps["import_timesheet"]["rows_read"] == size.sheet_entries
    assert steps["csv_duckdb"]["rows"] == steps["csv_pandas"]["rows"] == size.entries
    # calamine counts the header row, pandas does not
    assert steps["xlsx_calamine"]["rows"] == steps["xlsx_pandas"]["rows"] + 1
    for name in ("import_issues", "import_time_log", "import_timesheet"):
        assert steps[name]["error"] is None and steps[name]["rejected"] == 0


@pytest.mark.slow
def test_naive_sla_loop_agrees_with_the_engine(bench: dict) -> None:
    sla = bench["steps"]["sla"]
    assert sla["naive_clocks_checked"] == 3 * sla["naive_sample_tickets"]
    assert sla["naive_mismatches"] == 0
    assert sla["clocks"] == 3 * sla["tickets"]


@pytest.mark.slow
def test_every_page_runs_without_exception(bench: dict) -> None:
    pages = bench["steps"]["pages"]
    assert pages["errors"] == 0
    assert len(pages["pages"]) == len(PAGE_TABLE)  # every registered page, Sources included
    assert all(p["first_load"] > 0 and p["filter_change"] > 0 for p in pages["pages"].values())


@pytest.mark.slow
def test_report_covers_every_contract(bench: dict) -> None:
    report = bench["steps"]["report"]
    assert report["contracts"] == SIZES["small"].contracts
    assert len(report["warm_runs"]) == SIZES["small"].report_repeats


@pytest.mark.slow
def test_the_derived_tables_bill_every_contract_once(bench: dict) -> None:
    derive = bench["steps"]["derive"]
    assert derive["contracts_billed"] == SIZES["small"].contracts
    assert derive["rows"]["day"] > 0 and derive["rows"]["ticket"] > 0
    assert derive["cpu_seconds"] > 0


GROWTH = [
    # (value at the smaller size, value at twice the size, expected exponent)
    pytest.param(1.0, 2.0, 1.0, id="linear"),
    pytest.param(1.0, 4.0, 2.0, id="quadratic"),
    pytest.param(3.0, 3.0, 0.0, id="flat"),
    pytest.param(2.0, 2.0 * 2**1.5, 1.5, id="between"),
]


@pytest.mark.parametrize(("before", "after", "expected"), GROWTH)
def test_growth_exponents_between_sizes(
    tmp_path: Path, before: float, after: float, expected: float
) -> None:
    from bench.table import growth

    def result(size: str, value: float) -> dict:
        return {
            "size": SIZES[size].as_dict(),
            "started_at": "2026-11-22T13:43:00",
            "rows": [{"row": "6", "value": value}, {"row": "8b", "value": value}],
            "steps": {"derive": {"seconds": value}},
        }

    (tmp_path / "bench-full.json").write_text(json.dumps(result("full", before)))
    grown = growth(result("large", after), tmp_path)
    assert grown["vs"] == "full"
    # every volume doubles from full to large: exponent = log2(after / before)
    assert grown["exponents"] == {"6": expected, "8b": expected, "6b": expected}
    assert growth(result("large", after), tmp_path / "none") is None


def test_machine_and_versions_are_recorded(bench: dict) -> None:
    machine = bench["machine"]
    assert machine["cores"] >= 1 and machine["cpu"]
    assert machine["versions"]["duckdb"] and machine["versions"]["pandas"]


def test_generation_is_deterministic_and_reused(tmp_path: Path) -> None:
    first = ensure_files(tmp_path / "a", SIZES["small"], 7)
    second = ensure_files(tmp_path / "b", SIZES["small"], 7)
    for name in ("issues", "time_log", "contracts"):
        assert getattr(first, name).read_bytes() == getattr(second, name).read_bytes(), name
    again = ensure_files(tmp_path / "a", SIZES["small"], 7)
    assert again.manifest["reused"] and not first.manifest["reused"]
    other = ensure_files(tmp_path / "a", SIZES["small"], 8)
    assert other.folder != first.folder
