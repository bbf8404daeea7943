"""What kind of file was given: text (CSV), workbook, or something to refuse.

Looks at the first bytes only (magic numbers, NUL bytes, encodings); reading the
content is the job of `csvfile` and `workbook`.
"""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from tma_metrics.domain.model import ImportFormatError
from tma_metrics.french import formats as fr

__all__ = [
    "CP1251",
    "CP1252",
    "HEAD_BYTES",
    "LATIN1",
    "UTF8",
    "UTF8_BOM",
    "UTF8_MIXED",
    "UTF8_MIXED_BOM",
    "Encoding",
    "Payload",
    "decode",
    "detect_encoding",
    "load_payload",
]

#: How much of a file is looked at to recognise it (and sniff a CSV dialect).
HEAD_BYTES = 1 << 20

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
#: Magic numbers of files people upload by mistake -> French name.
_KNOWN_BINARIES = (
    (b"%PDF", "un document PDF"),
    (b"\x1f\x8b", "une archive gzip"),
    (b"\x89PNG", "une image PNG"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"GIF8", "une image GIF"),
    (b"Rar!", "une archive RAR"),
    (b"7z\xbc\xaf", "une archive 7-Zip"),
    (b"SQLite format 3", "une base SQLite"),
)
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_HTML = re.compile(rb"^\s*<(!doctype html|html|head|meta|table|\?xml[^>]*>\s*<html)", re.IGNORECASE)
_XML_SPREADSHEET = re.compile(
    rb"^\s*<\?xml[^>]*>\s*(<\?mso-application[^>]*Excel\.Sheet"
    rb"|<Workbook[^>]*urn:schemas-microsoft-com:office:spreadsheet)",
    re.IGNORECASE,
)
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_HIGH_RUN = re.compile(rb"[\xc0-\xff]{3,}")


@dataclass(frozen=True)
class Encoding:
    """A text encoding as Python and DuckDB name it."""

    codec: str  # Python codec
    label: str  # French label for messages
    bom: int = 0  # bytes of BOM to skip
    duckdb: str | None = None  # DuckDB's name when it reads this encoding natively
    mixed: bool = False  # UTF-8 with a few Windows-1252 bytes
    shifted: bool = False  # UTF-16 whose first byte is a stray one (a cut fragment)


UTF8 = Encoding("utf-8", "UTF-8", duckdb="utf-8")
UTF8_BOM = Encoding("utf-8", "UTF-8", bom=3, duckdb="utf-8")
LATIN1 = Encoding("latin-1", "ISO-8859-1 (latin-1)", duckdb="latin-1")
CP1252 = Encoding("cp1252", "Windows-1252")
CP1251 = Encoding("cp1251", "Windows-1251 (cyrillique)")
UTF8_MIXED = Encoding("utf-8", "UTF-8 mêlé de Windows-1252", mixed=True)
UTF8_MIXED_BOM = Encoding("utf-8", "UTF-8 mêlé de Windows-1252", bom=3, mixed=True)


@dataclass
class Payload:
    """A file to import: its name, bytes (or path) and what it looks like."""

    name: str
    kind: str  # "text" | "xlsx" | "xls" | "ods"
    head: bytes
    size: int
    data: bytes | None = None
    path: Path | None = None
    notes: list[str] = field(default_factory=list)
    nul: int = 0  # NUL bytes seen in a text file (all of them, or the head's for a path)

    def read_all(self) -> bytes:
        """Return every byte of the file."""
        if self.data is not None:
            return self.data
        assert self.path is not None
        return self.path.read_bytes()

    def open(self) -> BinaryIO:
        """Return a binary stream over the file (the caller closes it)."""
        if self.data is not None:
            return io.BytesIO(self.data)
        assert self.path is not None
        return self.path.open("rb")


def load_payload(data: bytes | Path, file_name: str) -> Payload:
    """Recognise the kind of file, or raise `ImportFormatError` saying what was found."""
    if isinstance(data, Path):
        try:
            size = data.stat().st_size
            with data.open("rb") as stream:
                head = stream.read(HEAD_BYTES)
        except OSError as exc:
            raise ImportFormatError(f"Fichier illisible : {exc.strerror or exc}.") from exc
        payload = Payload(file_name, "text", head, size, path=data)
    elif isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        payload = Payload(file_name, "text", raw[:HEAD_BYTES], len(raw), data=raw)
    else:
        raise ImportFormatError(
            f"Contenu inattendu : attendu des octets ou un chemin, trouvé {type(data).__name__}."
        )
    payload.kind = _kind(payload)
    return payload


def _kind(payload: Payload) -> str:
    head, name = payload.head, payload.name
    if payload.size == 0 or not head.strip(b" \t\r\n\x00").removeprefix(codecs.BOM_UTF8).strip():
        raise ImportFormatError("Fichier vide : attendu un export CSV ou Excel, trouvé 0 ligne.")
    if head.startswith(_ZIP):
        return "zip"
    if head.startswith(_OLE):
        return "ole"
    for magic, what in _KNOWN_BINARIES:
        if head.startswith(magic):
            raise ImportFormatError(
                f"Fichier non pris en charge : attendu un CSV ou un classeur Excel, trouvé {what}."
            )
    text_head = head[:4096].lstrip(codecs.BOM_UTF8)
    if _XML_SPREADSHEET.match(text_head):
        raise ImportFormatError(
            "Classeur XML 2003 (export « Excel » de MantisBT ou d'un tableur) : attendu un "
            "CSV ou un classeur .xlsx, trouvé un fichier XML Spreadsheet 2003 ; exportez au "
            "format CSV ou enregistrez-le en .xlsx."
        )
    if _HTML.match(text_head):
        raise ImportFormatError(
            "Page HTML : attendu un CSV ou un classeur Excel, trouvé du HTML (l'export "
            "« Excel » de Jira ou de GLPI est une page web) : exportez au format CSV."
        )
    if _looks_binary(head):
        raise ImportFormatError(
            "Fichier binaire ou chiffré : attendu un CSV ou un classeur Excel, trouvé des "
            f"octets de contrôle (début : {head[:8].hex(' ')}…)."
        )
    data = payload.data if payload.data is not None else head
    if b"\x00" in data and not _is_utf16(head[:8192]):
        payload.nul = data.count(b"\x00")
        at_least = "" if payload.data is not None or payload.size <= len(head) else "au moins "
        payload.notes.append(
            f"Octets nuls (\\0) retirés du texte : {at_least}{fr.number(payload.nul, 0)} ; "
            "fichier complété par des zéros ou endommagé ? Vérifiez ses dernières lignes."
        )
    if name.lower().endswith(_WORKBOOK_SUFFIXES):
        payload.notes.append(
            f"Le fichier « {name} » porte une extension de classeur mais contient du "
            "texte : il a été lu comme un CSV."
        )
    return "text"


def _looks_binary(head: bytes) -> bool:
    """Return True for bytes that are neither text nor UTF-16 text.

    NUL bytes alone do not make a file binary: a text padded with zeros (a copy cut
    short, a disk full) is text once they are left out.
    """
    sample = head[:8192]
    if _is_utf16(sample):
        return False
    sample = sample.replace(b"\x00", b"")
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(sample) * 0.05


def _is_utf16(sample: bytes) -> bool:
    """Return True for UTF-16 text (a BOM, or NUL bytes on one side of each pair)."""
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    return b"\x00" in sample and _utf16_order(sample) is not None


def _utf16_order(sample: bytes) -> str | None:
    """Return "le"/"be" for BOM-less UTF-16 text (NULs on one side), else None."""
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2 or 1
    if odd > half * 0.3 and even < half * 0.05:
        return "le"
    if even > half * 0.3 and odd < half * 0.05:
        return "be"
    return None


def detect_encoding(head: bytes, complete: bool) -> Encoding:
    """Return the encoding of text whose first bytes are ``head``.

    ``complete`` says whether ``head`` is the whole file (a cut multi-byte character at
    the end of a sample is not an error).

    >>> detect_encoding("Activité;Heures".encode("latin-1"), True).label
    'ISO-8859-1 (latin-1)'
    >>> detect_encoding(b"\\xef\\xbb\\xbfDate", True).bom
    3
    """
    if head.startswith(codecs.BOM_UTF8):
        return UTF8_BOM if _valid_utf8(head[3:], complete) else UTF8_MIXED_BOM
    if _is_utf16(head[:8192]):
        return _utf16_alignment(head[:8192])
    if _valid_utf8(head, complete):
        return UTF8
    if _UTF8_MULTIBYTE.search(head):
        return UTF8_MIXED
    high = sum(1 for b in head if b >= 0xC0)
    in_runs = sum(len(m.group()) for m in _HIGH_RUN.finditer(head))
    if high and in_runs >= high * 0.5:
        return CP1251
    if re.search(rb"[\x80-\x9f]", head):
        return CP1252
    return LATIN1


def _utf16_alignment(sample: bytes) -> Encoding:
    """Return the UTF-16 byte order and start that read ``sample`` as the most text.

    A BOM is a hint, not the truth: a fragment cut at an odd byte, or a BOM glued onto
    text of the other order, reads as CJK characters until realigned.
    """
    bom = 2 if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else 0
    hinted = "be" if sample.startswith(codecs.BOM_UTF16_BE) else "le"
    if not bom:
        hinted = _utf16_order(sample) or "le"
    candidates = [(hinted, bom)] + [
        (order, bom + skip)
        for order in ("le", "be")
        for skip in (0, 1)
        if (order, bom + skip) != (hinted, bom)
    ]
    scores = {c: _text_score(sample[c[1] :], c[0]) for c in candidates}
    order, start = max(candidates, key=lambda c: (scores[c], c == candidates[0]))
    return Encoding(f"utf-16-{order}", "UTF-16", bom=start, shifted=start % 2 == 1)


def _text_score(data: bytes, order: str) -> int:
    """Return how many characters of ``data`` read as UTF-16 look like text."""
    text = data[: len(data) // 2 * 2].decode(f"utf-16-{order}", errors="replace")
    return sum(1 for ch in text if (ch.isprintable() and ord(ch) < 0x2000) or ch in "\t\r\n")


def _valid_utf8(data: bytes, complete: bool) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(data, final=complete)
    except UnicodeDecodeError:
        return False
    return True


_ESCAPED = re.compile("[\udc80-\udcff]")


def _byte_as_cp1252(match: re.Match[str]) -> str:
    """Return the Windows-1252 character of an escaped byte (latin-1 for its 5 holes)."""
    byte = bytes([ord(match.group()) - 0xDC00])
    try:
        return byte.decode("cp1252")
    except UnicodeDecodeError:
        return byte.decode("latin-1")


def decode(data: bytes, encoding: Encoding) -> tuple[str, list[str]]:
    """Return the text of ``data`` and French notes about how it was decoded.

    UTF-8 text with a few bytes of another encoding (a file completed by hand in a
    Windows editor) keeps its UTF-8 characters; each stray byte is read as Windows-1252
    and the lines concerned are named in a note.
    """
    body = data[encoding.bom :]
    notes: list[str] = []
    if encoding.shifted:
        notes.append(
            "Texte UTF-16 décalé d'un octet (fragment de fichier ?) : lu en ignorant le "
            "premier octet ; vérifiez la première ligne."
        )
    if encoding.codec == "utf-8":
        text = body.decode("utf-8", errors="surrogateescape").replace("\x00", "")
        first = _ESCAPED.search(text)
        if first is None:
            return text, notes
        positions = [m.start() for m in _ESCAPED.finditer(text)]
        lines = sorted({text.count("\n", 0, pos) + 1 for pos in positions[:200]})
        shown = ", ".join(str(n) for n in lines[:5]) + ("…" if len(lines) > 5 else "")
        notes.append(
            f"Encodage mixte : {len(positions)} octet(s) hors UTF-8 lus comme du "
            f"Windows-1252 (ligne(s) {shown}) ; vérifiez les accents de ces lignes."
        )
        return _ESCAPED.sub(_byte_as_cp1252, text), notes
    text = body.decode(encoding.codec, errors="replace").replace("\x00", "")
    if encoding.codec in ("cp1252", "cp1251"):
        notes.append(f"Fichier encodé en {encoding.label} : converti en UTF-8.")
    return text, notes
