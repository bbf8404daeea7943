"""The measured steps, each run in its own process by `runner.run_step`.

``python -m bench.steps NAME JSON`` runs step NAME with the JSON arguments
and prints its result line (seconds measured inside the process, after imports; peak
RSS of the whole process). Steps only read the files they are given, except the
``import`` step, which writes the database it is given.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.runner import emit

Step = Callable[[dict[str, Any]], dict[str, Any]]
STEPS: dict[str, Step] = {}


def step(function: Step) -> Step:
    """Register a step under its function's name (without a leading ``step_``)."""
    STEPS[function.__name__.removeprefix("step_")] = function
    return function


def _timed(action: Callable[[], object]) -> tuple[float, object]:
    began = time.perf_counter()
    value = action()
    return time.perf_counter() - began, value


def _cpu_timed(action: Callable[[], object]) -> tuple[float, float, object]:
    """Return the wall seconds, the CPU seconds of this process and the result."""
    cpu = time.process_time()
    wall, value = _timed(action)
    return wall, time.process_time() - cpu, value


# -- row 1 and 2: the spent-time CSV ---------------------------------------------------


@step
def step_csv_duckdb(args: dict[str, Any]) -> dict[str, Any]:
    """DuckDB's own typed read of the French Redmine CSV into an in-memory table."""
    import duckdb

    con = duckdb.connect()
    sql = (
        "CREATE TABLE raw AS SELECT * FROM read_csv($path, delim = ';', header = true, "
        "encoding = 'latin-1', decimal_separator = ',', dateformat = '%d/%m/%Y')"
    )
    seconds, _ = _timed(lambda: con.execute(sql, {"path": args["path"]}).fetchall())
    rows = con.execute("SELECT count(*) FROM raw").fetchall()[0][0]
    return {"seconds": seconds, "rows": rows}


@step
def step_csv_pandas(args: dict[str, Any]) -> dict[str, Any]:
    """The plain pandas script: read, parse dates, find the issue, hours per project-month."""
    import pandas as pd

    def script() -> object:
        df = pd.read_csv(args["path"], sep=";", encoding="latin-1", decimal=",")
        df["Date"] = pd.to_datetime(df["Date"], format="%d/%m/%Y")
        df["ticket"] = df["Demande"].str.extract(r"#(\d+)", expand=False)
        per_month = df.groupby(["Projet", df["Date"].dt.to_period("M")])["Heures"].sum()
        per_ticket = df.groupby("ticket")["Heures"].sum()
        return len(df), len(per_month), len(per_ticket)

    seconds, (rows, _, _) = _timed(script)
    return {"seconds": seconds, "rows": rows}


# -- rows 1 and 3: imports through the store ------------------------------------------


@step
def step_import(args: dict[str, Any]) -> dict[str, Any]:
    """Store.import_file of one file into ``db`` (a copy of ``template`` when given)."""
    from tma_metrics.store import Store
    from tma_metrics.store.contracts_file import load_contracts, local_scope

    db = Path(args["db"])
    if args.get("template"):
        shutil.copyfile(args["template"], db)
    store = Store(db)
    path = Path(args["path"])
    scope = local_scope(load_contracts(args["contracts"]) if args.get("contracts") else ())
    seconds, cpu, report = _cpu_timed(lambda: store.import_file(path, path.name, scope=scope))
    store.close()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "rows_read": report.rows_read,
        "added": report.added,
        "rejected": len(report.rejected),
        "variant": report.variant,
        "error": report.error,
    }


# -- rows 3 and 4: the workbook --------------------------------------------------------


@step
def step_xlsx_calamine(args: dict[str, Any]) -> dict[str, Any]:
    """python-calamine's bare read of the timesheet's first sheet into Python values."""
    import python_calamine as calamine

    def read() -> int:
        book = calamine.CalamineWorkbook.from_path(args["path"])
        return len(book.get_sheet_by_index(0).to_python())

    seconds, rows = _timed(read)
    return {"seconds": seconds, "rows": rows}


@step
def step_xlsx_pandas(args: dict[str, Any]) -> dict[str, Any]:
    """pandas.read_excel with openpyxl (the usual reflex)."""
    import pandas as pd

    seconds, frame = _timed(lambda: pd.read_excel(args["path"], engine="openpyxl"))
    return {"seconds": seconds, "rows": len(frame)}


# -- row 5: SLA ------------------------------------------------------------------------


@step
def step_sla(args: dict[str, Any]) -> dict[str, Any]:
    """Vectorised SLA outcomes of every ticket, against the naive loop on a sample."""
    import numpy as np

    from bench import dataset, naive_sla, sla_data
    from bench.sizes import SIZES
    from tma_metrics.domain.sla import outcomes as sla

    data = dataset.build(SIZES[args["size"]], args["seed"])
    prepare_seconds, sla_input = _timed(
        lambda: sla_data.build_input(data.tickets["created"], args["seed"])
    )
    inp: sla_data.SlaInput = sla_input  # type: ignore[assignment]

    def vectorised(prepared: object) -> object:
        return sla.sla_outcomes(
            prepared, inp.waiting, inp.contract, inp.at, history_available=inp.history_available
        )

    runs = [_timed(lambda: vectorised(inp.prepared)) for _ in range(args.get("repeats", 7))]
    seconds = min(s for s, _ in runs)
    outcomes = runs[-1][1]
    sample = inp.prepared.iloc[: args["sample"]]
    naive_seconds, naive = _timed(
        lambda: naive_sla.naive_outcomes(
            sample, inp.waiting, inp.contract, inp.at, history_available=inp.history_available
        )
    )
    by_clock = outcomes.set_index(["key", "sla_kind"])  # type: ignore[union-attr]
    mismatches = 0
    for key, kind, outcome, elapsed, deadline in naive:  # type: ignore[union-attr]
        row = by_clock.loc[(key, kind)]
        same = row["outcome"] == outcome
        if elapsed is not None:
            same &= bool(abs(row["elapsed_minutes"] - elapsed) < 1e-6)
            gap = (row["deadline"] - np.datetime64(deadline, "us")) / np.timedelta64(1, "ms")
            same &= bool(abs(gap) < 1)
        mismatches += not same
    tickets = len(inp.prepared)
    return {
        "seconds": seconds,
        "tickets": tickets,
        "clocks": len(outcomes),  # type: ignore[arg-type]
        "outcomes": outcomes["outcome"].value_counts().to_dict(),  # type: ignore[index]
        "prepare_seconds": prepare_seconds,
        "naive_sample_tickets": len(sample),
        "naive_sample_seconds": naive_seconds,
        "naive_seconds": naive_seconds * tickets / len(sample),
        "naive_clocks_checked": len(naive),  # type: ignore[arg-type]
        "naive_mismatches": mismatches,
    }


# -- row 6b: derived tables ------------------------------------------------------------


@step
def step_derive(args: dict[str, Any]) -> dict[str, Any]:
    """Bill every entry and sum it per contract, ticket and day (once per data version)."""
    from tma_metrics.figures import derive
    from tma_metrics.store import Store
    from tma_metrics.store.contracts_file import load_contracts

    store = Store(args["db"])
    contracts = load_contracts(args["contracts"])
    seconds, cpu, found = _cpu_timed(lambda: derive.ensure(store, contracts))
    again, again_cpu, _ = _cpu_timed(lambda: derive.ensure(store, contracts))
    counts = {
        name: store.cursor().execute(f"SELECT count(*) FROM derived_{name}").fetchall()[0][0]
        for name in ("ticket", "ticket_day", "day")
    }
    store.close()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "contracts_billed": len(found.rebuilt),  # type: ignore[attr-defined]
        "up_to_date_check_seconds": again,
        "up_to_date_check_cpu_seconds": again_cpu,
        "rows": counts,
    }


# -- row 6: report ---------------------------------------------------------------------


@step
def step_report(args: dict[str, Any]) -> dict[str, Any]:
    """The report of every contract: a cold run, then warm runs at other as-of dates."""
    import cProfile
    import io
    import pstats
    from datetime import date, datetime

    from tma_metrics.figures.summaries import iter_summaries
    from tma_metrics.reports.json_report import contract_json
    from tma_metrics.store import Store
    from tma_metrics.store.contracts_file import load_contracts

    store = Store(args["db"], read_only=True)
    contracts = load_contracts(args["contracts"])
    now = datetime.fromisoformat(args["now"])

    def report(as_of: date) -> str:
        # As the `report --json` command: each contract's summary reduced as it comes.
        summaries = iter_summaries(store, contracts, as_of, now=now)
        return json.dumps([contract_json(f) for f in summaries], ensure_ascii=False)

    days = [date.fromisoformat(d) for d in args["as_of"]]
    cold, cold_cpu, text = _cpu_timed(lambda: report(days[0]))
    runs = [_cpu_timed(lambda d=d: report(d)) for d in days[1:]]
    warm, warm_cpu = [r[0] for r in runs], [r[1] for r in runs]
    profiler = cProfile.Profile()
    profiler.enable()
    report(days[0])
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
    Path(args["profile"]).write_text(out.getvalue(), encoding="utf-8")
    return {
        "cold_seconds": cold,
        "cold_cpu_seconds": cold_cpu,
        "seconds": statistics.median(warm),
        "cpu_seconds": statistics.median(warm_cpu),
        "warm_runs": warm,
        "warm_cpu_runs": warm_cpu,
        "contracts": len(contracts),
        "json_bytes": len(str(text)),
    }


# -- row 9: live sync from a local Redmine ---------------------------------------------


@step
def step_sync(args: dict[str, Any]) -> dict[str, Any]:
    """One Redmine sync (full or incremental) of the synthetic server into ``db``."""
    from tma_metrics.sources.live import SourceConfig, run_sync
    from tma_metrics.store import Store
    from tma_metrics.store.contracts_file import local_scope

    store = Store(Path(args["db"]))
    config = SourceConfig("redmine", args["url"], ("bench",))
    env = {"REDMINE_API_KEY": args["key"]}
    seconds, report = _timed(
        lambda: run_sync(store, config, full=args["full"], env=env, scope=local_scope(()))
    )
    store.close()
    if not report.ok:
        raise RuntimeError(report.run.message)
    return {
        "seconds": seconds,
        "issues": report.run.issues,
        "requests": report.run.requests,
        "issues_per_second": report.run.issues / seconds if seconds else None,
        "added": report.run.added,
        "updated": report.run.updated,
        "removed": report.run.removed,
    }


# -- row 7: pages ----------------------------------------------------------------------


@step
def step_pages(args: dict[str, Any]) -> dict[str, Any]:
    """Every page through app.py (Streamlit AppTest): first load, then filter changes."""
    from bench.page_timing import time_pages

    return time_pages(args)


def main(argv: list[str]) -> None:
    """Run the step named by ``argv[0]`` with the JSON arguments ``argv[1]``."""
    name, raw = argv
    emit(STEPS[name](json.loads(raw)))


if __name__ == "__main__":
    main(sys.argv[1:])
