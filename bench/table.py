"""Turn the steps' measurements into the benchmark's eight rows and print them."""

from __future__ import annotations

import os
import platform
from importlib import metadata
from typing import Any

LIMIT_MB = 1536.0


def rows(m: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the table rows (number, what, value, baseline, ratio, target, met)."""
    csv_import, xlsx_import = m["import_time_log"], m["import_timesheet"]
    sla, report, pages = m["sla"], m["report"], m["pages"]
    a, bare, pandas_csv = (
        csv_import["seconds"],
        m["csv_duckdb"]["seconds"],
        m["csv_pandas"]["seconds"],
    )
    x, calamine = xlsx_import["seconds"], m["xlsx_calamine"]["seconds"]
    pandas_xlsx = m["xlsx_pandas"]["seconds"]
    speedup = sla["naive_seconds"] / sla["seconds"]
    imports = ("import_issues", "import_time_log", "import_timesheet")
    import_peak = max(m[name]["peak_rss_mb"] for name in imports)
    change = max(pages["pages"].values(), key=lambda p: p["filter_change"])
    first = max(pages["pages"].values(), key=lambda p: p["first_load"])
    app_peak = pages["peak_rss_mb"]
    full, incremental = m["sync_full"], m["sync_incremental"]
    table = [
        ("1", "import CSV temps passé / read_csv DuckDB nu", a, bare, a / bare, "≤ 2×",
         a / bare <= 2),
        ("2", "import CSV / script pandas", a, pandas_csv, pandas_csv / a, "≥ 5× plus rapide",
         pandas_csv / a >= 5),
        ("3", "import .xlsx / lecture calamine nue", x, calamine, x / calamine, "≤ 1,3×",
         x / calamine <= 1.3),
        ("4", "import .xlsx / pandas read_excel (openpyxl)", x, pandas_xlsx, pandas_xlsx / x,
         "≥ 3× plus rapide", pandas_xlsx / x >= 3),
        ("5", "SLA 3 types, tous les tickets / boucle naïve", sla["seconds"],
         sla["naive_seconds"], speedup, "≥ 100× et < 0,2 s",
         speedup >= 100 and sla["seconds"] < 0.2),
        ("6", "rapport complet, processus chaud", report["seconds"], None, None, "< 1 s",
         report["seconds"] < 1),
        ("7a", f"page après changement de filtre (pire : {change['title']})",
         change["filter_change"], None, None, "< 0,5 s", change["filter_change"] < 0.5),
        ("7b", f"premier chargement d'une page (pire : {first['title']})", first["first_load"],
         None, None, "< 3 s", first["first_load"] < 3),
        ("8a", "mémoire crête des imports", import_peak, None, None, "< 1,5 Go",
         import_peak < LIMIT_MB),
        ("8b", "mémoire crête de l'application", app_peak, None, None, "< 1,5 Go",
         app_peak < LIMIT_MB),
        ("9a", f"synchro Redmine complète, {full['issues']} demandes avec historique "
               f"({full['issues_per_second']:.0f} demandes/s)", full["seconds"], None, None,
         "10 000 demandes < 5 min", full["issues"] / full["seconds"] * 300 >= 10_000),
        ("9b", f"synchro incrémentale, {incremental['issues']} demandes modifiées "
               "/ synchro complète", incremental["seconds"], full["seconds"],
         full["seconds"] / incremental["seconds"], "< 1 min", incremental["seconds"] < 60),
    ]  # fmt: skip
    return [
        {
            "row": number,
            "what": what,
            "value": round(value, 4),
            "baseline": None if baseline is None else round(baseline, 4),
            "ratio": None if ratio is None else round(ratio, 3),
            "unit": "Mo" if number.startswith("8") else "s",
            "target": target,
            "met": bool(met),
        }
        for number, what, value, baseline, ratio, target, met in table
    ]


def machine() -> dict[str, Any]:
    """Describe the machine and the versions the numbers were measured with."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(ln.split(":", 1)[1].strip() for ln in info if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    ram_gb = None
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            kb = next(int(ln.split()[1]) for ln in info if ln.startswith("MemTotal"))
        ram_gb = round(kb / 1024 / 1024, 1)
    except (OSError, StopIteration):
        pass
    versions = {"python": platform.python_version()}
    for name in ("duckdb", "pandas", "numpy", "pyarrow", "streamlit", "python-calamine",
                 "openpyxl", "xlsxwriter"):  # fmt: skip
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": ram_gb,
        "system": platform.platform(),
        "versions": versions,
        "load_average": [round(v, 2) for v in os.getloadavg()],
    }


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "Mo":
        return f"{value:,.0f} Mo".replace(",", " ")
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def text_table(table: list[dict[str, Any]]) -> str:
    """Return the rows as an aligned plain-text table (French labels)."""
    head = ("#", "mesure", "valeur", "référence", "rapport", "cible", "")
    lines = [head]
    for r in table:
        ratio = "—" if r["ratio"] is None else f"{r['ratio']:.2f}×"
        lines.append((r["row"], r["what"], _number(r["value"], r["unit"]),
                      _number(r["baseline"], r["unit"]), ratio, r["target"],
                      "OK" if r["met"] else "MANQUÉ"))  # fmt: skip
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(head))]
    return "\n".join(
        "  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True))
        for line in lines
    )
