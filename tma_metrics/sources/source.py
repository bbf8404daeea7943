"""Raw tables: the cells of one table of a file as text columns c0..cN, in file order.

A `Source` is what the adapters' SQL reads. Two kinds exist:

- a DuckDB ``read_csv`` scan of a file on disk (big exports): the line of a row is
  its position in the scan (``rowid`` of the table built from it) plus `first_line`;
- a pyarrow table registered on the connection (uploaded bytes, spreadsheets, and
  CSV files DuckDB cannot read): it carries a ``_line`` column, and ``_malformed`` /
  ``_malformed_raw`` for records the CSV reader had to reject.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["LINE", "Row", "Source", "column_names", "from_rows", "register", "temp_name"]

#: A header or data cell as text ('' for empty).
Row = list[str]
#: The column holding a row's line in the file.
LINE = "_line"


def column_names(width: int) -> list[str]:
    """Return the positional column names c0..c{width-1}."""
    return [f"c{i}" for i in range(width)]


@dataclass
class Source:
    """The raw text cells of one table of a file, as a DuckDB FROM target."""

    from_sql: str
    header: list[str]
    params: dict[str, object] = field(default_factory=dict)
    first_line: int = 2
    has_line: bool = False
    has_malformed: bool = False
    label: str = "fichier"
    sheet: str | None = None
    delimiter: str | None = None
    flags: frozenset[str] = frozenset()
    notes: list[str] = field(default_factory=list)
    registered: str | None = None
    duckdb_csv: bool = False
    workbook: bool = False
    #: The first rows, registered apart, for decisions (date formats, key column)
    #: that must not scan a big file; None: sample the source itself.
    sample: Source | None = None

    @property
    def sample_sql(self) -> str:
        """Return the FROM target to sample (first rows) for decisions."""
        return self.sample.from_sql if self.sample is not None else self.from_sql

    @property
    def sample_params(self) -> dict[str, object]:
        """Return the parameters `sample_sql` needs."""
        return self.sample.params if self.sample is not None else self.params

    @property
    def width(self) -> int:
        return len(self.header)

    def release(self, con: duckdb.DuckDBPyConnection) -> None:
        """Unregister the Python data this source reads (once materialised)."""
        if self.registered is not None:
            con.unregister(self.registered)
            self.registered = None
        if self.sample is not None:
            self.sample.release(con)


def _nullify_empty(array: pa.Array) -> pa.Array:
    """Return ``array`` with empty strings as nulls (what DuckDB's CSV reader does)."""
    return pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)


def temp_name(prefix: str) -> str:
    """Return a fresh name for a temporary object on the connection."""
    return f"tma_{prefix}_{uuid.uuid4().hex[:12]}"


def register(
    con: duckdb.DuckDBPyConnection,
    header: Row,
    columns: Sequence[pa.Array],
    lines: pa.Array,
    *,
    extra: Mapping[str, pa.Array] | None = None,
    label: str = "fichier",
) -> Source:
    """Register text columns (one per header name) and their line numbers as a Source."""
    arrays = [*columns, lines, *(extra or {}).values()]
    names = [*column_names(len(header)), LINE, *(extra or {})]
    name = temp_name("rows")
    con.register(name, pa.Table.from_arrays(arrays, names=names))
    return Source(
        from_sql=name,
        header=list(header),
        has_line=True,
        has_malformed=bool(extra),
        label=label,
        registered=name,
    )


def from_rows(
    con: duckdb.DuckDBPyConnection,
    header: Row,
    rows: Sequence[Row],
    lines: Sequence[int],
    *,
    malformed: Sequence[str | None] | None = None,
    malformed_raw: Sequence[str | None] | None = None,
    label: str = "fichier",
) -> Source:
    """Register rows of text cells (padded or cut to the header's width) as a Source."""
    width = len(header)
    fitted = (
        list(itertools.islice(itertools.chain(row, itertools.repeat("")), width)) for row in rows
    )
    columns = list(zip(*fitted, strict=True)) if rows else [() for _ in range(width)]
    arrays = [_nullify_empty(pa.array(col, type=pa.string())) for col in columns]
    extra = None
    if malformed is not None:
        extra = {
            "_malformed": pa.array(malformed, type=pa.string()),
            "_malformed_raw": pa.array(malformed_raw or [None] * len(rows), type=pa.string()),
        }
    return register(con, header, arrays, pa.array(lines, type=pa.int64()), extra=extra, label=label)
