"""Small deterministic generators of hostile files (issue 12), one function per file.

Workbooks are written by hand (a few XML parts in a zip) so that each quirk is exactly
the one named: a cell at XFD1048576, tags without coordinates, a duration of 1e9 days.
The workbook that inflates to about 1 Gio is assembled from one compressed block of
rows repeated (each block ends with a full flush, so copies are valid deflate data):
writing it takes about a second, not the minute compressing 1 Gio would.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.styles+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Temps" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/></Relationships>'
)
#: Style 1 is a duration ([h]:mm:ss), style 2 a date (dd/mm/yyyy).
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="[h]:mm:ss"/></numFmts>'
    '<fonts count="1"><font/></fonts><fills count="1"><fill/></fills>'
    '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/>'
    '<xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
TIME_HEADER = ("date", "person", "hours", "ticket", "project", "activity", "comment")
TIME_CSV = (
    "date,person,hours,ticket,project,activity,comment\n"
    "2026-11-20,Camille Martin,3.5,T-1,SITE,dev,fix\n"
    "2026-11-21,Lucas Petit,2,T-2,SITE,dev,\n"
)


def text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def sheet_xml(rows: str, dimension: str | None = None) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f"{_SHEET_HEAD}{dim}<sheetData>{rows}</sheetData></worksheet>"


def workbook(sheet: str | bytes) -> bytes:
    """Return an .xlsx of one sheet « Temps » whose XML is ``sheet``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def header_row() -> str:
    cells = "".join(text_cell(f"{chr(65 + i)}1", name) for i, name in enumerate(TIME_HEADER))
    return f'<row r="1">{cells}</row>'


def time_row(row: int, hours_cell: str) -> str:
    """A canonical time entry on ``row`` whose hours cell (column C) is ``hours_cell``."""
    return (
        f'<row r="{row}"><c r="A{row}" s="2"><v>46346</v></c>'
        f"{text_cell(f'B{row}', 'Camille Martin')}{hours_cell}"
        f"{text_cell(f'D{row}', f'T-{row}')}{text_cell(f'E{row}', 'SITE')}"
        f"{text_cell(f'F{row}', 'dev')}</row>"
    )


def far_cell() -> bytes:
    """The 1.6 KB workbook whose only cell is XFD1048576 (python-calamine: 550 GB)."""
    return workbook(sheet_xml(f'<row r="1048576">{text_cell("XFD1048576", "x")}</row>'))


def xfd2() -> bytes:
    """A header row and one cell at XFD2: 16 384 columns (DuckDB ran out of memory)."""
    return workbook(sheet_xml(header_row() + f'<row r="2">{text_cell("XFD2", "x")}</row>'))


def far_without_coordinates() -> bytes:
    """20 000 cells without ``r`` on one row: only counting them finds column 20 000."""
    cells = '<c t="inlineStr"><is><t>x</t></is></c>' * 20_000
    return workbook(sheet_xml(header_row() + f"<row>{cells}</row>"))


def lying_dimension() -> bytes:
    """A declared dimension of the whole grid over two real rows: read, not refused."""
    rows = header_row() + time_row(2, '<c r="C2"><v>3.5</v></c>')
    return workbook(sheet_xml(rows, dimension="A1:XFD1048576"))


def huge_duration() -> bytes:
    """A good entry and one whose duration cell is 1e9 days (Python's timedelta overflows)."""
    rows = (
        header_row()
        + time_row(2, '<c r="C2"><v>3.5</v></c>')
        + time_row(3, '<c r="C3" s="1"><v>1000000000</v></c>')
    )
    return workbook(sheet_xml(rows))


def corrupt_xml() -> bytes:
    """A sheet whose XML stops in the middle of a tag."""
    return workbook(sheet_xml(header_row())[:-40] + "<row r=")


def truncated_zip() -> bytes:
    """The first half of a valid workbook (a download cut short)."""
    whole = workbook(sheet_xml(header_row() + time_row(2, '<c r="C2"><v>3.5</v></c>')))
    return whole[: len(whole) // 2]


def _block(rows: int, pad: int, seed: int) -> bytes:
    """Rows without coordinates: a random token then ``pad`` repeated words."""
    rnd = random.Random(seed)
    filler = "commentaire " * pad
    return "".join(
        f'<row><c t="inlineStr"><is><t>{rnd.getrandbits(32):08x}</t></is></c>'
        f'<c t="inlineStr"><is><t>{filler}</t></is></c><c><v>7.5</v></c></row>'
        for _ in range(rows)
    ).encode()


def _deflate(data: bytes, *, final: bool) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(
        zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH
    )


def inflating_workbook(path: Path, *, target: int = 1 << 30, declare: int | None = None) -> Path:
    """Write an .xlsx whose sheet inflates to about ``target`` bytes at a ratio under 200.

    ``declare`` writes another uncompressed size in the archive's directory (a liar).
    """
    head = (_SHEET_HEAD + "<sheetData>").encode()
    tail = b"</sheetData></worksheet>"
    block = _block(600, 220, seed=12)
    copies = max(1, (target - len(head) - len(tail)) // len(block))
    packed = _deflate(block, final=False)
    parts = [(_deflate(head, final=False), head, 1), (packed, block, copies)]
    parts.append((_deflate(tail, final=True), tail, 1))
    crc, size, compressed = 0, 0, 0
    for raw, plain, times in parts:
        for _ in range(times):
            crc = zlib.crc32(plain, crc)
        size += len(plain) * times
        compressed += len(raw) * times
    members = [
        (name, _deflate(text.encode(), final=True), text.encode())
        for name, text in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _RELS),
            ("xl/workbook.xml", _WORKBOOK),
            ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
            ("xl/styles.xml", _STYLES),
        )
    ]
    with path.open("wb") as out:
        directory = []
        for name, raw, plain in members:
            directory.append(_member(out, name, [raw], zlib.crc32(plain), len(raw), len(plain)))
        sheet_chunks = (raw for raw, _, times in parts for _ in range(times))
        directory.append(
            _member(out, "xl/worksheets/sheet1.xml", sheet_chunks, crc, compressed, declare or size)
        )
        _directory(out, directory)
    return path


def _member(
    out: io.BufferedWriter,
    name: str,
    chunks: Iterable[bytes],
    crc: int,
    compressed: int,
    size: int,
) -> bytes:
    """Write one deflated member; return its central directory record."""
    offset = out.tell()
    encoded = name.encode()
    fields = (20, 0, 8, 0, 0x21, crc, compressed, size, len(encoded))
    out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", *fields, 0) + encoded)
    for chunk in chunks:
        out.write(chunk)
    return (
        struct.pack(
            "<4sHHHHHHIIIHHHHHII",
            b"PK\x01\x02",
            20,
            *fields,
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        + encoded
    )


def _directory(out: io.BufferedWriter, records: list[bytes]) -> None:
    start = out.tell()
    for record in records:
        out.write(record)
    length = out.tell() - start
    out.write(
        struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(records), len(records), length, start, 0)
    )


def long_field_csv(size: int = 17 << 20) -> bytes:
    """A quoted comment of ``size`` bytes cut into short lines (the field, not the lines)."""
    line = "x" * 1023 + "\n"
    body = line * (size // len(line) + 1)
    return (TIME_CSV + f'2026-11-22,Lucas Petit,1,T-3,SITE,dev,"{body}"\n').encode()


def long_line_csv(size: int = 17 << 20) -> bytes:
    """One unquoted line of ``size`` bytes."""
    return (TIME_CSV + "2026-11-22,Lucas Petit,1,T-3,SITE,dev," + "x" * size + "\n").encode()


def wide_line_csv(columns: int = 12_500_000) -> bytes:
    """A header, then one line of ``columns`` empty fields (12.5 M: 101 s and 2 GB before)."""
    return ("date;personne;heures\n" + ";" * (columns - 1) + "\n").encode()


def nul_bytes_csv() -> bytes:
    """A time log with a NUL in a comment and 4 KB of NUL padding at the end."""
    return TIME_CSV.replace("fix", "fi\x00x").encode() + b"\x00" * 4096


def utf16_shifted() -> bytes:
    """A UTF-16 BOM, a stray byte, then UTF-16 text: the text is one byte off its pairs."""
    return b"\xff\xfe\x00" + TIME_CSV.encode("utf-16-le")


def utf16_noise() -> bytes:
    """A UTF-16 BOM followed by bytes that are no text in any byte order."""
    rnd = random.Random(16)
    return b"\xff\xfe" + bytes(rnd.getrandbits(8) | 0x80 for _ in range(4000))


def date_1900_csv() -> bytes:
    """A good entry and one dated 01/01/1900 (a placeholder, not an unreadable date)."""
    return (
        "date;personne;heures;demande;projet;activité;commentaire\n"
        "20/11/2026;Camille Martin;3,5;T-1;SITE;dev;\n"
        "01/01/1900;Camille Martin;2;T-2;SITE;dev;\n"
    ).encode()


def all_rejected_csv() -> bytes:
    """Two entries, both with unreadable hours: nothing to import."""
    return (
        "date;personne;heures;demande;projet;activité;commentaire\n"
        "20/11/2026;Camille Martin;beaucoup;T-1;SITE;dev;\n"
        "21/11/2026;Lucas Petit;trop;T-2;SITE;dev;\n"
    ).encode()


def implausible_entries_csv() -> bytes:
    """An entry of 25 h, and a person's day of 14 h + 12 h."""
    return (
        "date;personne;heures;demande;projet;activité;commentaire\n"
        "20/11/2026;Camille Martin;25;T-1;SITE;dev;\n"
        "21/11/2026;Lucas Petit;14;T-2;SITE;dev;\n"
        "21/11/2026;Lucas Petit;12;T-3;SITE;dev;\n"
    ).encode()


def resolved_before_created_csv() -> bytes:
    """A ticket resolved the day before it was created."""
    return (
        "Clé;Projet;Titre;Type;Priorité;Statut;Créé le;Résolu le\n"
        "T-1;SITE;Formulaire;Anomalie;Bloquante;Résolu;20/11/2026 09:15;19/11/2026 16:40\n"
        "T-2;SITE;Export;Anomalie;Mineure;Résolu;20/11/2026 09:15;21/11/2026 16:40\n"
    ).encode()
