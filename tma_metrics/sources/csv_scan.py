"""Bound a CSV before a reader splits it: its lines, their length and their separators.

The scan works on bytes (UTF-16 files on 2-byte units), with numpy, a few Mio at a time:
it counts physical lines, the longest one, and the separators on each. A separator
inside quotes counts too, so the column count it gives is an upper bound; a line has
to hold more separators than any real export for the bound to matter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tma_metrics.french import formats as fr
from tma_metrics.sources.failures import LimitExceeded
from tma_metrics.sources.limits import Limits, size_text
from tma_metrics.sources.payload import Encoding, Payload

__all__ = ["LineStats", "check", "scan"]

_CHUNK = 8 << 20
_NAMES = {";": "« ; »", ",": "« , »", "\t": "tabulations", "|": "« | »"}


@dataclass
class LineStats:
    """What the scan found: lines, the longest (bytes, line number), the widest."""

    lines: int = 0
    longest: int = 0
    longest_at: int = 0
    separators: int = 0
    widest_at: int = 0


def scan(payload: Payload, encoding: Encoding, delimiter: str) -> LineStats:
    """Return the line statistics of ``payload`` (read in chunks; never held twice)."""
    unit = 2 if encoding.codec.startswith("utf-16") else 1
    dtype = np.dtype("<u2" if encoding.codec == "utf-16-le" else ">u2") if unit == 2 else np.uint8
    newline = ord("\n")
    sep = ord(delimiter)
    stats = LineStats()
    open_length = 0  # units of the line still open at the end of the previous chunk
    open_seps = 0
    with payload.open() as stream:
        stream.seek(encoding.bom)
        while chunk := stream.read(_CHUNK - _CHUNK % unit):
            usable = len(chunk) - len(chunk) % unit
            units = np.frombuffer(chunk[:usable], dtype=dtype)
            ends = np.flatnonzero(units == newline)
            seps = np.flatnonzero(units == sep)
            if len(ends):
                starts = np.concatenate(([0], ends[:-1] + 1))
                lengths = ends - starts
                lengths[0] += open_length
                counts = np.diff(np.searchsorted(seps, np.concatenate(([0], ends))))
                counts[0] += open_seps
                _keep_max(stats, lengths, counts)
                stats.lines += len(ends)
                open_length = len(units) - ends[-1] - 1
                open_seps = len(seps) - int(np.searchsorted(seps, ends[-1]))
            else:
                open_length += len(units)
                open_seps += len(seps)
            if usable < len(chunk):
                stream.seek(usable - len(chunk), 1)  # an odd byte waits for its pair
    if open_length:
        _keep_max(stats, np.array([open_length]), np.array([open_seps]))
        stats.lines += 1
    stats.longest *= unit
    return stats


def _keep_max(stats: LineStats, lengths: np.ndarray, counts: np.ndarray) -> None:
    """Update the longest and widest lines with those of one chunk (lines numbered 1…)."""
    i = int(lengths.argmax())
    if lengths[i] > stats.longest:
        stats.longest, stats.longest_at = int(lengths[i]), stats.lines + i + 1
    j = int(counts.argmax())
    if counts[j] > stats.separators:
        stats.separators, stats.widest_at = int(counts[j]), stats.lines + j + 1


def check(payload: Payload, encoding: Encoding, delimiter: str, limits: Limits) -> LineStats:
    """Refuse a CSV beyond ``limits`` (line length, separators per line, lines)."""
    stats = scan(payload, encoding, delimiter)
    if stats.separators + 1 > limits.columns:
        raise LimitExceeded(
            f"Trop de colonnes : attendu au plus {fr.number(limits.columns, 0)} colonnes "
            f"{limits.where}, trouvé {fr.number(stats.separators, 0)} séparateurs "
            f"{_NAMES.get(delimiter, delimiter)} en ligne {fr.number(stats.widest_at, 0)}."
        )
    if stats.longest > limits.line_bytes:
        raise LimitExceeded(
            f"Ligne trop longue : attendu des lignes d'au plus {size_text(limits.line_bytes)} "
            f"{limits.where}, trouvé {size_text(stats.longest)} en ligne "
            f"{fr.number(stats.longest_at, 0)} (guillemet jamais refermé ou fichier qui "
            "n'est pas un CSV ?)."
        )
    if stats.lines > limits.rows + 1:
        raise LimitExceeded(
            f"Trop de lignes : attendu au plus {fr.number(limits.rows, 0)} lignes "
            f"{limits.where}, trouvé {fr.number(stats.lines, 0)} lignes."
        )
    return stats
