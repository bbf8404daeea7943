"""Importers: one adapter per export format, parsing in DuckDB SQL.

Public API:

- `read_export(con, data, file_name, source="auto", profiles=..., timezone=...)`
  reads bytes (an upload) or a path (read by DuckDB straight from disk) and returns a
  `model.ParsedFile` whose relations are lazy DuckDB relations on ``con``;
- `read_with_mapping` reads a file with a user's `MappingProfile`;
- `UnrecognisedFormat` (raised by `read_export`) carries what the mapping step needs;
- `limits`: the bounds of each entry point (`limits.CLI` by default, `limits.IMPORT_PAGE`,
  `limits.QUICK_PAGE`), set with ``with limits.using(...)``; a file beyond them raises
  `LimitExceeded`, a parser failure `ParseFailed`, a file whose rows were all rejected
  `AllRowsRejected` (all three are `model.ImportFormatError`);
- `header_signature`, `suggest_mapping`, `build_template`, `install_macros`,
  `release` (drop the temporary tables an import left on a connection).

Where things are: value parsers are SQL macros in ``sources/sql/*.sql``; detection is
the signature table of ``adapters/*`` scored by `detect`; `engine` runs a plan.
"""

from __future__ import annotations

from tma_metrics.sources import limits
from tma_metrics.sources.errors import UnrecognisedFormat
from tma_metrics.sources.failures import AllRowsRejected, LimitExceeded, ParseFailed
from tma_metrics.sources.headers import header_signature
from tma_metrics.sources.macros import install_macros
from tma_metrics.sources.mapping import MappingProfile, suggest_mapping
from tma_metrics.sources.reader import SOURCE_CHOICES, read_export, read_with_mapping, release
from tma_metrics.sources.template import build_template

__all__ = [
    "SOURCE_CHOICES",
    "AllRowsRejected",
    "LimitExceeded",
    "MappingProfile",
    "ParseFailed",
    "UnrecognisedFormat",
    "build_template",
    "header_signature",
    "install_macros",
    "limits",
    "read_export",
    "read_with_mapping",
    "release",
    "suggest_mapping",
]
