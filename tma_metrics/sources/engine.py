"""Turn a `TablePlan` over a `Source` into a temporary table, its report and a relation.

One ``CREATE TEMP TABLE ... AS SELECT`` reads the source once and writes, per row,
the canonical columns plus flags: ``_skip`` (blank or total rows), ``_reject`` (the
code of the first required value that is missing or unreadable) and ``_bad<i>`` (an
optional value that did not parse and was nulled). Counts, rejected rows and warnings
are then read from that table; the returned relation selects the good rows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from tma_metrics.domain.model import LINE_COLUMN, REJECT_COLUMNS, TABLE_COLUMNS, rejects
from tma_metrics.errors import InputError
from tma_metrics.sources import dates, labels, out_of_period, plausibility
from tma_metrics.sources.plan import (
    CHOICE,
    DATE,
    HOURS,
    KEY,
    NUMBER,
    PARSED_KINDS,
    TS,
    Field,
    TablePlan,
)
from tma_metrics.sources.source import Source, column_names, temp_name

__all__ = ["Materialised", "SourceReadError", "drop", "materialise"]

_SQL_TYPES = {"string": "VARCHAR", "datetime64[us]": "TIMESTAMP", "Float64": "DOUBLE"}
#: Rows sampled to choose date formats, and distinct values kept per column.
_SAMPLE_ROWS = 20_000
_SAMPLE_VALUES = 500


_PLACEHOLDER = re.compile(r"\{([A-Za-z_]\w*)\}")
#: Suffix of the table under a plan's view, and the view column giving its row ids.
_DATA = "_data"
_ROWID = "_rowid"


class SourceReadError(InputError):
    """DuckDB's CSV reader failed on the file (ragged rows, bytes of another encoding)."""


@dataclass
class Materialised:
    """A plan executed: the temporary table, its good rows and its report."""

    plan: TablePlan
    name: str
    line_sql: str
    relation: duckdb.DuckDBPyRelation
    rows_read: int
    kept: int
    rejected: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)


def materialise(
    con: duckdb.DuckDBPyConnection, source: Source, plan: TablePlan, *, timezone: str
) -> Materialised:
    """Build the temporary table of ``plan`` and return it with its report."""
    choices = _choose_dates(con, source, plan)
    name = temp_name(plan.table)
    stats = _create(con, name, source, plan, choices, timezone)
    widened = _widen_dates(con, name, source, plan, choices, stats, timezone)
    if widened != choices:
        drop(con, name)
        choices = widened
        stats = _create(con, name, source, plan, choices, timezone)
    line_sql = LINE_COLUMN if source.has_line else f"({_ROWID} + {int(source.first_line)})"
    canonical = ", ".join(f'"{c}"' for c in TABLE_COLUMNS[plan.table])
    relation = con.sql(f"SELECT {canonical}, {line_sql} AS {LINE_COLUMN} FROM {name} WHERE _ok")
    rejected = _rejected(con, name, line_sql, plan, choices)
    outside = out_of_period.optional_dates(con, name, plan, choices, stats)
    warnings = _warnings(plan, stats, outside)
    if stats["kept"]:
        warnings += plausibility.warnings(con, name, plan.table, line_sql)
    return Materialised(
        plan=plan,
        name=name,
        line_sql=line_sql,
        relation=relation,
        rows_read=stats["rows"],
        kept=stats["kept"],
        rejected=rejected,
        warnings=warnings,
        stats=stats,
    )


def _params(source: Source, plan: TablePlan, timezone: str) -> dict[str, object]:
    params: dict[str, object] = dict(source.params)
    params["tma_tz"] = timezone
    for j, (key, _) in enumerate(plan.extra):
        params[f"tma_k{j}"] = key
    return params


def _choose_dates(
    con: duckdb.DuckDBPyConnection, source: Source, plan: TablePlan
) -> dict[str, dates.TsChoice]:
    ts_fields = [(i, f) for i, f in enumerate(plan.fields) if f.kind in (TS, DATE)]
    if not ts_fields:
        return {}
    inner = ", ".join(f"{f.raw} AS s{i}" for i, f in ts_fields)
    aggs = ", ".join(
        f"(list(DISTINCT s{i}) FILTER (WHERE s{i} IS NOT NULL))[1:{_SAMPLE_VALUES}]"
        for i, _ in ts_fields
    )
    sql = f"SELECT {aggs} FROM (SELECT {inner} FROM {source.sample_sql} LIMIT {_SAMPLE_ROWS})"
    row = _execute(con, sql, source.sample_params, source).fetchall()[0]
    samples = {f.name: list(values or []) for (_, f), values in zip(ts_fields, row, strict=True)}
    return dates.choose(con, samples, plan.order, workbook=source.workbook)


def _parse_sql(f: Field, r: str, choice: dates.TsChoice | None) -> str:
    """Return the SQL parsing raw text column ``r`` as field ``f`` says."""
    if f.kind == KEY:
        return (f.parse_sql or "{r}").replace("{r}", r)
    if f.kind == TS:
        assert choice is not None
        return dates.expression(r, choice, utc=f.utc)
    if f.kind == DATE:
        assert choice is not None
        return f"date_trunc('day', {dates.expression(r, choice, utc=f.utc)})"
    if f.kind == HOURS:
        return f"tma_hours({r}, {float(f.unit_hours)!r})"
    if f.kind == NUMBER:
        return f"tma_decimal({r})"
    if f.kind == CHOICE:
        assert f.choices is not None
        cases = " ".join(
            f"WHEN {_sql_text(label)} THEN {_sql_text(value)}" for label, value in f.choices.items()
        )
        return f"CASE strip_accents(lower({r})) {cases} END"
    return r


def _fill(template: str, names: Mapping[str, str]) -> str:
    """Replace the ``{field}`` placeholders of an adapter's SQL; absent fields are NULL.

    Regular-expression quantifiers (``\\d{4}``) are not placeholders and stay.
    """
    return _PLACEHOLDER.sub(lambda m: names.get(m.group(1), "NULL"), template)


def _sql_text(value: str | None) -> str:
    """Quote one of the adapters' constant strings (never a value from a file)."""
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def _create(
    con: duckdb.DuckDBPyConnection,
    name: str,
    source: Source,
    plan: TablePlan,
    choices: Mapping[str, dates.TsChoice],
    timezone: str,
) -> dict[str, int]:
    """Run the CREATE TEMP TABLE of ``plan`` and return its counts."""
    fields = plan.fields
    raw_cols = _raw_columns(source, plan)
    parsed, ranged = _parsed_columns(fields, choices)
    subst = {f.name: f"f{i}" for i, f in enumerate(fields)}
    subst.update({f"{f.name}_raw": f"r{i}" for i, f in enumerate(fields)})

    out, constant = _table_columns(plan, subst, source)
    bad = _bad_columns(fields)
    out += [f"{expr} AS _bad{k}" for k, expr in enumerate(bad)]
    # Unreadable dates are kept (mostly NULL, cheap) to test other formats on them.
    out += [
        f"CASE WHEN r{i} IS NOT NULL AND v{i} IS NULL THEN r{i} END AS _baddate{i}"
        for i, f in enumerate(fields)
        if f.kind in (TS, DATE)
    ]
    skip = (
        f"_empty OR (NOT _lost AND coalesce(({_fill(plan.skip, subst)}), false))"
        if plan.skip
        else "_empty"
    )
    out.append("_empty")
    out.append(f"{skip} AS _skip")
    reject, reject_raw = _reject_sql(fields, skip, source.has_malformed)
    out.append(f"{reject} AS _reject")
    out.append(f"CAST({reject_raw} AS VARCHAR) AS _reject_raw")
    note = "_malformed" if source.has_malformed else "NULL"
    out.append(f"CAST({note} AS VARCHAR) AS _reject_note")
    out += list(plan.carry)

    if not source.has_malformed:
        constant.append("_reject_note")
    by_name = {item.rsplit(" AS ", 1)[-1]: item for item in out}  # output name -> SQL
    stored = f"* EXCLUDE ({', '.join(constant)})" if constant else "*"
    sql = (
        f"CREATE TEMP TABLE {name}{_DATA} AS "
        f"WITH r AS (SELECT {', '.join(raw_cols)} FROM {source.from_sql}), "
        f"p AS (SELECT *, {', '.join(parsed)} FROM r), "
        f"q AS (SELECT *, {', '.join(ranged)} FROM p), "
        f"o AS (SELECT {', '.join(out)} FROM q) "
        f"SELECT {stored}, NOT _skip AND _reject IS NULL AS _ok FROM o"
    )
    _execute(con, sql, _params(source, plan, timezone), source).fetchall()
    added = "".join(f", {by_name[c]}" for c in constant)
    con.execute(
        f"CREATE TEMP VIEW {name} AS SELECT *, rowid AS {_ROWID}{added} FROM {name}{_DATA}"
    ).fetchall()
    return _stats(con, name, plan, len(bad))


def _raw_columns(source: Source, plan: TablePlan) -> list[str]:
    """Return the SELECT items reading the raw cells, the line and the lost-record flags."""
    fields = plan.fields
    raw_cols = [LINE_COLUMN] if source.has_line else []
    if source.has_malformed:
        raw_cols += ["_malformed", "_malformed_raw"]
    names = column_names(source.width)
    empty = f"coalesce({', '.join(names)}) IS NULL" if len(names) > 1 else f"{names[0]} IS NULL"
    # A record the reader lost (its cells left empty, its reason in _malformed) is
    # neither blank nor a total row: it is rejected with that reason.
    lost = f"_malformed IS NOT NULL AND {empty}" if source.has_malformed else "false"
    raw_cols.append(f"{empty} AND NOT ({lost}) AS _empty")
    raw_cols.append(f"{lost} AS _lost")
    raw_cols += [f"{f.raw} AS r{i}" for i, f in enumerate(fields)]
    raw_cols += [f"{raw} AS x{j}" for j, (_, raw) in enumerate(plan.extra)]
    raw_cols += [f"{raw} AS {carry}" for carry, raw in plan.carry.items()]
    return raw_cols


def _parsed_columns(
    fields: tuple[Field, ...], choices: Mapping[str, dates.TsChoice]
) -> tuple[list[str], list[str]]:
    """Return the SELECT items parsing each field (v) and dropping values below range (f)."""
    parsed = [
        f"{_parse_sql(f, f'r{i}', choices.get(f.name))} AS v{i}" for i, f in enumerate(fields)
    ]
    ranged = [
        f"CASE WHEN v{i} < {float(f.min_value)!r} THEN NULL ELSE v{i} END AS f{i}"
        if f.min_value is not None
        else f"v{i} AS f{i}"
        for i, f in enumerate(fields)
    ]
    return parsed, ranged


def _table_columns(
    plan: TablePlan, subst: Mapping[str, str], source: Source
) -> tuple[list[str], list[str]]:
    """Return the SELECT items of the table's columns and the constant ones left unstored."""
    out = [LINE_COLUMN] if source.has_line else []
    # Columns that are the same on every row (the tool's name, the columns the file
    # lacks, the note of a well-formed file) are not stored: the view over the table
    # adds them. Two million rows of a constant cost 8 to 16 bytes each to write.
    constant: list[str] = []
    for column, dtype in TABLE_COLUMNS[plan.table].items():
        if column in plan.derived:
            expr = _fill(plan.derived[column], subst)
        elif column in plan.constants:
            expr = _sql_text(plan.constants[column])
            constant.append(f'"{column}"')
        elif column in subst:
            expr = subst[column]
        elif column == "extra" and plan.extra:
            entries = ", ".join(f"{{'k': $tma_k{j}, 'v': x{j}}}" for j in range(len(plan.extra)))
            expr = (
                f"nullif(to_json(map_from_entries(list_filter([{entries}], "
                "lambda e: e.v IS NOT NULL)))::VARCHAR, '{}')"
            )
        else:
            expr = "NULL"
            constant.append(f'"{column}"')
        out.append(f'CAST({expr} AS {_SQL_TYPES[dtype]}) AS "{column}"')
    return out, constant


def _bad_columns(fields: tuple[Field, ...]) -> list[str]:
    """Return, per parsed field, the SQL flagging a value that could not be read."""
    bad = []
    for i, f in enumerate(fields):
        if f.kind in PARSED_KINDS:
            out_of_range = f" OR v{i} < {float(f.min_value)!r}" if f.min_value is not None else ""
            bad.append(f"coalesce(r{i} IS NOT NULL AND (v{i} IS NULL{out_of_range}), false)")
    return bad


def drop(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop a plan's view ``name`` and the table under it."""
    con.execute(f"DROP VIEW IF EXISTS {name}").fetchall()
    con.execute(f"DROP TABLE IF EXISTS {name}{_DATA}").fetchall()


def _reject_sql(fields: tuple[Field, ...], skip: str, malformed: bool) -> tuple[str, str]:
    """Return the SQL of the reject code and of the raw value it is about.

    Code 0 is a malformed record; field ``i`` has codes ``3i+1`` (missing), ``3i+2``
    (unreadable) and ``3i+3`` (below its minimum). The first failing field wins.
    """
    whens, raws = [], []
    if malformed:
        whens.append("WHEN _malformed IS NOT NULL THEN 0")
        raws.append("WHEN _malformed IS NOT NULL THEN _malformed_raw")
    for i, f in enumerate(fields):
        if not f.required:
            continue
        whens.append(f"WHEN r{i} IS NULL THEN {3 * i + 1}")
        raws.append(f"WHEN r{i} IS NULL THEN NULL")
        if f.kind in PARSED_KINDS:
            whens.append(f"WHEN v{i} IS NULL THEN {3 * i + 2}")
            raws.append(f"WHEN v{i} IS NULL THEN r{i}")
        if f.min_value is not None:
            whens.append(f"WHEN v{i} < {float(f.min_value)!r} THEN {3 * i + 3}")
            raws.append(f"WHEN v{i} < {float(f.min_value)!r} THEN r{i}")
    if not whens:
        return "NULL::INTEGER", "NULL"
    return (
        f"CASE WHEN {skip} THEN NULL {' '.join(whens)} END",
        f"CASE WHEN {skip} THEN NULL {' '.join(raws)} END",
    )


def _execute(
    con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, object], source: Source
) -> duckdb.DuckDBPyConnection:
    """Execute ``sql``; DuckDB CSV-reader failures become `SourceReadError`."""
    used = {k: v for k, v in params.items() if re.search(rf"\${k}\b", sql)}
    try:
        return con.execute(sql, used)
    except (duckdb.InvalidInputException, duckdb.ConversionException) as exc:
        if source.duckdb_csv:
            raise SourceReadError(str(exc)) from exc
        raise


def _stats(
    con: duckdb.DuckDBPyConnection, name: str, plan: TablePlan, n_bad: int
) -> dict[str, int]:
    columns = list(TABLE_COLUMNS[plan.table])
    aggs = [
        "count(*) FILTER (WHERE NOT _empty) AS rows",
        "count(*) FILTER (WHERE _skip AND NOT _empty) AS skipped",
        "count(*) FILTER (WHERE _reject IS NOT NULL) AS rejected",
        "count(*) FILTER (WHERE _ok) AS kept",
    ]
    aggs += [f'count("{c}") FILTER (WHERE _ok) AS "n_{c}"' for c in columns]
    aggs += [f"count(*) FILTER (WHERE _ok AND _bad{k}) AS bad{k}" for k in range(n_bad)]
    aggs += [f"count(*) FILTER (WHERE NOT _skip AND _bad{k}) AS all_bad{k}" for k in range(n_bad)]
    result = con.execute(f"SELECT {', '.join(aggs)} FROM {name}")
    names = [d[0] for d in result.description]
    return dict(zip(names, (int(v) for v in result.fetchall()[0]), strict=True))


def _widen_dates(
    con: duckdb.DuckDBPyConnection,
    name: str,
    source: Source,
    plan: TablePlan,
    choices: dict[str, dates.TsChoice],
    stats: Mapping[str, int],
    timezone: str,
) -> dict[str, dates.TsChoice]:
    """Retry date columns whose sampled formats missed values, with every format.

    Only when some unreadable value of the column is readable by a wider choice (a
    format or a day/month order the sample did not show): a typo stays a typo, and
    the whole column is read again only then.
    """
    parsed = [f for f in plan.fields if f.kind in PARSED_KINDS]
    index = {f.name: i for i, f in enumerate(plan.fields)}
    candidates = []
    for k, f in enumerate(parsed):
        choice = choices.get(f.name)
        if choice is not None and choice.pruned and stats.get(f"all_bad{k}", 0):
            candidates.append(f)
    if not candidates:
        return choices
    probes = [
        "count("
        + dates.expression(f"_baddate{index[f.name]}", choices[f.name].widen(o), utc=f.utc)
        + ")"
        for f in candidates
        for o in dates.ORDERS
    ]
    params = {"tma_tz": timezone} if any("$tma_tz" in p for p in probes) else {}
    readable = con.execute(f"SELECT {', '.join(probes)} FROM {name}", params).fetchall()[0]
    n_orders = len(dates.ORDERS)
    suspects = [
        f for n, f in enumerate(candidates) if any(readable[n * n_orders : (n + 1) * n_orders])
    ]
    if not suspects:
        return choices
    aggs = []
    for f in suspects:
        for order in dates.ORDERS:
            wide = choices[f.name].widen(order)
            aggs.append(f"count({dates.expression(f.raw, wide, utc=f.utc)})")
        aggs.append(f"count({dates.expression(f.raw, choices[f.name], utc=f.utc)})")
    sql = f"SELECT {', '.join(aggs)} FROM {source.from_sql}"
    counts = _execute(con, sql, {**source.params, "tma_tz": timezone}, source).fetchall()[0]
    widened = dict(choices)
    step = len(dates.ORDERS) + 1
    for n, f in enumerate(suspects):
        found = counts[n * step : (n + 1) * step]
        best = max(range(len(dates.ORDERS)), key=lambda o: found[o])
        if found[best] > found[-1]:
            widened[f.name] = choices[f.name].widen(dates.ORDERS[best])
    return widened


def _rejected(
    con: duckdb.DuckDBPyConnection,
    name: str,
    line_sql: str,
    plan: TablePlan,
    choices: Mapping[str, dates.TsChoice],
) -> pd.DataFrame:
    """Return the rejected rows of table ``name`` with a French reason each."""
    found = con.execute(
        f"SELECT {line_sql} AS line, _reject AS code, _reject_raw AS raw, _reject_note AS note "
        f"FROM {name} WHERE _reject IS NOT NULL ORDER BY line"
    ).df()
    if found.empty:
        return rejects()
    columns: dict[int, str | None] = {0: None}
    before: dict[int, str] = {0: ""}
    after: dict[int, str] = {0: ""}
    for i, f in enumerate(plan.fields):
        if not f.required:
            continue
        for code, (head, tail) in labels.reject_reasons(f, choices.get(f.name)).items():
            columns[3 * i + code] = f.header or f.name
            before[3 * i + code] = head
            after[3 * i + code] = tail
    codes = found["code"].astype(int)
    raw = found["raw"].astype("string").str.slice(0, 200)
    shown = raw.fillna("")
    reason = codes.map(before).astype("string") + shown + codes.map(after).astype("string")
    reason = reason.where(codes != 0, found["note"].astype("string"))
    outside = out_of_period.rejected_dates(con, found, plan, choices)
    if outside.any():
        reason = reason.where(~outside, out_of_period.reasons(found["code"], shown, plan))
    out = pd.DataFrame(
        {
            "line": found["line"],
            "column": codes.map(columns),
            "raw": raw,
            "reason": reason,
        }
    )
    return out.astype(REJECT_COLUMNS)


def _warnings(plan: TablePlan, stats: Mapping[str, int], outside: Mapping[str, int]) -> list[str]:
    """Return the French warnings of a built table (unreadable values, notes)."""
    found = []
    parsed = [f for f in plan.fields if f.kind in PARSED_KINDS]
    for k, f in enumerate(parsed):
        n = stats.get(f"bad{k}", 0)
        if not n or f.required:
            continue
        if n - outside.get(f.name, 0):
            found.append(labels.unreadable(f, n - outside.get(f.name, 0)))
        if outside.get(f.name, 0):
            found.append(out_of_period.warning(f, outside[f.name]))
    if plan.skip_note and stats["skipped"]:
        n = stats["skipped"]
        found.append(plan.skip_note[0 if n == 1 else 1].format(n=n))
    found += labels.table_notes(plan, stats)
    if plan.notes is not None:
        found += plan.notes(stats)
    return found
