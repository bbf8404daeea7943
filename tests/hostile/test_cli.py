"""Hostile files through the command line: French message, documented exit code, database
unchanged when refused, memory bounded (peak of the CLI process, read from wait4)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.hostile.conftest import CASES, ROOT, Case, assert_french, file_checksum

#: The CLI reads the files in its own process after the checks: it stays far below this.
CLI_PEAK = 1 << 30
EXIT_OK, EXIT_NOTHING_IMPORTED = 0, 2


def run_cli(*args: str) -> tuple[int, str, int]:
    """Run ``python -m tma_metrics`` from the repository; return (exit code, output, peak)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tma_metrics", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    assert process.stdout is not None
    output = process.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, output, usage.ru_maxrss * 1024


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_file_on_the_command_line(case: Case, case_bytes, db_copy, tmp_path) -> None:
    path = tmp_path / case.name
    path.write_bytes(case_bytes(case))
    before = file_checksum(db_copy)
    code, output, peak = run_cli("import", str(path), "--db", str(db_copy))
    assert_french(output.replace(str(path), case.name).replace(str(db_copy), "base"))
    assert case.expect in output, output[:2000]
    assert peak < CLI_PEAK, f"{peak / 2**20:.0f} Mio"
    after = file_checksum(db_copy)
    if case.refused:
        assert code == EXIT_NOTHING_IMPORTED, output
        assert "Rien n'a été importé" in output
        assert after == before  # no row, no import recorded, no rejected row
    else:
        assert code == EXIT_OK, output
        assert after["import_batch"][0] == before["import_batch"][0] + 1


def test_an_all_rejected_file_among_good_ones_leaves_the_good_ones(db_copy, tmp_path) -> None:
    from tests.hostile import files

    good, bad = tmp_path / "bon.csv", tmp_path / "rejets.csv"
    good.write_bytes(files.implausible_entries_csv())
    bad.write_bytes(files.all_rejected_csv())
    before = file_checksum(db_copy)
    code, output, _ = run_cli("import", str(good), str(bad), "--db", str(db_copy))
    assert code == EXIT_OK  # the documented rule: 0 when at least one file was imported
    assert "Aucune ligne importée" in output
    assert file_checksum(db_copy)["import_batch"][0] == before["import_batch"][0] + 1


def test_history_shows_no_import_for_refused_files(db_copy, tmp_path) -> None:
    from tests.hostile import files

    path = tmp_path / "rejets.csv"
    path.write_bytes(files.all_rejected_csv())
    run_cli("import", str(path), "--db", str(db_copy))
    code, output, _ = run_cli("history", "--db", str(db_copy), "--json")
    assert code == EXIT_OK
    assert "rejets.csv" not in output
