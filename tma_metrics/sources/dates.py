"""Choose, per column, how its dates are written (day-first or month-first, time...).

The candidate strptime formats are tried on a sample of the column's distinct values
(in DuckDB, with the same macros as the import itself). Rules:

- ISO 8601 (2026-11-20, with or without a time, ``T`` or an offset) is always read;
- month names and dotted dates (``05.01.2015``) are day-first or month-first by the way
  they are written, whatever the day;
- a column that only one order reads in full takes that order; a column both orders
  read (every day <= 12) takes the order the other date columns of the file proved,
  else the adapter's preference (day-first for French and ``;`` files, month-first for
  English Redmine whose default is ``%m/%d/%Y``);
- only the formats seen in the sample are kept, so the import tries one or two formats
  per value; if values the sample missed fail later, the engine retries the column with
  the whole list (`TsChoice.widen`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import duckdb

__all__ = [
    "ORDERS",
    "ORDER_EXAMPLES",
    "PLAUSIBLE_YEARS",
    "TsChoice",
    "choose",
    "expression",
    "formats",
    "unguarded",
]

_TIMES = (
    "",
    " %H:%M",
    " %H:%M:%S",
    " %I:%M %p",
    " %I:%M:%S %p",
    " %H:%M:%S.%f",
    " %Hh%M",
    ", %I:%M %p",
    ", %H:%M",
)
# Two-digit years first: "%Y" would read "25" as the year 25.
_DATES = {
    "dmy": ("%d/%m/%y", "%d/%m/%Y", "%d %m %y", "%d %m %Y"),
    "mdy": ("%m/%d/%y", "%m/%d/%Y", "%m %d, %Y", "%m %d %Y"),
}
# "%Y-%m-%d" reads ISO dates followed by what ISO lacks ("2026-11-20 9:00 PM").
_YEAR_FIRST = ("%Y/%m/%d", "%Y%m%d", "%Y-%m-%d")
ORDERS = tuple(_DATES)

_MONTH_WORD = re.compile(r"[^\W\d_]{3,}")
# d-m-y or d.m.y, also with a month word (20-nov.-26) or after a day of the week.
_DASHED = re.compile(r"(^|[^\d])\d{1,2}[.-](\d{1,2}|[^\W\d_]{3,}\.?)[.-]\d{2,4}")
_OFFSET = re.compile(r"\d{4}-\d{1,2}-\d{1,2}[T ][\d:.]+ ?(Z|[+-]\d{2}:?\d{2})$")
_UNCLEAN = re.compile(r"[\u00a0\u202f]|\s{2,}|^\s|\s$")
_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
_ISO = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}")
_PLAIN_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")

#: How a person writes each order, for messages.
ORDER_EXAMPLES = {"dmy": "jj/mm/aaaa", "mdy": "mm/jj/aaaa"}


def formats(order: str) -> tuple[str, ...]:
    """Return every candidate format of ``order`` ("dmy" or "mdy"), in trial order."""
    found = [d + t for d in _DATES[order] for t in _TIMES]
    found += [d + t for d in _YEAR_FIRST for t in _TIMES if not t.startswith(",")]
    return tuple(found)


@dataclass(frozen=True)
class TsChoice:
    """How one column's timestamps are read."""

    order: str
    formats: tuple[str, ...]
    months: bool = False  # month names to turn into numbers
    dashes: bool = False  # d-m-y / d.m.y to turn into d/m/y
    clean: bool = False  # odd spaces to normalise
    offset: bool = False  # ISO values with a UTC offset
    serial: bool = False  # Excel serial day numbers (workbooks)
    iso: bool = True  # ISO values to read (left out when the sample has none: faster)
    pruned: bool = True  # `formats` is the sample's subset of the order's list

    def widen(self, order: str | None = None) -> TsChoice:
        """Return the choice with every format (and cleaning) of ``order``."""
        chosen = order or self.order
        return replace(
            self,
            order=chosen,
            formats=formats(chosen),
            months=True,
            dashes=True,
            clean=True,
            pruned=False,
        )


def expression(raw: str, choice: TsChoice, *, utc: bool = False) -> str:
    """Return the SQL reading text ``raw`` as a TIMESTAMP with ``choice`` ($tma_tz bound)."""
    iso = f"tma_ts_clean({raw})" if choice.clean else raw
    return _reading(_prepared(raw, choice), iso, choice, utc=utc)


def _reading(x: str, iso: str, choice: TsChoice, *, utc: bool = False) -> str:
    """Return the SQL reading prepared text ``x`` (and ``iso``, only cleaned)."""
    fmts = "[" + ", ".join(_literal(f) for f in choice.formats or _YEAR_FIRST[:1]) + "]"
    parts = []
    if choice.offset:
        parts.append(f"tma_ts_guard(tma_ts_offset({iso}, $tma_tz))")
    parts.append(f"tma_ts({x}, {fmts})" if choice.iso else f"tma_ts_formats({x}, {fmts})")
    if choice.serial:
        parts.append(f"tma_ts_guard(tma_excel_serial({iso}))")
    value = parts[0] if len(parts) == 1 else "coalesce(" + ", ".join(parts) + ")"
    return f"tma_utc_to({value}, $tma_tz)" if utc else value


def unguarded(raw: str, choice: TsChoice) -> str:
    """Return the SQL reading ``raw`` as `expression` does, without the plausible years.

    The import keeps instants of 1950-2099 only; this reading tells a date outside them
    (01/01/1900, a placeholder of some tools) from text that is no date at all.
    """
    iso = f"tma_ts_clean({raw})" if choice.clean else raw
    x = _prepared(raw, choice)
    fmts = "[" + ", ".join(_literal(f) for f in choice.formats or _YEAR_FIRST[:1]) + "]"
    parts = [f"tma_ts_offset({iso}, 'UTC')"] if choice.offset else []
    if choice.iso:
        parts.append(f"tma_ts_iso({x})")
    parts.append(f"try_strptime({x}, {fmts})")
    if choice.serial:
        parts.append(f"tma_excel_serial({iso})")
    return parts[0] if len(parts) == 1 else "coalesce(" + ", ".join(parts) + ")"


#: The years an instant must fall in to be kept (as the SQL macro tma_ts_guard).
PLAUSIBLE_YEARS = (1950, 2099)


def _prepared(raw: str, choice: TsChoice) -> str:
    """Return the SQL of ``raw`` cleaned as ``choice`` says, ready for strptime.

    Month names go first ("20-nov.-26" -> "20-11-26"), then dashes ("20/11/26").
    """
    x = f"tma_ts_clean({raw})" if choice.clean else raw
    if choice.months:
        x = f"tma_ts_months({x})"
    return f"tma_ts_slashes({x})" if choice.dashes else x


def _literal(text: str) -> str:
    # Formats are this module's constants; quoting guards against a stray quote only.
    return "'" + text.replace("'", "''") + "'"


def choose(
    con: duckdb.DuckDBPyConnection,
    samples: Mapping[str, Sequence[str]],
    prefer: str,
    *,
    workbook: bool = False,
) -> dict[str, TsChoice]:
    """Return a `TsChoice` per column from samples of its distinct non-empty values."""
    coverage: dict[str, dict[str, int]] = {}
    kept: dict[str, dict[str, tuple[str, ...]]] = {}
    shapes: dict[str, dict[str, bool]] = {}
    for name, values in samples.items():
        shape = {
            "months": any(_MONTH_WORD.search(v) for v in values),
            "dashes": any(_DASHED.match(v) for v in values),
            "clean": any(_UNCLEAN.search(v) for v in values),
            "offset": any(_OFFSET.search(v.strip()) for v in values),
            "serial": workbook and any(_SERIAL.match(v.strip()) for v in values),
            "iso": any(_ISO.match(v.strip()) for v in values),
        }
        shapes[name] = shape
        if values and all(_PLAIN_ISO.match(v) for v in values):
            # Typed spreadsheet dates and ISO exports: nothing to decide, nothing to try.
            coverage[name] = dict.fromkeys(ORDERS, len(values))
            kept[name] = {o: () for o in ORDERS}
            continue
        coverage[name], kept[name] = _evaluate(con, list(values), shape)
        named = _named_order(values) if shape["months"] else _dotted_order(values)
        if named is not None:
            # "07/déc./25" is day-first and "Jan 20, 2023" month-first, whatever the day;
            # so is "05.01.2015" (dots are never month-first).
            coverage[name] = {o: (coverage[name][o] if o == named else 0) for o in ORDERS}
    decided = [
        ("dmy" if c["dmy"] > c["mdy"] else "mdy") for c in coverage.values() if c["dmy"] != c["mdy"]
    ]
    file_order = max(ORDERS, key=lambda o: (decided.count(o), o == prefer)) if decided else prefer
    choices = {}
    for name in samples:
        c = coverage[name]
        order = file_order if c["dmy"] == c["mdy"] else max(ORDERS, key=lambda o: c[o])
        choices[name] = TsChoice(order, kept[name][order], **shapes[name])
    return choices


_DAY_THEN_WORD = re.compile(r"^\s*\d{1,2}(er)?[\s/.-]+[^\W\d_]")
_WORD_FIRST = re.compile(r"^\s*[^\W\d_]{3,}")
#: A leading day of the week followed by a date (as the SQL macro tma_ts_weekday).
_WEEKDAY = re.compile(
    r"^\s*(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lun|mar|mer|jeu|ven|sam|dim|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu|thurs?|fri|"
    r"sat|sun)\.?,?\s+(?=\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2}(er)?\.?[\s/.-]+[^\W\d_]|"
    r"[^\W\d_]{3,})",
    re.IGNORECASE,
)


#: A numeric date written with dots (05.01.2015, 5.1.26), maybe followed by a time.
_DOTTED = re.compile(r"^\s*\d{1,2}\.\d{1,2}\.\d{2,4}(\s|$)")
_SLASHED = re.compile(r"^\s*\d{1,2}/\d{1,2}/\d{2,4}(\s|$)")


def _dotted_order(values: Sequence[str]) -> str | None:
    """Return "dmy" when the column writes its dates with dots, else None.

    ``dd.mm.yyyy`` is the German, Nordic, Russian... way; month-first countries use
    slashes. A tool writing dates in its user's format (Harvest, Clockify) gives
    ``05.01.2015`` for 5 January: reading it month-first would be silently wrong.

    >>> _dotted_order(["05.01.2015", "06.01.2015"]), _dotted_order(["05/01/2015"])
    ('dmy', None)
    """
    dotted = sum(1 for v in values if _DOTTED.match(v))
    slashed = sum(1 for v in values if _SLASHED.match(v))
    return "dmy" if dotted and not slashed else None


def _named_order(values: Sequence[str]) -> str | None:
    """Return the order month names prove ("dmy" for 07/déc./25), or None."""
    bare = [_WEEKDAY.sub("", v, count=1) for v in values]
    day_first = sum(1 for v in bare if _DAY_THEN_WORD.match(v))
    word_first = sum(1 for v in bare if _WORD_FIRST.match(v))
    if day_first == word_first:
        return None
    return "dmy" if day_first > word_first else "mdy"


def _evaluate(
    con: duckdb.DuckDBPyConnection, values: list[str], shape: Mapping[str, bool]
) -> tuple[dict[str, int], dict[str, tuple[str, ...]]]:
    """Count, in DuckDB, the sample values each order and each format reads."""
    probe = {o: TsChoice(o, formats(o), pruned=False, **shape) for o in ORDERS}
    if not values:
        return {o: 0 for o in ORDERS}, {o: () for o in ORDERS}
    # Prepare each value once (month names, separators), then try every format on it.
    any_probe = probe[ORDERS[0]]
    iso = "tma_ts_clean(v)" if any_probe.clean else "v"
    columns = [f"count({_reading('p', 'i', probe[o])})" for o in ORDERS]
    singles = {o: formats(o) for o in ORDERS}
    for o in ORDERS:
        columns += [f"count(tma_ts_guard(try_strptime(p, {_literal(f)})))" for f in singles[o]]
    sql = (
        f"SELECT {', '.join(columns)} FROM (SELECT {_prepared('v', any_probe)} AS p, "
        f"{iso} AS i FROM (SELECT unnest($tma_values) AS v))"
    )
    params: dict[str, object] = {"tma_values": values}
    if "$tma_tz" in sql:
        params["tma_tz"] = "UTC"
    counts = con.execute(sql, params).fetchall()[0]
    coverage = {o: counts[i] for i, o in enumerate(ORDERS)}
    kept = {}
    at = len(ORDERS)
    for o in ORDERS:
        n = len(singles[o])
        # A format counts when it reads something ISO does not (ISO is always tried).
        kept[o] = tuple(f for f, k in zip(singles[o], counts[at : at + n], strict=True) if k)
        at += n
    return coverage, kept
