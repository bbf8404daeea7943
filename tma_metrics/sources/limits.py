"""How big a file may be before it is parsed, per entry point (CLI, Import, Solde rapide).

Every import runs under one `Limits` (a context variable: the command line's by default,
a page's while it imports an upload). The checks that use them are cheap and run before
any parser allocates: the file's size, a workbook's archive (declared and actually
inflated sizes, compression ratio, the farthest cell of each sheet), a CSV's longest line,
field and column count. ``isolate`` also makes the parse run in a child process with a
memory and time budget (`sandbox`): a file the checks did not foresee can then only kill
that child, never the server.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tma_metrics.french import formats as fr

__all__ = [
    "CLI",
    "GIB",
    "IMPORT_PAGE",
    "MIB",
    "QUICK_PAGE",
    "Limits",
    "active",
    "size_text",
    "using",
]

MIB = 1 << 20
GIB = 1 << 30


@dataclass(frozen=True)
class Limits:
    """The bounds one entry point puts on a file, and how it parses it."""

    where: str  # French, for messages: "en ligne de commande", "sur cette page"
    file_bytes: int  # the file as given
    inflated_bytes: int  # a workbook's members once inflated, all together
    ratio: int  # inflated / compressed size of a member bigger than 1 MiB
    members: int  # files inside a workbook's archive
    rows: int  # data rows (CSV lines, a sheet's last used row)
    columns: int  # a sheet's last used column, a CSV line's fields
    cells: int  # a sheet's grid (last row x last column): what the reader allocates
    line_bytes: int  # one CSV line
    field_bytes: int  # one CSV field (may span lines)
    isolate: bool  # parse in a child process (memory and time limits below)
    memory_bytes: int  # the child's resident memory
    seconds: float  # the child's wall-clock time

    def refuse_size(self, size: int) -> str | None:
        """Return the French refusal of a file of ``size`` bytes, or None."""
        if size <= self.file_bytes:
            return None
        return (
            f"Fichier trop volumineux {self.where} : attendu au plus "
            f"{size_text(self.file_bytes)}, trouvé {size_text(size)}."
        )


def size_text(n: float) -> str:
    """Return a byte count the French way (``20 Mio``, ``1,5 Gio``, ``812 octets``)."""
    if n >= GIB:
        return f"{fr.number(n / GIB, 1).removesuffix(',0')} Gio"
    if n >= MIB:
        return f"{fr.number(n / MIB, 1).removesuffix(',0')} Mio"
    if n >= 1024:
        return f"{fr.number(n / 1024, 0)} Kio"
    return f"{fr.number(n, 0)} octets"


#: The command line: the operator's own files, read in this process after the checks
#: (the benchmark's 2 M-row CSV and 200 000-row workbook pass with a wide margin).
CLI = Limits(
    where="en ligne de commande",
    file_bytes=4 * GIB,
    inflated_bytes=512 * MIB,  # the 200 000-row benchmark workbook inflates to 73 Mio
    ratio=200,
    members=10_000,
    rows=10_000_000,
    columns=10_000,  # the widest real export seen (Jira Cloud, all fields) has 379
    cells=8_000_000,  # about 1.2 Gio once read; a 1 M-row, 8-column sheet fits
    line_bytes=16 * MIB,
    field_bytes=16 * MIB,
    isolate=False,  # .xls, .xlsb and .ods still go to a child: see sandbox.needed
    memory_bytes=2 * GIB,
    seconds=1_800.0,
)
#: The Import page (logged-in users): 50 Mo uploads, parsed in a child process.
IMPORT_PAGE = Limits(
    where="sur la page Import",
    file_bytes=50 * 1_000_000,
    inflated_bytes=256 * MIB,
    ratio=200,
    members=10_000,
    rows=2_000_000,  # physical lines: a 50 Mo CSV of short lines
    columns=4_096,
    cells=4_000_000,
    line_bytes=4 * MIB,
    field_bytes=4 * MIB,
    isolate=True,
    memory_bytes=1_536 * MIB,
    seconds=300.0,
)
#: The public Solde rapide page (anonymous visitors): a client's own files.
QUICK_PAGE = Limits(
    where="sur la page Solde rapide",
    file_bytes=20 * MIB,
    inflated_bytes=128 * MIB,
    ratio=200,
    members=1_000,
    rows=200_000,
    columns=1_024,
    cells=2_000_000,
    line_bytes=1 * MIB,
    field_bytes=1 * MIB,
    isolate=True,
    memory_bytes=1 * GIB,
    seconds=120.0,
)

_ACTIVE: contextvars.ContextVar[Limits] = contextvars.ContextVar("tma_limits", default=CLI)


def active() -> Limits:
    """Return the limits of the import running in this context."""
    return _ACTIVE.get()


@contextmanager
def using(limits: Limits) -> Iterator[Limits]:
    """Run the imports of the ``with`` block under ``limits``."""
    token = _ACTIVE.set(limits)
    try:
        yield limits
    finally:
        _ACTIVE.reset(token)
