"""Dates that are dates, but outside the years an import keeps (1950-2099).

The import reads an instant only when it falls in `dates.PLAUSIBLE_YEARS`: a year 1900
is a tool's placeholder or a typo, not an event. Such a value is still told apart from
text that is no date at all: its rejection (or warning) says « hors période », with the
years expected, instead of « illisible ».
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import pandas as pd

from tma_metrics.sources import dates, labels
from tma_metrics.sources.plan import DATE, PARSED_KINDS, TS, Field, TablePlan

__all__ = ["optional_dates", "reasons", "rejected_dates", "warning"]


def rejected_dates(
    con: duckdb.DuckDBPyConnection,
    found: pd.DataFrame,
    plan: TablePlan,
    choices: Mapping[str, dates.TsChoice],
) -> pd.Series:
    """Return, per rejected row (code, raw), whether its unreadable date is out of period."""
    low, high = dates.PLAUSIBLE_YEARS
    outside = pd.Series(False, index=found.index)
    for i, f in enumerate(plan.fields):
        choice = choices.get(f.name)
        rows = found["code"] == 3 * i + 2  # code of « unreadable » for field i
        if not (f.required and f.kind in (TS, DATE) and choice is not None and rows.any()):
            continue
        values = found.loc[rows, "raw"].astype(object).tolist()
        years = con.execute(
            f"SELECT year({dates.unguarded('v', choice)}) FROM (SELECT unnest($v) AS v)",
            {"v": values},
        ).fetchall()
        outside[rows] = [y is not None and not low <= y <= high for (y,) in years]
    return outside


def reasons(codes: pd.Series, shown: pd.Series, plan: TablePlan) -> pd.Series:
    """Return the French reason of each rejected row, as if its date were out of period."""
    low, high = dates.PLAUSIBLE_YEARS
    titles = {3 * i + 2: labels.label(f.name).capitalize() for i, f in enumerate(plan.fields)}
    head = codes.astype(int).map(titles).astype("string")
    return (
        head + f" hors période : attendu une date entre {low} et {high}, trouvé « " + shown + " »"
    )


def optional_dates(
    con: duckdb.DuckDBPyConnection,
    name: str,
    plan: TablePlan,
    choices: Mapping[str, dates.TsChoice],
    stats: Mapping[str, int],
) -> dict[str, int]:
    """Return, per optional date field with unread values, how many are out of period."""
    low, high = dates.PLAUSIBLE_YEARS
    parsed = [f for f in plan.fields if f.kind in PARSED_KINDS]
    counts = []
    for k, f in enumerate(parsed):
        choice = choices.get(f.name)
        if f.required or f.kind not in (TS, DATE) or choice is None or not stats.get(f"bad{k}"):
            continue
        # The engine keeps each unreadable date of field i in _baddate<i>.
        raw = f"_baddate{plan.fields.index(f)}"
        year = f"year({dates.unguarded(raw, choice)})"
        counts.append(
            (f.name, f"count(*) FILTER (WHERE _ok AND NOT ({year} BETWEEN {low} AND {high}))")
        )
    if not counts:
        return {}
    row = con.execute(f"SELECT {', '.join(sql for _, sql in counts)} FROM {name}").fetchall()[0]
    return {field: int(n) for (field, _), n in zip(counts, row, strict=True)}


def warning(f: Field, n: int) -> str:
    """Return the warning for ``n`` optional dates of ``f`` out of period (left empty)."""
    low, high = dates.PLAUSIBLE_YEARS
    return (
        f"{n} {labels.label(f.name, n)} hors période (colonne « {f.header} ») : attendu "
        f"une date entre {low} et {high}, valeur ignorée"
    )
