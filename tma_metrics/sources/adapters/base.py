"""What every adapter declares: alias tables, detection signatures and a plan builder."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import duckdb

from tma_metrics.sources.headers import Alias, HeaderMatch, alias_table
from tma_metrics.sources.plan import Field, TablePlan, col
from tma_metrics.sources.source import Source

if TYPE_CHECKING:
    from tma_metrics.sources.engine import Materialised

__all__ = [
    "Adapter",
    "Build",
    "Context",
    "Fields",
    "Signature",
    "hours_validated",
    "lang_label",
    "present",
]

#: Logical field -> language ("en", "fr", "es", "pt", "ru", "any") -> header names.
Fields = Mapping[str, Mapping[str, tuple[str, ...]]]


@dataclass(frozen=True)
class Signature:
    """One row of the detection table: the fields a header must hold to be this variant."""

    adapter: str
    variant: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    refuse: str | None = None  # French reason: such a file is recognised, then refused
    choice: str | None = None  # SOURCE_CHOICES value selecting it (default: adapter id)


@dataclass
class Context:
    """What a plan builder gets: the header, where its fields are, the source."""

    variant: str
    match: HeaderMatch
    header: list[str]
    source: Source
    con: duckdb.DuckDBPyConnection
    raw_header: list[str] = dataclass_field(default_factory=list)  # header cells as in the file

    @property
    def lang(self) -> str:
        return self.match.lang

    def raw(self, field_name: str) -> str | None:
        """Return the raw SQL of the first column of ``field_name``, or None."""
        i = self.match.first(field_name)
        return None if i is None else col(i)

    def field(
        self,
        logical: str,
        name: str,
        kind: str,
        *,
        wrap: str = "tma_text({c})",
        **options: Any,
    ) -> Field | None:
        """Return a Field reading the first column of ``logical`` (None when absent).

        ``wrap`` is the SQL applied to the raw column ``{c}`` (default: trimmed text).
        """
        i = self.match.first(logical)
        if i is None:
            return None
        raw = wrap.replace("{c}", f"c{int(i)}")
        return Field(name, kind, raw, header=self.header[i], **options)

    def name(self, field_name: str) -> str:
        """Return the file's header name of ``field_name`` (for messages)."""
        i = self.match.first(field_name)
        return "" if i is None else self.header[i]

    def probe(self, sql: str) -> tuple:
        """Return one row of aggregates computed over a sample of the source."""
        query = f"SELECT {sql} FROM (SELECT * FROM {self.source.sample_sql} LIMIT 20000)"
        used = {k: v for k, v in self.source.sample_params.items() if f"${k}" in query}
        return tuple(self.con.execute(query, used).fetchall()[0])


@dataclass
class Build:
    """What a plan builder returns."""

    tool: str  # SOURCE_CHOICES id of the tool ("redmine", "jira", "tempo"...)
    variant: str  # French, for people: "Redmine — temps passé (fr)"
    plans: list[TablePlan]
    notes: list[str] = dataclass_field(default_factory=list)
    #: Plans built from a first materialised table (Jira worklogs from ``Log Work``).
    follow: Callable[[Materialised], list[tuple[Source, TablePlan]]] | None = None


@dataclass(frozen=True)
class Adapter:
    """One export format family (a tool, or the canonical format)."""

    id: str
    fields: Fields
    signatures: tuple[Signature, ...]
    build: Callable[[Context], Build]

    @cached_property
    def index(self) -> dict[str, list[Alias]]:
        """Return the alias table indexed by normalised header name."""
        return alias_table(self.fields)


def lang_label(lang: str) -> str:
    """Return the language tag shown in variant names ("fr", "en", "pt-BR"...)."""
    return {"pt": "pt-BR"}.get(lang, lang)


def present(*fields: Field | None) -> tuple[Field, ...]:
    """Return the fields that exist (adapters list optional columns as None)."""
    return tuple(f for f in fields if f is not None)


def hours_validated(estimate: str = "{estimate_hours}") -> str:
    """Return the derived SQL: an estimate from a tool with no approval is validated."""
    return f"CASE WHEN {estimate} IS NOT NULL THEN 'validated' END"
