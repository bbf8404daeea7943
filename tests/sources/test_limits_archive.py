"""Workbook archives refused on what they really hold, and parse failures in French."""

from __future__ import annotations

import dataclasses
import io
import random
import zipfile

import duckdb
import pytest

from tests.hostile import files
from tma_metrics.domain.model import ImportFormatError
from tma_metrics.sources import archive, install_macros, limits, read_export
from tma_metrics.sources.failures import LimitExceeded, ParseFailed


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as book:
        for name, data in members.items():
            book.writestr(name, data)
    return out.getvalue()


def _encrypted_flag(data: bytes) -> bytes:
    """Set the « encrypted » bit of every member (local and central headers)."""
    out = bytearray(data)
    for signature, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := out.find(signature, start)) >= 0:
            out[start + at] |= 1
            start += 4
    return bytes(out)


BOOK = {"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": files.sheet_xml("").encode()}
NOISE = random.Random(3).randbytes(2 << 20)  # does not compress: a ratio of 1
SMALL = dataclasses.replace(limits.QUICK_PAGE, inflated_bytes=1 << 20)
QUICK = limits.QUICK_PAGE
REFUSALS = [
    ("many members", _zip({**BOOK, **{f"x/{i}.xml": b"" for i in range(1_001)}}), QUICK,
     LimitExceeded, "1\u202f000 fichiers internes sur la page Solde rapide, trouvé 1\u202f003"),
    ("declared size", _zip({**BOOK, "xl/media/image.bin": NOISE}), SMALL,
     LimitExceeded, "attendu au plus 1 Mio, trouvé un classeur qui annonce 2 Mio"),
    ("ratio", _zip({**BOOK, "xl/zero.xml": b"0" * (50 << 20)}), QUICK,
     LimitExceeded, "taux de compression de 1\u202f02"),
    ("bzip2", _zip(BOOK, zipfile.ZIP_BZIP2), QUICK, ImportFormatError,
     "la méthode n° 12"),
    ("encrypted member", _encrypted_flag(_zip(BOOK)), QUICK, ImportFormatError,
     "protégé par mot de passe"),
    ("word", _zip({"word/document.xml": b"<w/>"}), QUICK, ImportFormatError,
     "Document Word"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "bound", "error", "detail"), [r[1:] for r in REFUSALS],
                         ids=[r[0] for r in REFUSALS])  # fmt: skip
def test_archives_are_refused_on_what_they_hold(data, bound, error, detail) -> None:
    with pytest.raises(error) as caught:
        archive.inspect(io.BytesIO(data), bound)
    assert detail in str(caught.value), str(caught.value)


def test_a_member_lying_about_its_size_is_refused_once_inflated(tmp_path) -> None:
    path = files.inflating_workbook(tmp_path / "menteur.xlsx", target=40 << 20, declare=1 << 20)
    with pytest.raises(LimitExceeded) as caught, path.open("rb") as stream:
        archive.inspect(stream, limits.QUICK_PAGE)
    assert "annonce 1 Mio mais se décompresse en 39,3 Mio" in str(caught.value)


def test_inflated_size_is_the_real_one(tmp_path) -> None:
    path = files.inflating_workbook(tmp_path / "gros.xlsx", target=40 << 20)
    with path.open("rb") as stream, zipfile.ZipFile(stream) as book:
        expected = sum(len(book.read(m)) for m in book.namelist())  # the naive way: read all
    with path.open("rb") as stream:
        assert archive.inspect(stream, limits.CLI).inflated == expected


@pytest.fixture
def con():
    connection = duckdb.connect()
    install_macros(connection)
    yield connection
    connection.close()


PARSE_FAILURES = [
    ("corrupt xml", files.corrupt_xml(), "x.xlsx", ParseFailed, "trouvé du XML invalide"),
    ("truncated", files.truncated_zip(), "x.xlsx", ImportFormatError,
     "attendu une archive complète, trouvé 1"),
    ("field over the limit", files.long_field_csv(), "x.csv", LimitExceeded, "Champ trop long"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "name", "error", "detail"), [r[1:] for r in PARSE_FAILURES],
                         ids=[r[0] for r in PARSE_FAILURES])  # fmt: skip
def test_parse_failures_speak_french(con, data, name, error, detail) -> None:
    with pytest.raises(error) as caught:
        read_export(con, data, name)
    message = str(caught.value)
    assert detail in message and "  " not in message, message
    assert "Error" not in message and "Traceback" not in message


def test_a_text_with_nul_bytes_is_read_with_a_note(con) -> None:
    parsed = read_export(con, files.nul_bytes_csv(), "nul.csv")
    assert parsed.rows_read == 2
    assert any(w.startswith("Octets nuls") and "4\u202f097" in w for w in parsed.warnings)
    comments = parsed.time_entries.df()["comment"].dropna().tolist()
    assert comments == ["fix"]  # the NUL inside the value is gone too


def test_a_shifted_utf16_fragment_is_realigned(con) -> None:
    parsed = read_export(con, files.utf16_shifted(), "utf16.csv")
    assert parsed.rows_read == 2
    assert any("décalé d'un octet" in w for w in parsed.warnings)


def test_a_date_of_1900_is_out_of_period_not_unreadable(con) -> None:
    parsed = read_export(con, files.date_1900_csv(), "1900.csv")
    assert list(parsed.rejected["reason"]) == [
        "Date hors période : attendu une date entre 1950 et 2099, trouvé « 01/01/1900 »"
    ]


def test_a_duration_of_a_billion_days_rejects_its_row_only(con) -> None:
    parsed = read_export(con, files.huge_duration(), "duree.xlsx")
    assert parsed.rows_read == 2 and len(parsed.time_entries.df()) == 1
    assert list(parsed.rejected["line"]) == [3]
    assert "hors limites" in parsed.rejected["reason"].iloc[0]


def test_an_optional_date_out_of_period_is_named_so(con) -> None:
    text = (
        "Clé;Projet;Titre;Type;Priorité;Statut;Créé le;Résolu le\n"
        "T-1;SITE;Formulaire;Anomalie;Bloquante;Résolu;20/11/2026 09:15;01/01/1900 00:00\n"
        "T-2;SITE;Export;Anomalie;Mineure;Résolu;20/11/2026 09:15;pas encore\n"
        "T-3;SITE;Export;Anomalie;Mineure;Résolu;20/11/2026 09:15;21/11/2026 10:00\n"
    )
    parsed = read_export(con, text.encode(), "demandes.csv")
    assert len(parsed.rejected) == 0
    warnings = [w for w in parsed.warnings if "date de résolution" in w]
    assert warnings == [
        "1 date de résolution illisible (colonne « Résolu le ») : valeur ignorée",
        "1 date de résolution hors période (colonne « Résolu le ») : attendu une date entre "
        "1950 et 2099, valeur ignorée",
    ]
