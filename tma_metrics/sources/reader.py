"""`read_export`: from bytes or a path to canonical relations and an import report."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from tma_metrics.domain.model import (
    LINE_COLUMN,
    TABLE_COLUMNS,
    ImportFormatError,
    ParsedFile,
    rejects,
)
from tma_metrics.sources import csvfile, engine, failures, limits, sandbox, workbook
from tma_metrics.sources.adapters import canonical
from tma_metrics.sources.adapters.base import Build, Context
from tma_metrics.sources.detect import cleaned, content_refusal, pick_header
from tma_metrics.sources.errors import UnrecognisedFormat
from tma_metrics.sources.headers import HeaderMatch, header_signature
from tma_metrics.sources.macros import install_macros
from tma_metrics.sources.mapping import MappingProfile, guess_table, suggest_mapping
from tma_metrics.sources.payload import Payload, load_payload
from tma_metrics.sources.source import Row, Source

__all__ = ["SOURCE_CHOICES", "Table", "read_export", "read_with_mapping", "release"]

SOURCE_CHOICES: tuple[str, ...] = (
    "auto",
    "redmine",
    "jira",
    "glpi",
    "zendesk",
    "mantis",
    "gitlab",
    "tempo",
    "kimai",
    "harvest",
    "clockify",
    "toggl",
    "jira-worklog",
    "canonical",
)
_PREVIEW_ROWS = 5
#: Sheets of explanations (and the quick balance's « Carnet » settings), left out silently.
_README_SHEET = re.compile(
    r"« (lisez[- ]moi|readme|read me|notice|aide|help|carnet|contrat) »", re.IGNORECASE
)


@dataclass
class Table:
    """One table of a file (the CSV, or one sheet) before its header is known."""

    label: str  # "fichier" or "feuille « Temps »"
    records: list[Row]  # first records (all of them for a sheet)
    complete: bool  # records hold every row
    open: Callable[[int, Row], Source]  # header index, header -> Source
    reopen: Callable[[int, Row], Source] | None = None  # slower, more tolerant reader
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class _Part:
    build: Build
    parts: list[engine.Materialised]
    sheet: str | None
    notes: list[str]


def read_export(
    con: duckdb.DuckDBPyConnection,
    data: bytes | Path,
    file_name: str,
    source: str = "auto",
    *,
    profiles: Mapping[str, MappingProfile] | None = None,
    timezone: str = "Europe/Paris",
) -> ParsedFile:
    """Read one export (bytes of an upload, or a path read by DuckDB) into a `ParsedFile`.

    Raises `ImportFormatError` (French message: expected vs found) for a file that
    cannot be read, `UnrecognisedFormat` when no export format matches its header and
    no saved profile does either, and the errors of `failures` for a file beyond the
    active `limits` or whose rows were all rejected. Under limits that say so (uploads),
    and for workbooks whose content the checks cannot bound, the file is parsed in a
    child process (`sandbox`) and the tables come back as relations on ``con``.
    """
    if source not in SOURCE_CHOICES:
        raise ImportFormatError(
            f"Outil inconnu « {source} » : attendu un de {', '.join(SOURCE_CHOICES)}."
        )
    _check_timezone(timezone)
    payload = _bounded_payload(data, file_name)
    if sandbox.needed(payload):
        return sandbox.read(con, payload, source=source, profiles=profiles, timezone=timezone)
    install_macros(con)
    with failures.in_french():
        return _read_export(con, payload, source, profiles or {}, timezone)


def _bounded_payload(data: bytes | Path, file_name: str) -> Payload:
    """Return the payload of ``data`` after the size limit (only its head is read)."""
    payload = load_payload(data, file_name)
    refusal = limits.active().refuse_size(payload.size)
    if refusal:
        raise failures.LimitExceeded(refusal)
    return payload


def _read_export(
    con: duckdb.DuckDBPyConnection,
    payload: Payload,
    source: str,
    profiles: Mapping[str, MappingProfile],
    timezone: str,
) -> ParsedFile:
    tables = _tables(con, payload)
    done: list[_Part] = []
    skipped: list[tuple[str, str]] = []  # (table label, why it was left out)
    first_problem: ImportFormatError | None = None
    problem_rank = (-1, -1)
    for table in tables:
        try:
            part = _read_table(con, table, source, profiles, timezone)
        except _EmptyTable as exc:
            if len(tables) == 1:
                raise ImportFormatError(str(exc)) from None
            skipped.append((table.label, "en-tête sans données"))
            continue
        except ImportFormatError as exc:
            # One sheet of a workbook may be a summary or an inventory: the others count.
            if len(tables) == 1:
                raise
            # The message kept when no sheet is read: a sheet recognised then refused
            # says more than an unrecognised one, and the biggest sheet is the likely data.
            rank = (int(not isinstance(exc, UnrecognisedFormat)), _table_size(table))
            if rank > problem_rank:
                first_problem, problem_rank = exc, rank
            reason = "colonnes non reconnues" if isinstance(exc, UnrecognisedFormat) else str(exc)
            skipped.append((table.label, reason))
            continue
        done.append(part)
    if not done:
        if first_problem is not None:
            raise first_problem
        raise ImportFormatError(
            "Classeur vide : attendu au moins une feuille avec un en-tête et des données, "
            "trouvé des feuilles vides."
        )
    return _combine(con, done, skipped, payload)


def _table_size(table: Table) -> int:
    """Return how many filled cells the first records of ``table`` hold."""
    return sum(1 for record in table.records[:200] for cell in record if cell.strip())


def read_with_mapping(
    con: duckdb.DuckDBPyConnection,
    data: bytes | Path,
    file_name: str,
    mapping: MappingProfile,
    *,
    timezone: str = "Europe/Paris",
) -> ParsedFile:
    """Read a file with a user's column mapping (the first table holding its columns)."""
    _check_timezone(timezone)
    payload = _bounded_payload(data, file_name)
    if sandbox.needed(payload):
        return sandbox.read(con, payload, mapping=mapping, timezone=timezone)
    install_macros(con)
    with failures.in_french():
        return _read_with_mapping(con, payload, mapping, timezone)


def _read_with_mapping(
    con: duckdb.DuckDBPyConnection, payload: Payload, mapping: MappingProfile, timezone: str
) -> ParsedFile:
    problem: ImportFormatError | None = None
    for table in _tables(con, payload):
        for index, record in enumerate(table.records[:15]):
            header = cleaned(record)
            try:
                positions = mapping.positions(header)
            except ImportFormatError as exc:
                problem = problem or exc
                continue
            if index + 1 >= len(table.records):
                raise ImportFormatError(
                    "Seulement une ligne d'en-tête, aucune donnée : attendu des lignes sous "
                    "l'en-tête."
                )
            part = _run(con, table, index, header, _mapped_build(mapping, positions), timezone)
            return _combine(con, [part], [], payload)
    raise problem or ImportFormatError("Aucune colonne de la correspondance n'a été trouvée.")


def _mapped_build(
    mapping: MappingProfile, positions: Mapping[str, int]
) -> Callable[[Context], Build]:
    def build(ctx: Context) -> Build:
        plan = canonical.plan_for(mapping.table, positions, ctx.header)
        return Build("canonical", f"Correspondance « {mapping.name} »", [plan])

    return build


class _EmptyTable(Exception):
    """A table with a header and no data row."""


def _check_timezone(timezone: str) -> None:
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ImportFormatError(
            f"Fuseau horaire inconnu « {timezone} » : attendu un nom IANA comme Europe/Paris."
        ) from exc


def _tables(con: duckdb.DuckDBPyConnection, payload: Payload) -> list[Table]:
    """Return the tables of the file: the CSV itself, or every sheet of a workbook."""
    if payload.kind in ("zip", "ole"):
        kind, sheets = workbook.read_sheets(payload)
        tables = []
        for sheet in sheets:
            records, lines, complete = sheet.head()
            if not records:
                continue

            def open_sheet(
                index: int, header: Row, sheet: workbook.Sheet = sheet, lines: list[int] = lines
            ) -> Source:
                return sheet.source(con, lines[index], header)

            label = f"feuille « {sheet.name} »"
            tables.append(Table(label, records, complete, open_sheet, sheet=sheet.name))
        if not tables:
            raise ImportFormatError(
                f"Classeur {kind} vide : attendu au moins une feuille remplie, trouvé "
                f"{len(sheets)} feuille(s) vide(s)."
            )
        return tables
    sniffed = csvfile.sniff(payload)
    fast = (
        payload.path is not None
        and sniffed.encoding.duckdb is not None
        and not sniffed.encoding.mixed
        and not payload.nul  # DuckDB would keep the NUL bytes in the values
    )

    def python(index: int, header: Row) -> Source:
        return csvfile.python_source(con, payload, sniffed, index, header)

    def native(index: int, header: Row) -> Source:
        return csvfile.duckdb_source(con, payload, sniffed, index, header)

    return [
        Table(
            "fichier",
            sniffed.records,
            sniffed.complete,
            native if fast else python,
            reopen=python if fast else None,
            notes=list(sniffed.notes),
        )
    ]


def _read_table(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    choice: str,
    profiles: Mapping[str, MappingProfile],
    timezone: str,
) -> _Part:
    records = table.records
    index, found = pick_header(records, choice)
    # Content rules (Redmine's pivot report) are for headers no signature recognises: a
    # recognised timesheet ending with a « Total » row is no pivot report.
    refusal = content_refusal(records, choice) if found is None else None
    if refusal:
        raise ImportFormatError(refusal)
    header = cleaned(records[index]) if records else []
    if table.complete and len(records) <= index + 1:
        raise _EmptyTable(
            "Seulement une ligne d'en-tête, aucune donnée : attendu des lignes sous "
            f"l'en-tête ({len(header)} colonnes), trouvé 0 ligne."
        )
    if found is None:
        profile = profiles.get(header_signature(header))
        if profile is not None:
            positions = profile.positions(header)
            return _run(con, table, index, header, _mapped_build(profile, positions), timezone)
        raise _unrecognised(table, index, header, choice)
    if found.signature.refuse:
        raise ImportFormatError(found.signature.refuse)
    adapter, variant, match = found.adapter, found.signature.variant, found.match

    def build(ctx: Context) -> Build:
        return adapter.build(ctx)

    return _run(con, table, index, header, build, timezone, variant=variant, match=match)


def _run(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    index: int,
    header: Row,
    build_fn: Callable[[Context], Build],
    timezone: str,
    *,
    variant: str = "",
    match: HeaderMatch | None = None,
) -> _Part:
    """Open the table's source and materialise every plan (retrying a failed fast read)."""
    width = len(table.records[index]) if table.records else len(header)
    full_header = (list(header) + [""] * width)[:width]
    attempts = [table.open] + ([table.reopen] if table.reopen else [])
    for attempt, opener in enumerate(attempts):
        src = opener(index, full_header)
        try:
            raw_header = list(table.records[index]) if table.records else []
            ctx = Context(variant, match or HeaderMatch({}, {}), full_header, src, con, raw_header)
            built = build_fn(ctx)
            parts = [engine.materialise(con, src, plan, timezone=timezone) for plan in built.plans]
            if built.follow is not None and parts:
                for derived, plan in built.follow(parts[0]):
                    parts.append(engine.materialise(con, derived, plan, timezone=timezone))
            notes = [*table.notes, *src.notes, *built.notes]
            return _Part(built, parts, table.sheet, list(dict.fromkeys(notes)))
        except engine.SourceReadError:
            if attempt + 1 == len(attempts):
                raise ImportFormatError(
                    "Lecture impossible : le fichier n'a pas pu être lu comme un CSV."
                ) from None
        finally:
            src.release(con)
    raise AssertionError("unreachable")


def _unrecognised(table: Table, index: int, header: Row, choice: str) -> UnrecognisedFormat:
    guessed = guess_table(header)
    shown = ", ".join(f"« {h} »" for h in header[:12] if h) or "aucune colonne nommée"
    more = f" (et {len(header) - 12} autres)" if len(header) > 12 else ""
    expected = (
        "un export Redmine, Jira, GLPI, Zendesk, Mantis, GitLab, Tempo, Kimai, Harvest, "
        "Clockify, Toggl Track ou le format TMA Metrics"
        if choice == "auto"
        else f"un export « {choice} »"
    )
    where = f" ({table.label})" if table.sheet else ""
    return UnrecognisedFormat(
        f"Format non reconnu{where} : attendu {expected}, trouvé les colonnes {shown}{more}.",
        header=header,
        signature=header_signature(header),
        suggestion=suggest_mapping(header, guessed),
        preview=[list(r) for r in table.records[index + 1 : index + 1 + _PREVIEW_ROWS]],
        table=guessed,
        sheet=table.sheet,
    )


def _combine(
    con: duckdb.DuckDBPyConnection,
    done: list[_Part],
    skipped: list[tuple[str, str]],
    payload: Payload,
) -> ParsedFile:
    """Return one ParsedFile from the tables read (one per CSV, one per sheet)."""
    tools = list(dict.fromkeys(p.build.tool for p in done))
    variants = list(dict.fromkeys(p.build.variant for p in done))
    several = len(done) > 1
    workbook_file = payload.kind in ("zip", "ole")
    rejected: list[pd.DataFrame] = []
    warnings: list[str] = []
    rows_read = 0
    for part in done:
        prefix = f"Feuille « {part.sheet} » : " if several and part.sheet else ""
        warnings += [prefix + n for n in part.notes]
        for m in part.parts:
            if m.plan.counts_rows:
                rows_read += m.rows_read
            warnings += [prefix + w for w in m.warnings]
            if len(m.rejected):
                found = m.rejected.copy()
                if several and part.sheet:
                    found["column"] = found["column"].fillna("").astype("string") + (
                        f" (feuille « {part.sheet} »)"
                    )
                rejected.append(found)
    warnings += [
        f"{label[0].upper()}{label[1:]} ignorée : {reason.rstrip('.')}."
        for label, reason in skipped
        if not _README_SHEET.search(label)
    ]
    kept = sum(m.kept for part in done for m in part.parts)
    all_rejected = pd.concat(rejected, ignore_index=True) if rejected else rejects()
    if not kept and len(all_rejected):
        raise failures.all_rejected(max(rows_read, len(all_rejected)), all_rejected)
    variant = _join_variants(variants) + (" (classeur)" if workbook_file else "")
    return ParsedFile(
        tool=tools[0] if len(tools) == 1 else "+".join(tools),
        variant=variant,
        rows_read=rows_read,
        tickets=_union(con, done, "tickets"),
        time_entries=_union(con, done, "time_entries"),
        status_history=_union(con, done, "status_history"),
        rejected=all_rejected,
        warnings=list(dict.fromkeys(warnings)),
    )


def _join_variants(variants: list[str]) -> str:
    """Return "Tool — a, b" for variants of one tool, "A + B" otherwise."""
    heads = {v.split(" — ")[0] for v in variants}
    if len(variants) > 1 and len(heads) == 1 and all(" — " in v for v in variants):
        return f"{heads.pop()} — " + ", ".join(v.split(" — ", 1)[1] for v in variants)
    return " + ".join(variants)


def _union(con: duckdb.DuckDBPyConnection, done: list[_Part], table: str) -> object:
    """Return the good rows of ``table`` over every part that built it, or None."""
    parts = [m for part in done for m in part.parts if m.plan.table == table]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0].relation
    columns = ", ".join(f'"{c}"' for c in TABLE_COLUMNS[table])
    query = " UNION ALL ".join(
        f"SELECT {columns}, {m.line_sql} AS {LINE_COLUMN} FROM {m.name} WHERE _ok" for m in parts
    )
    return con.sql(query)


def release(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the temporary tables imports left on ``con`` (after writing or cancelling)."""
    views = con.execute(
        "SELECT view_name FROM duckdb_views() WHERE temporary AND starts_with(view_name, 'tma_')"
    ).fetchall()
    for (name,) in views:
        con.execute(f'DROP VIEW IF EXISTS "{name}"').fetchall()
    names = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary AND starts_with(table_name, 'tma_')"
    ).fetchall()
    for (name,) in names:
        con.execute(f'DROP TABLE IF EXISTS "{name}"').fetchall()
