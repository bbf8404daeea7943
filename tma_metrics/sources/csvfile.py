"""CSV files: encoding, separator and header sniffing, then a `Source` to read them.

Lines are counted in records, not physical lines: the header is line 1 when it opens
the file, blank lines are not counted, and a record whose cell spans several lines
is one line, as a spreadsheet shows it.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field

import duckdb

from tma_metrics.domain.model import ImportFormatError
from tma_metrics.french import formats as fr
from tma_metrics.sources import csv_scan, limits
from tma_metrics.sources.failures import LimitExceeded
from tma_metrics.sources.payload import Encoding, Payload, decode, detect_encoding
from tma_metrics.sources.source import Row, Source, column_names, from_rows

__all__ = ["CsvSniff", "duckdb_source", "python_source", "sniff"]

_DELIMITERS = (";", ",", "\t", "|")
_DELIMITER_NAMES = {";": "« ; »", ",": "« , »", "\t": "une tabulation", "|": "« | »"}
#: Records kept from the head of a file to recognise it.
_SNIFF_RECORDS = 1000
#: The csv module's bound on one field (a child process lowers it to its page's limit);
#: Jira rows with long comment threads stay far below.
_MAX_FIELD_BYTES = limits.CLI.field_bytes

csv.field_size_limit(_MAX_FIELD_BYTES)


@dataclass
class CsvSniff:
    """What the head of a CSV file says about it."""

    encoding: Encoding
    delimiter: str
    records: list[Row]  # first non-blank records
    end_lines: list[int]  # physical lines read once each record is complete
    complete: bool  # records hold the whole file
    notes: list[str] = field(default_factory=list)  # about the file (not its encoding)
    decoding: list[str] = field(default_factory=list)  # how the head was decoded


def sniff(payload: Payload) -> CsvSniff:
    """Detect encoding and separator and parse the first records of ``payload``."""
    head = payload.head
    complete = payload.size <= len(head)
    encoding = detect_encoding(head, complete)
    if not complete and not encoding.codec.startswith("utf-16"):
        # Cut at a line end: a multi-byte character cut in two is no encoding problem.
        head = head[: head.rfind(b"\n") + 1] or head
    text, decoding = decode(head, encoding)
    if not complete:
        text = text[: text.rfind("\n") + 1] or text
    _check_text(text, encoding)
    delimiter = _choose_delimiter(text)
    records, end_lines = _parse(text, delimiter, _SNIFF_RECORDS)
    if not complete and records:
        # The last record may be cut by the end of the head.
        records, end_lines = records[:-1], end_lines[:-1]
    if not complete and len(records) < 2:
        # Lines of more than half the head: bound them before reading the whole file.
        csv_scan.check(payload, encoding, delimiter, limits.active())
        full, decoding = decode(payload.read_all(), encoding)
        records, end_lines = _parse(full, delimiter, _SNIFF_RECORDS)
        complete = len(records) < _SNIFF_RECORDS
    _check_width(records)
    return CsvSniff(
        encoding, delimiter, records, end_lines, complete, list(payload.notes), decoding
    )


def _check_text(text: str, encoding: Encoding) -> None:
    """Refuse UTF-16 bytes that read as no text at all (a fragment, another format)."""
    sample = text[:4096]
    if not encoding.codec.startswith("utf-16") or not sample:
        return
    readable = sum(1 for ch in sample if ch.isprintable() or ch in "\t\r\n")
    latin = sum(1 for ch in sample if ord(ch) < 0x2000)
    if readable < len(sample) * 0.8 or latin < len(sample) * 0.05:
        raise ImportFormatError(
            "Texte UTF-16 illisible : attendu un CSV en UTF-16 complet, trouvé des octets "
            "qui ne forment pas de texte dans aucun ordre (fragment de fichier, ou fichier "
            "qui n'est pas du texte ?)."
        )


def _check_width(records: list[Row]) -> None:
    """Refuse a file whose first records are wider than the active column limit."""
    bound = limits.active()
    widest = max((len(r) for r in records), default=0)
    if widest > bound.columns:
        line = next(i for i, r in enumerate(records, start=1) if len(r) == widest)
        raise LimitExceeded(
            f"Trop de colonnes : attendu au plus {fr.number(bound.columns, 0)} colonnes "
            f"{bound.where}, trouvé {fr.number(widest, 0)} colonnes (enregistrement n° {line})."
        )


def _parse(text: str, delimiter: str, limit: int | None) -> tuple[list[Row], list[int]]:
    """Return the non-blank records of ``text`` and the physical line each one ends on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    records: list[Row] = []
    ends: list[int] = []
    for record in reader:
        if record == [] or record == [""]:
            continue
        records.append(record)
        ends.append(reader.line_num)
        if limit is not None and len(records) >= limit:
            break
    return records, ends


def _choose_delimiter(text: str) -> str:
    """Return the separator of the header, checked against the records that follow.

    The first record is normally the header: the separator splitting it into the most
    fields, shared by at least one following record, wins. A file opening with a title
    line falls back to the separator most records agree on.
    """
    sample = text[:65536]
    parsed = {d: _parse(sample, d, 30)[0] for d in _DELIMITERS}
    firsts: dict[str, tuple[int, int]] = {}
    for d, records in parsed.items():
        first = len(records[0]) if records else 0
        same = sum(1 for r in records[1:] if len(r) == first)
        if first > 1 and (same or len(records) == 1):
            firsts[d] = (first, same)
    if firsts:
        return max(firsts, key=lambda d: (firsts[d], -_DELIMITERS.index(d)))
    modal: dict[str, tuple[int, int]] = {}
    for d, records in parsed.items():
        counts = Counter(len(r) for r in records[1:] if len(r) > 1)
        if counts:
            width, n = counts.most_common(1)[0]
            modal[d] = (n, width)
    if not modal:
        first = sample.strip().splitlines()[0][:60] if sample.strip() else ""
        raise ImportFormatError(
            "Séparateur introuvable : attendu des colonnes séparées par « ; », « , » ou "
            f"une tabulation, trouvé une seule colonne (« {first} »)."
        )
    best = max(modal, key=lambda d: (modal[d], -_DELIMITERS.index(d)))
    header_split = {d: len(r[0]) for d, r in parsed.items() if r}
    other = max(header_split, key=lambda d: header_split[d])
    if other != best and header_split[other] >= 3 and header_split.get(best, 0) <= 1:
        raise ImportFormatError(
            f"Séparateur incohérent : l'en-tête est séparé par {_DELIMITER_NAMES[other]} "
            f"mais les lignes de données par {_DELIMITER_NAMES[best]} : enregistrez le "
            "fichier avec un seul séparateur."
        )
    return best


def duckdb_source(
    con: duckdb.DuckDBPyConnection,
    payload: Payload,
    sniffed: CsvSniff,
    header_index: int,
    header: Row,
) -> Source:
    """Return a Source reading the file on disk with DuckDB's CSV reader (fast path).

    Its sample (for decisions such as date formats) is the records already parsed from
    the head of the file, so no decision scans the whole file. A row's line is its rank
    in the scan (``rowid`` of the table built from it) when DuckDB preserves insertion
    order (its default); otherwise the scan numbers its rows (slower, same result).
    """
    assert payload.path is not None and sniffed.encoding.duckdb is not None
    width = len(sniffed.records[header_index])
    line_bytes = int(limits.active().line_bytes)
    columns = ", ".join(f"'{name}': 'VARCHAR'" for name in column_names(width))
    from_sql = (
        "read_csv($tma_path, auto_detect = false, header = false, "
        f"skip = {int(sniffed.end_lines[header_index])}, delim = $tma_delim, quote = '\"', "
        f"escape = '\"', encoding = '{sniffed.encoding.duckdb}', columns = {{{columns}}}, "
        f"max_line_size = {line_bytes}, buffer_size = {2 * line_bytes})"
    )
    fitted = _fit_header(header, width)
    first = header_index + 1
    ordered = con.execute("SELECT current_setting('preserve_insertion_order')").fetchall()[0][0]
    if not ordered:
        names = ", ".join(column_names(width))
        from_sql = (
            f"(SELECT ordinality + {first} AS _line, {names} FROM {from_sql} WITH ORDINALITY) "
            "AS tma_numbered"
        )
    sample_rows = [r[:width] for r in sniffed.records[first:] if len(r) >= width]
    sample = from_rows(
        con, fitted, sample_rows, list(range(first + 1, first + 1 + len(sample_rows)))
    )
    return Source(
        from_sql=from_sql,
        header=fitted,
        params={"tma_path": str(payload.path), "tma_delim": sniffed.delimiter},
        first_line=header_index + 2,
        label="fichier",
        delimiter=sniffed.delimiter,
        notes=[*sniffed.notes, *sniffed.decoding],
        duckdb_csv=True,
        sample=sample,
        has_line=not ordered,
    )


def python_source(
    con: duckdb.DuckDBPyConnection,
    payload: Payload,
    sniffed: CsvSniff,
    header_index: int,
    header: Row,
) -> Source:
    """Return a Source parsed in Python (uploads, re-encoded or damaged files)."""
    csv_scan.check(payload, sniffed.encoding, sniffed.delimiter, limits.active())
    text, notes = decode(payload.read_all(), sniffed.encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniffed.delimiter, strict=False)
    width = len(sniffed.records[header_index])
    trailing = not sniffed.records[header_index][-1].strip()
    rows: list[Row] = []
    lines: list[int] = []
    malformed: list[str | None] = []
    malformed_raw: list[str | None] = []
    repaired = 0
    number = 0
    for record in reader:
        if record == [] or record == [""]:
            continue
        number += 1
        if number <= header_index + 1:
            continue
        fixed, problem, was_repaired = _fit_record(record, width, sniffed.delimiter, trailing)
        repaired += was_repaired
        rows.append(fixed)
        lines.append(number)
        malformed.append(problem)
        malformed_raw.append(sniffed.delimiter.join(record)[:300] if problem else None)
    if repaired:
        notes.append(
            f"{repaired} enregistrement(s) entouré(s) de guillemets par un tableur ont été réparés."
        )
    source = from_rows(
        con,
        _fit_header(header, width),
        rows,
        lines,
        malformed=malformed,
        malformed_raw=malformed_raw,
    )
    source.delimiter = sniffed.delimiter
    source.notes = [*sniffed.notes, *notes]  # how the whole file was decoded
    return source


def _fit_header(header: Row, width: int) -> Row:
    return (list(header) + [""] * width)[:width]


def _fit_record(
    record: Row, width: int, delimiter: str, trailing_empty: bool
) -> tuple[Row, str | None, bool]:
    """Return the record fitted to ``width`` fields, a French problem or None, repaired."""
    n = len(record)
    if n == width:
        return record, None, False
    if n > width and not any(v.strip() for v in record[width:]):
        return record[:width], None, False  # trailing separators
    if n == width - 1 and trailing_empty:
        return [*record, ""], None, False  # only the final empty column is missing
    if n == 1 and delimiter in record[0]:
        # A spreadsheet wrapped the whole record in quotes: parse what is inside.
        inner = next(csv.reader([record[0]], delimiter=delimiter, strict=False), [])
        if len(inner) == width or (
            len(inner) > width and not any(v.strip() for v in inner[width:])
        ):
            return inner[:width], None, True
    return (
        record[:width],
        (f"Enregistrement mal formé : attendu {width} champs (comme l'en-tête), trouvé {n}"),
        False,
    )
