"""The command line: import exit codes and report, history, undo, template, demo."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import openpyxl
import pytest

from tma_metrics.cli import EXIT_BUSY, EXIT_NOTHING_IMPORTED, EXIT_OK, main

ROOT = Path(__file__).resolve().parents[2]
TIMES = (
    "date;personne;heures;demande;projet;activité;commentaire\n"
    "05/01/2026;Léa;6;A-1;site;Dév;\n"
    "06/01/2026;Léa;abc;A-1;site;Dév;\n"  # rejected: hours are not a number
)
CONTRACTS = textwrap.dedent(
    """
    [[contract]]
    name = "Site"
    projects = ["site"]
    [[contract.carnet]]
    start = 2026-01-01
    days = 10
    """
)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_help_lists_every_subcommand() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "tma_metrics", "--help"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout  # fmt: skip
    for command in ("import", "report", "history", "undo", "demo", "template", "bench", "user"):
        assert command in out


def test_import_with_rejected_rows_exits_0_and_reports_them(tmp_path, capsys) -> None:
    file = tmp_path / "temps.csv"
    file.write_text(TIMES, encoding="utf-8")
    db = str(tmp_path / "t.duckdb")
    code, out, _ = run(capsys, "import", str(file), "--db", db, "--json")
    assert code == EXIT_OK
    (report,) = json.loads(out)
    assert report["time_entries"]["added"] == 1 and report["rejected"] == 1
    assert report["rejected_rows"][0]["line"] == 3
    code, out, _ = run(capsys, "import", str(file), "--db", db)
    assert code == EXIT_OK and "déjà été importé" in out


@pytest.mark.parametrize(
    ("content", "name"),
    [(b"", "vide.csv"), (b"\x00\x01\x02\x03" * 50, "binaire.csv"), (b"a;b\n1;2\n", "x.csv")],
    ids=["empty", "binary", "unknown-header"],
)
def test_import_of_nothing_usable_exits_2_with_a_french_reason(
    tmp_path, capsys, content, name
) -> None:
    file = tmp_path / name
    file.write_bytes(content)
    code, out, _ = run(capsys, "import", str(file), "--db", str(tmp_path / "t.duckdb"))
    assert code == EXIT_NOTHING_IMPORTED
    assert "Rien n'a été importé" in out and "attendu" in out


def test_import_of_a_missing_file_exits_2(tmp_path, capsys) -> None:
    code, out, _ = run(
        capsys, "import", str(tmp_path / "absent.csv"), "--db", str(tmp_path / "t.duckdb")
    )
    assert code == EXIT_NOTHING_IMPORTED and "introuvable" in out


def test_import_while_another_process_holds_the_database_exits_3(tmp_path) -> None:
    db = tmp_path / "held.duckdb"
    file = tmp_path / "temps.csv"
    file.write_text(TIMES, encoding="utf-8")
    holder = subprocess.Popen(
        [sys.executable, "-c",
         f"from tma_metrics.store import Store; s = Store({str(db)!r}); print('ok', flush=True);"
         " import time; time.sleep(30)"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "ok"
        done = subprocess.run(
            [sys.executable, "-m", "tma_metrics", "import", str(file), "--db", str(db),
             "--wait", "0.5"],
            cwd=ROOT, capture_output=True, text=True,
        )  # fmt: skip
    finally:
        holder.kill()
    assert done.returncode == EXIT_BUSY
    assert "déjà ouverte en écriture" in done.stderr


def test_history_and_undo(tmp_path, capsys) -> None:
    file = tmp_path / "temps.csv"
    file.write_text(TIMES, encoding="utf-8")
    db = str(tmp_path / "t.duckdb")
    run(capsys, "import", str(file), "--db", db)
    code, out, _ = run(capsys, "history", "--db", db, "--json")
    (batch,) = json.loads(out)
    assert code == EXIT_OK and batch["file_name"] == "temps.csv"
    code, out, _ = run(capsys, "undo", str(batch["batch_id"]), "--db", db)
    assert code == EXIT_OK and "annulé" in out
    code, _, err = run(capsys, "undo", str(batch["batch_id"]), "--db", db)
    assert code == 1 and "déjà été annulé" in err


def test_report_of_an_unknown_contract_is_refused(tmp_path, capsys) -> None:
    contracts = tmp_path / "c.toml"
    contracts.write_text(CONTRACTS, encoding="utf-8")
    code, _, err = run(
        capsys,
        "report",
        "--db",
        str(tmp_path / "t.duckdb"),
        "--contracts",
        str(contracts),
        "--contract",
        "Inconnu",
    )
    assert code == 1 and "« Site »" in err


def test_report_text_and_json_agree(tmp_path, capsys) -> None:
    contracts = tmp_path / "c.toml"
    contracts.write_text(CONTRACTS, encoding="utf-8")
    file = tmp_path / "temps.csv"
    file.write_text(TIMES, encoding="utf-8")
    db = str(tmp_path / "t.duckdb")
    run(capsys, "import", str(file), "--db", db)
    args = ("report", "--db", db, "--contracts", str(contracts), "--as-of", "2026-01-31")
    code, out, _ = run(capsys, *args, "--json")
    (figures,) = json.loads(out)
    assert code == EXIT_OK
    assert figures["consumed_days"] == pytest.approx(6 / 8)
    assert figures["remaining_days"] == pytest.approx(10 - 6 / 8)
    code, text, _ = run(capsys, *args)
    assert "Solde : 9,2\u00a0j" in text and "Consommé : 0,8\u00a0j" in text


def test_template_writes_the_canonical_workbook(tmp_path, capsys) -> None:
    target = tmp_path / "modele.xlsx"
    code, _, _ = run(capsys, "template", str(target))
    assert code == EXIT_OK
    sheets = openpyxl.load_workbook(target).sheetnames
    assert {"Demandes", "Temps passé", "Historique"} <= set(sheets)


def test_a_bad_date_option_is_a_usage_error(tmp_path) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["report", "--as-of", "20/11/2026"])
    assert stop.value.code == 2


@pytest.mark.parametrize(
    ("error", "code", "shown"),
    [
        ("store", 3, "base occupée"),
        ("contract", 1, "contrat inconnu"),
        ("bug", 70, "Erreur interne inattendue (KeyError)"),
    ],
    ids=["storage-error", "configuration-error", "unexpected"],
)
def test_the_command_line_edge_prints_french_and_never_a_traceback(
    monkeypatch, capsys, error: str, code: int, shown: str
) -> None:
    from tma_metrics import cli
    from tma_metrics.domain.contracts.model import ContractError
    from tma_metrics.store import StoreBusy

    def failing(args):
        raise {
            "store": StoreBusy("base occupée par un autre processus"),
            "contract": ContractError("contrat inconnu : « X »"),
            "bug": KeyError("x"),
        }[error]

    monkeypatch.setitem(cli._COMMANDS, "history", failing)
    assert cli.main(["history"]) == code
    err = capsys.readouterr().err
    assert shown in err
    assert "Traceback" not in err
    if error == "bug":
        log = Path(err.rsplit(" dans ", 1)[1].strip().rstrip("."))
        assert "KeyError" in log.read_text(encoding="utf-8")
        log.unlink()
