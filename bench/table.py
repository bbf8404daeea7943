"""Turn the steps' measurements into the benchmark's eight rows and print them."""

from __future__ import annotations

import json
import math
import os
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.sizes import ROW_SCALES, SIZES

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
    # CPU seconds of the measured process where known: on a shared, loaded machine the
    # wall time also counts the other tenants' work.
    cpu = {
        "1": csv_import.get("cpu_seconds"),
        "3": xlsx_import.get("cpu_seconds"),
        "6": report.get("cpu_seconds"),
        "7a": change.get("as_of_change_cpu") if "as_of_change" in change else None,
        "7b": first.get("first_load_cpu"),
    }
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
            "cpu_seconds": None if cpu.get(number) is None else round(cpu[number], 4),
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


def growth(result: dict[str, Any], out: Path) -> dict[str, Any] | None:
    """Return each measure's growth exponent against the run of another size in ``out``.

    ``exponent = log(value / other value) / log(scale / other scale)``, the scale being
    what the measure grows with (`ROW_SCALES`): 1 is linear, 2 quadratic. The other run
    is the largest smaller size found (else the smallest larger one); None without one.
    """
    size = result["size"]
    found = []
    for name, other in SIZES.items():
        path = out / f"bench-{name}.json"
        if name == size["name"] or not path.is_file():
            continue
        found.append((other.entries, json.loads(path.read_text(encoding="utf-8"))))
    smaller = [f for f in found if f[0] < size["entries"]]
    larger = [f for f in found if f[0] > size["entries"]]
    if not smaller and not larger:
        return None
    _, other = max(smaller, key=lambda f: f[0]) if smaller else min(larger, key=lambda f: f[0])
    mine, theirs = _measures(result), _measures(other)
    exponents = {}
    for row, value in mine.items():
        scale = ROW_SCALES.get(row)
        before = theirs.get(row)
        ratio = size[scale] / other["size"][scale] if scale else 1.0
        if before and value and ratio != 1.0:
            exponents[row] = round(math.log(value / before) / math.log(ratio), 2)
    return {"vs": other["size"]["name"], "started_at": other["started_at"], "exponents": exponents}


def _measures(result: dict[str, Any]) -> dict[str, float]:
    """The values growth is computed on: the table's rows and the derived tables' build."""
    values = {r["row"]: r["value"] for r in result["rows"]}
    derive = result["steps"].get("derive")
    if derive:
        values["6b"] = derive["seconds"]
    return values


def derive_line(derive: dict[str, Any]) -> str:
    """One line on the derived tables' build (once per data version, after an import)."""
    return (
        f"Tables dérivées (une fois par version des données) : {derive['seconds']:.1f} s, "
        f"CPU {derive['cpu_seconds']:.1f} s, {derive['contracts_billed']} contrats ; "
        f"vérification à jour : {derive['up_to_date_check_seconds']:.3f} s."
    )


def text_table(table: list[dict[str, Any]], grown: dict[str, Any] | None = None) -> str:
    """Return the rows as an aligned plain-text table (French labels)."""
    exponents = (grown or {}).get("exponents", {})
    vs = f"croissance / {grown['vs']}" if grown else ""
    head = ("#", "mesure", "valeur", "CPU", "référence", "rapport", "cible", "", vs)
    lines = [head]
    for r in table:
        ratio = "—" if r["ratio"] is None else f"{r['ratio']:.2f}×"
        grew = f"{exponents[r['row']]:.2f}" if r["row"] in exponents else ""
        lines.append((r["row"], r["what"], _number(r["value"], r["unit"]),
                      _number(r.get("cpu_seconds"), "s"), _number(r["baseline"], r["unit"]),
                      ratio, r["target"], "OK" if r["met"] else "MANQUÉ", grew))  # fmt: skip
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(head))]
    return "\n".join(
        "  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True))
        for line in lines
    )
