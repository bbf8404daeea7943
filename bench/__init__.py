"""The benchmark: ``python -m tma_metrics bench [--size small|full] [--out DIR]``.

Generates (once per seed and size, then reused) a deterministic dataset — by default
200 contracts, 200 000 tickets, a 2 000 000-row French Redmine spent-time CSV and a
200 000-row ``.xlsx`` timesheet — then measures, each step in its own process, the
imports against bare reads, the SLA engine against a naive loop, the full report, every
page of the app and the peak memory. Prints a table and writes ``bench-<size>.json``.
BENCHMARKS.md records a run and explains where the time goes.
"""

from __future__ import annotations

import json
import shutil
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bench import table
from bench.generate import ensure_files
from bench.runner import run_step
from bench.sizes import DEFAULT_SEED, END, SIZES

__all__ = ["DEFAULT_SEED", "SIZES", "run_bench"]


def run_bench(
    size_name: str = "full",
    out: Path | None = None,
    *,
    seed: int = DEFAULT_SEED,
    log: Any = print,
) -> dict[str, Any]:
    """Generate (or reuse) the data, run every measurement, write and return the JSON."""
    size = SIZES[size_name]
    out = Path(out or Path("bench") / "out").resolve()
    out.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    started_at = datetime.now().isoformat(timespec="seconds")
    load_before = table.machine()["load_average"]
    log(f"Données {size.name} (graine {seed}) dans {out} …")
    files = ensure_files(out, size, seed)
    log(
        "  réutilisées" if files.manifest.get("reused") else "  générées", files.manifest["seconds"]
    )
    work = out / f"run-{size.name}-{seed}"
    work.mkdir(exist_ok=True)
    base, db = work / "base.duckdb", work / "bench.duckdb"
    for stale in (
        base,
        db,
        work / "bench.duckdb.wal",
        work / "base.duckdb.wal",
        work / "with-time-log.duckdb",
    ):
        stale.unlink(missing_ok=True)
    m: dict[str, dict[str, Any]] = {}

    def measure(key: str, name: str, args: dict[str, Any], repeats: int = 1) -> None:
        """Run a step ``repeats`` times (fresh process each); keep the fastest run."""
        log(f"- {key} …")
        runs = [run_step(name, args) for _ in range(repeats)]
        best = min(runs, key=lambda r: r.get("seconds", 0.0))
        m[key] = {**best, "peak_rss_mb": max(r["peak_rss_mb"] for r in runs)}
        if repeats > 1:
            m[key]["runs_seconds"] = [r["seconds"] for r in runs]
        shown = {k: v for k, v in m[key].items() if k in ("seconds", "peak_rss_mb")}
        log(f"  {shown}")

    # Every file is read once first: each measure then starts from the page cache.
    for path in (files.issues, files.time_log, files.timesheet):
        _read_through(path)
    n = size.import_repeats
    contracts = str(files.contracts)  # imports record the contracts their rows belong to
    issues = {"db": str(base), "path": str(files.issues), "contracts": contracts}
    measure("import_issues", "import", issues)
    measure("csv_duckdb", "csv_duckdb", {"path": str(files.time_log)}, n)
    # Each run imports into a fresh copy of the database holding the tickets.
    time_log = {
        "db": str(db), "template": str(base), "path": str(files.time_log), "contracts": contracts
    }  # fmt: skip
    measure("import_time_log", "import", time_log, n)
    measure("csv_pandas", "csv_pandas", {"path": str(files.time_log)}, n)
    measure("xlsx_calamine", "xlsx_calamine", {"path": str(files.timesheet)}, n)
    with_log = work / "with-time-log.duckdb"
    shutil.copyfile(db, with_log)
    timesheet = {
        "db": str(db), "template": str(with_log), "path": str(files.timesheet),
        "contracts": contracts,
    }  # fmt: skip
    measure("import_timesheet", "import", timesheet, n)
    with_log.unlink()
    measure("xlsx_pandas", "xlsx_pandas", {"path": str(files.timesheet)})
    # Once per data version (after the imports): every entry billed, summed per day.
    measure("derive", "derive", {"db": str(db), "contracts": str(files.contracts)})
    measure("sla", "sla", {"size": size.name, "seed": seed, "sample": size.naive_sla_sample})
    now = datetime.combine(END, datetime.min.time()) + timedelta(days=5, hours=10)
    days = [(END - timedelta(days=7 * i)).isoformat() for i in range(size.report_repeats + 1)]
    measure("report", "report", {
        "db": str(db), "contracts": str(files.contracts), "now": now.isoformat(),
        "as_of": days, "profile": str(out / f"profile-report-{size.name}.txt"),
    })  # fmt: skip
    first_contract = contract_name_from(files.contracts)
    measure("pages", "pages", {
        "db": str(db), "contracts": str(files.contracts), "as_of": END.isoformat(),
        "contract": first_contract, "repeats": size.page_repeats,
    })  # fmt: skip
    _measure_sync(measure, work, size.sync_issues)
    result = {
        "command": f"python -m tma_metrics bench --size {size.name} --out {out}",
        "started_at": started_at,
        "seconds": round(time.perf_counter() - began, 1),
        "size": size.as_dict(),
        "seed": seed,
        "machine": {**table.machine(), "load_average_before": load_before},
        "data": files.manifest,
        "rows": table.rows(m),
        "steps": m,
    }
    result["growth"] = table.growth(result, out)
    (out / f"bench-{size.name}.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
    )
    log("")
    log(table.text_table(result["rows"], result["growth"]))
    log(table.derive_line(m["derive"]))
    log(f"\nJSON : {out / f'bench-{size.name}.json'} ({result['seconds']:.0f} s en tout)")
    return result


#: Answer time of the synthetic Redmine per request (a server on the local network).
SYNC_LATENCY_SECONDS = 0.02


def _measure_sync(measure: Any, work: Path, issues: int) -> None:
    """Full sync of the synthetic Redmine, then an incremental one after 1 % changed."""
    from bench.redmine_stub import KEY, SyntheticRedmine

    db = work / "sync.duckdb"
    for stale in (db, work / "sync.duckdb.wal", work / "sync.sources.json"):
        stale.unlink(missing_ok=True)
    with SyntheticRedmine(issues, latency=SYNC_LATENCY_SECONDS) as stub:
        args = {"db": str(db), "url": stub.url, "key": KEY}
        measure("sync_full", "sync", {**args, "full": True})
        stub.touch(max(1, issues // 100))
        measure("sync_incremental", "sync", {**args, "full": False})


def _read_through(path: Path) -> None:
    """Read a file once (into the system's page cache), in 16 MB blocks."""
    with path.open("rb") as handle:
        while handle.read(1 << 24):
            pass


def contract_name_from(contracts_file: Path) -> str | None:
    """Return the first contract's name in the generated contracts file."""
    from tma_metrics.store.contracts_file import load_contracts

    contracts = load_contracts(contracts_file)
    return contracts[0].name if contracts else None
