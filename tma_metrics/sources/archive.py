"""Check a zip-based workbook before any reader opens it: sizes, ratio, farthest cells.

The archive's own figures are not trusted: every member is inflated here, as a stream
(a few Mio at a time), from its compressed bytes; what counts is the size it actually
inflates to. Each member of an .xlsx is also scanned for its farthest row and column
(`sheet_extent`), so that a sheet the reader would expand to billions of cells is refused
before it is opened. The first bound crossed stops the scan.
"""

from __future__ import annotations

import functools
import itertools
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from tma_metrics.domain.model import ImportFormatError
from tma_metrics.french import formats as fr
from tma_metrics.sources.failures import LimitExceeded
from tma_metrics.sources.limits import Limits, size_text
from tma_metrics.sources.sheet_extent import (
    ExactScan,
    Extent,
    column_letters,
    dimension,
    fast_extent,
)

__all__ = ["ArchiveReport", "inflate", "inspect", "kind_of"]

_RATIO_FLOOR = 1 << 20  # small members may compress a lot (empty styles, shared strings)
_READ = 256 << 10  # compressed bytes read at a time
_OUT = 4 << 20  # inflated bytes produced at a time
_SMALL_PART = 4 << 20  # workbook.xml and its relations, read whole to name the sheets
_SHEET = re.compile(rb"""<(?:[\w.-]+:)?sheet\s[^>]*?name\s*=\s*["']([^"']*)["'][^>]*>""")
_SHEET_ID = re.compile(rb"""\bid\s*=\s*["']([^"']*)["']""")
_REL = re.compile(rb"<(?:[\w.-]+:)?Relationship\s[^>]*>")
_REL_ID = re.compile(rb"""\bId\s*=\s*["']([^"']*)["']""")
_REL_TARGET = re.compile(rb"""\bTarget\s*=\s*["']([^"']*)["']""")


@dataclass
class ArchiveReport:
    """What the inspection found: the workbook's kind and each sheet's extent."""

    kind: str  # "xlsx", "xlsb" or "ods"
    inflated: int = 0
    extents: dict[str, Extent] = field(default_factory=dict)  # member -> farthest cell

    @property
    def bounded(self) -> bool:
        """Return True when the sheets' extents were read (the XML formats of .xlsx)."""
        return self.kind == "xlsx"


def inspect(stream: BinaryIO, limits: Limits) -> ArchiveReport:
    """Check the archive in ``stream`` against ``limits``; return its kind and extents."""
    _check_entry_count(stream, limits)
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        size = stream.seek(0, 2)
        raise ImportFormatError(
            "Classeur .xlsx tronqué : attendu une archive complète, trouvé "
            f"{fr.number(size, 0)} octets sans répertoire final (téléchargement "
            "interrompu ?)."
        ) from exc
    members = archive.infolist()
    _check_declared(members, limits)
    report = ArchiveReport(_kind({m.filename for m in members}))
    names = _sheet_names(stream, members) if report.kind == "xlsx" else {}
    for member in members:
        _check_member(stream, member, limits, report, names)
    return report


def kind_of(stream: BinaryIO, limits: Limits) -> str:
    """Return the kind of workbook in ``stream`` from its directory alone (no inflating)."""
    _check_entry_count(stream, limits)
    with zipfile.ZipFile(stream) as archive:
        return _kind(set(archive.namelist()))


def _check_entry_count(stream: BinaryIO, limits: Limits) -> None:
    """Refuse an archive announcing too many members, before their list is read."""
    try:
        end = zipfile._EndRecData(stream)
    except OSError:
        end = None
    if end is not None and end[zipfile._ECD_ENTRIES_TOTAL] > limits.members:
        raise LimitExceeded(
            f"Archive .xlsx suspecte : attendu au plus {fr.number(limits.members, 0)} fichiers "
            f"internes {limits.where}, trouvé {fr.number(end[zipfile._ECD_ENTRIES_TOTAL], 0)}."
        )
    stream.seek(0)


def _check_declared(members: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse what the archive's directory itself announces (sizes, ratio, overlaps)."""
    if len(members) > limits.members:
        raise LimitExceeded(
            f"Archive .xlsx suspecte : attendu au plus {fr.number(limits.members, 0)} fichiers "
            f"internes {limits.where}, trouvé {fr.number(len(members), 0)}."
        )
    for member in members:
        _check_ratio(member.filename, member.file_size, member.compress_size, limits)
    total = sum(m.file_size for m in members)
    if total > limits.inflated_bytes:
        raise _too_big(total, limits, declared=True)
    spans = sorted((m.header_offset, m.header_offset + m.compress_size) for m in members)
    if any(end > nxt for (_, end), (nxt, _) in itertools.pairwise(spans)):
        raise LimitExceeded(
            "Archive .xlsx suspecte (fichiers internes qui se chevauchent) : fichier refusé par "
            "sécurité (bombe de décompression ?)."
        )


def _check_ratio(name: str, inflated: int, compressed: int, limits: Limits) -> None:
    ratio = inflated / max(compressed, 1)
    if inflated > _RATIO_FLOOR and ratio > limits.ratio:
        raise LimitExceeded(
            f"Archive .xlsx suspecte (taux de compression de {fr.number(ratio, 0)} pour 1 sur "
            f"« {name} », au plus {limits.ratio} attendu) : fichier refusé par sécurité "
            "(bombe de décompression ?)."
        )


def _too_big(total: int, limits: Limits, *, declared: bool) -> LimitExceeded:
    how = "annonce" if declared else "se décompresse en"
    return LimitExceeded(
        f"Classeur trop volumineux une fois décompressé {limits.where} : attendu au plus "
        f"{size_text(limits.inflated_bytes)}, trouvé un classeur qui {how} "
        f"{'plus de ' if not declared else ''}{size_text(total)}."
    )


def _kind(names: set[str]) -> str:
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "content.xml" in names and "mimetype" in names:
        return "ods"
    if "word/document.xml" in names:
        raise ImportFormatError(
            "Document Word : attendu un CSV ou un classeur Excel, trouvé un fichier .docx."
        )
    raise ImportFormatError(
        "Archive ZIP : attendu un CSV ou un classeur Excel, trouvé une archive qui ne "
        "contient pas de classeur."
    )


class _OverBudget(Exception):
    """The inflated bytes went past the budget given to `inflate`."""

    def __init__(self, produced: int) -> None:
        super().__init__(produced)
        self.produced = produced


def inflate(stream: BinaryIO, member: zipfile.ZipInfo, budget: int) -> Iterator[bytes]:
    """Yield the inflated bytes of ``member``; stop (raise) beyond ``budget`` bytes."""
    if member.flag_bits & 0x1:
        raise ImportFormatError(
            "Classeur protégé par mot de passe : attendu un classeur lisible, trouvé un "
            "fichier chiffré ; enregistrez-le sans mot de passe puis importez-le à nouveau."
        )
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ImportFormatError(
            f"Classeur non pris en charge : attendu une archive compressée en « deflate », "
            f"trouvé la méthode n° {member.compress_type} sur « {member.filename} »."
        )
    stream.seek(member.header_offset)
    header = stream.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise ImportFormatError(
            f"Classeur .xlsx endommagé : attendu un fichier interne « {member.filename} », "
            "trouvé des octets sans en-tête de fichier zip."
        )
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    stream.seek(member.header_offset + 30 + name_length + extra_length)
    left = member.compress_size
    inflater = zlib.decompressobj(-15) if member.compress_type == zipfile.ZIP_DEFLATED else None
    produced = 0
    while left > 0:
        raw = stream.read(min(_READ, left))
        if not raw:
            break
        left -= len(raw)
        pending = raw
        while pending:
            if inflater is None:
                out, pending = pending, b""
            else:
                try:
                    out = inflater.decompress(pending, _OUT)
                except zlib.error as exc:
                    raise ImportFormatError(
                        f"Classeur .xlsx endommagé : « {member.filename} » ne se "
                        "décompresse pas (données deflate invalides)."
                    ) from exc
                pending = inflater.unconsumed_tail
            produced += len(out)
            if produced > budget:
                raise _OverBudget(produced)
            if out:
                yield out
            if inflater is not None and inflater.eof:
                return
    # All the input read: zlib may still hold output that the size cap held back.
    while inflater is not None and not inflater.eof:
        out = inflater.decompress(b"", _OUT)
        if not out:
            return
        produced += len(out)
        if produced > budget:
            raise _OverBudget(produced)
        yield out


def _check_member(
    stream: BinaryIO,
    member: zipfile.ZipInfo,
    limits: Limits,
    report: ArchiveReport,
    names: dict[str, str],
) -> None:
    """Inflate one member for real: its size, ratio and (for .xlsx) its farthest cell."""
    budget = limits.inflated_bytes - report.inflated
    check = functools.partial(_check_extent, member=member.filename, names=names, limits=limits)
    try:
        scanned = _scan(stream, member, budget, report.kind == "xlsx", check, exact=False)
        if scanned is None:  # tags in an unusual form: read them one by one
            scanned = _scan(stream, member, budget, True, check, exact=True)
    except _OverBudget as over:
        raise _too_big(report.inflated + over.produced, limits, declared=False) from None
    produced, extent = scanned
    if produced != member.file_size:
        raise LimitExceeded(
            f"Archive .xlsx suspecte : « {member.filename} » annonce {size_text(member.file_size)} "
            f"mais se décompresse en {size_text(produced)} ; fichier refusé par sécurité."
        )
    _check_ratio(member.filename, produced, member.compress_size, limits)
    report.inflated += produced
    if extent.rows:
        report.extents[member.filename] = extent


def _scan(
    stream: BinaryIO,
    member: zipfile.ZipInfo,
    budget: int,
    cells: bool,
    check: Callable[[Extent], None],
    *,
    exact: bool,
) -> tuple[int, Extent] | None:
    """Return the inflated size and farthest cell of ``member`` (None: try ``exact``)."""
    extent = Extent()
    scanner = ExactScan() if exact else None
    produced, tail = 0, b""
    for out in inflate(stream, member, budget):
        if cells and not produced:
            extent.dimension = dimension(out[:4096])
        produced += len(out)
        if not cells:
            continue
        chunk = tail + out
        cut = chunk.rfind(b">") + 1
        chunk, tail = chunk[:cut], chunk[cut:]
        if scanner is not None:
            scanner.feed(chunk)
            extent.merge(scanner.extent.rows, scanner.extent.columns)
        else:
            found = fast_extent(chunk)
            if found is None:
                return None
            extent.merge(*found)
        check(extent)
    return produced, extent


def _check_extent(extent: Extent, member: str, names: dict[str, str], limits: Limits) -> None:
    """Refuse a sheet whose farthest cell is beyond the row, column or cell limits."""
    if not extent.rows and not extent.columns:
        return
    sheet = f"feuille « {names[member]} »" if member in names else f"partie « {member} »"
    farthest = f"{column_letters(max(extent.columns, 1))}{extent.rows}"  # a cell reference
    declared = (
        f", dimension déclarée « {extent.dimension} »"
        if extent.dimension and extent.dimension.split(":")[-1] != farthest
        else ""
    )
    found = f"trouvé des cellules jusqu'en {farthest}{declared}"
    if extent.columns > limits.columns:
        raise LimitExceeded(
            f"Trop de colonnes ({sheet}) : attendu au plus {fr.number(limits.columns, 0)} "
            f"colonnes {limits.where}, {found} (colonne n° {fr.number(extent.columns, 0)})."
        )
    if extent.rows > limits.rows + 1:  # the header row comes on top of the data rows
        raise LimitExceeded(
            f"Trop de lignes ({sheet}) : attendu au plus {fr.number(limits.rows, 0)} lignes "
            f"{limits.where}, {found}."
        )
    if extent.cells > limits.cells:
        raise LimitExceeded(
            f"Feuille trop grande ({sheet}) : attendu une grille d'au plus "
            f"{fr.number(limits.cells, 0)} cellules {limits.where}, {found}, soit "
            f"{fr.number(extent.cells, 0)} cellules de A1 à {farthest}."
        )


def _sheet_names(stream: BinaryIO, members: list[zipfile.ZipInfo]) -> dict[str, str]:
    """Return member path -> sheet name, read from workbook.xml and its relations."""
    by_name = {m.filename: m for m in members}
    book = by_name.get("xl/workbook.xml")
    rels = by_name.get("xl/_rels/workbook.xml.rels")
    if book is None or rels is None:
        return {}
    try:
        book_xml = b"".join(inflate(stream, book, _SMALL_PART))
        rels_xml = b"".join(inflate(stream, rels, _SMALL_PART))
    except (_OverBudget, ImportFormatError):
        return {}
    targets = {}
    for tag in _REL.findall(rels_xml):
        rel_id, target = _REL_ID.search(tag), _REL_TARGET.search(tag)
        if rel_id and target:
            path = target.group(1).decode("utf-8", "replace")
            path = path.lstrip("/") if path.startswith("/") else f"xl/{path}"
            targets[rel_id.group(1)] = path
    names = {}
    for tag in _SHEET.finditer(book_xml):
        rel_id = _SHEET_ID.search(tag.group(0).replace(tag.group(1), b""))
        if rel_id and rel_id.group(1) in targets:
            names[targets[rel_id.group(1)]] = tag.group(1).decode("utf-8", "replace")[:80]
    return names
