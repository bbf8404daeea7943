"""Bad input never gives a traceback: a French reason (expected vs found) or a warning."""

from __future__ import annotations

import contextlib
import io
import random
import re
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tma_metrics.domain.model import ImportFormatError
from tma_metrics.sources import UnrecognisedFormat, build_template, read_export

TIMELOG = "Date;Utilisateur;Activité;Demande;Commentaire;Heures\n"
ROW = "05/11/2025;Zoé Martin;Développement;Anomalie #12: Écran;Correction;1,5\n"

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


#: (id, file name, bytes, words the French message must hold)
STRUCTURAL = [
    ("empty", "export.csv", b"", "Fichier vide"),
    ("blank lines", "export.csv", b"\xef\xbb\xbf \r\n\r\n", "Fichier vide"),
    (
        "header only",
        "timelog.csv",
        TIMELOG.encode(),
        "Seulement une ligne d'en-tête, aucune donnée",
    ),
    ("binary", "export.csv", bytes(range(256)) * 8, "Fichier binaire ou chiffré"),
    ("pdf", "export.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "document PDF"),
    ("html as xls", "Jira.xls", b"<html><body><table><tr><td>x</td></tr></table>", "Page HTML"),
    ("truncated xlsx", "export.xlsx", build_template()[:3000], "Classeur .xlsx tronqué"),
    (
        "password-protected xlsx",
        "export.xlsx",
        _OLE + bytes(504) + "EncryptedPackage".encode("utf-16-le") + bytes(200),
        "protégé par mot de passe",
    ),
    ("ole without workbook", "export.xls", _OLE + bytes(1024), "document OLE sans classeur"),
    (
        "zip bomb as xlsx",
        "export.xlsx",
        zip_bytes({"[Content_Types].xml": b"<x/>", "xl/worksheets/sheet1.xml": bytes(30 << 20)}),
        "Archive .xlsx suspecte (taux de compression",
    ),
    ("zip without workbook", "export.xlsx", zip_bytes({"notes.txt": b"bonjour"}), "Archive ZIP"),
    ("docx", "export.xlsx", zip_bytes({"word/document.xml": b"<w/>"}), "Document Word"),
    (
        "one column",
        "export.csv",
        "Clé\nT-1\nT-2\n".encode(),
        "Séparateur introuvable",
    ),
    (
        "wrong separator",
        "export.csv",
        ("Date;Utilisateur;Heures;Demande\n" + "05/11/2025,Zoé,1.5,T-1\n" * 3).encode(),
        "Séparateur incohérent",
    ),
    (
        "redmine report",
        "timelog.csv",
        b'\nAnn,"",3.00,3.00\n"",Project,3.00,3.00\nTotal time,"",3.00,3.00\n',
        "Rapport croisé",
    ),
]


@pytest.mark.parametrize(
    ("name", "data", "message"), [c[1:] for c in STRUCTURAL], ids=[c[0] for c in STRUCTURAL]
)
def test_structural_faults_are_explained(
    con: duckdb.DuckDBPyConnection, name: str, data: bytes, message: str
) -> None:
    with pytest.raises(ImportFormatError, match=re.escape(message)) as caught:
        read_export(con, data, name)
    assert "Traceback" not in str(caught.value)


@pytest.mark.parametrize(
    ("source", "timezone", "message"),
    [
        ("excel", "Europe/Paris", "Outil inconnu"),
        ("auto", "Mars/Olympus", "Fuseau horaire inconnu"),
    ],
    ids=["unknown-tool", "unknown-zone"],
)
def test_bad_arguments_are_explained(
    con: duckdb.DuckDBPyConnection, source: str, timezone: str, message: str
) -> None:
    with pytest.raises(ImportFormatError, match=message):
        read_export(con, (TIMELOG + ROW).encode(), "t.csv", source, timezone=timezone)


def test_forcing_another_tool_gives_the_mapping_step(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(UnrecognisedFormat, match="un export « glpi »"):
        read_export(con, (TIMELOG + ROW).encode("latin-1"), "t.csv", "glpi")


def test_forcing_the_right_tool_works(con: duckdb.DuckDBPyConnection) -> None:
    parsed = read_export(con, (TIMELOG + ROW).encode("latin-1"), "t.csv", "redmine")
    assert parsed.tool == "redmine" and parsed.rows_read == 1


def test_mixed_encodings_keep_both_kinds_of_accents(con: duckdb.DuckDBPyConnection) -> None:
    good = (TIMELOG + ROW).encode("utf-8")
    stray = "06/11/2025;Hélène;Réunion;;Café;2\n".encode("latin-1")  # a line typed in Windows
    parsed = read_export(con, good + stray, "timelog.csv")
    people = list(parsed.time_entries.df()["person"])
    assert people == ["Zoé Martin", "Hélène"]
    assert any(
        w.startswith("Encodage mixte : 4 octet(s)") and "ligne(s) 3" in w for w in parsed.warnings
    )


def test_mixed_encodings_on_disk_too(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    # A big enough UTF-8 head for the fast reader, then a stray Windows-1252 byte.
    body = (TIMELOG + ROW * 60_000).encode("utf-8") + "07/11/2025;Léa;Dev;;x;1\n".encode("cp1252")
    path = tmp_path / "timelog.csv"
    path.write_bytes(body)
    parsed = read_export(con, path, path.name)
    assert parsed.rows_read == 60_001
    assert parsed.time_entries.df().set_index("_line").loc[60_002, "person"] == "Léa"
    assert any("Encodage mixte" in w for w in parsed.warnings)


@pytest.mark.parametrize(
    ("encoding", "text"),
    [("cp1252", "Main d’œuvre"), ("latin-1", "Mise à jour"), ("utf-16", "Mise à jour ✓")],
    ids=["windows-1252", "latin-1", "utf-16"],
)
def test_other_encodings(con: duckdb.DuckDBPyConnection, encoding: str, text: str) -> None:
    data = (TIMELOG + f"05/11/2025;Zoé;{text};;x;1\n").encode(encoding)
    parsed = read_export(con, data, "timelog.csv")
    assert parsed.time_entries.df()["activity"].iloc[0] == text


def test_a_csv_named_xlsx_is_read_as_csv(con: duckdb.DuckDBPyConnection) -> None:
    parsed = read_export(con, (TIMELOG + ROW).encode(), "export.xlsx")
    assert parsed.rows_read == 1
    assert any("contient du texte" in w for w in parsed.warnings)


def test_ten_thousand_columns(con: duckdb.DuckDBPyConnection) -> None:
    extra = [f"Colonne {i}" for i in range(9_994)]
    header = TIMELOG.rstrip("\n").split(";") + extra
    rows = [ROW.rstrip("\n").split(";") + [""] * len(extra) for _ in range(30)]
    data = "\n".join(";".join(r) for r in [header, *rows]).encode()
    parsed = read_export(con, data, "wide.csv")
    assert (parsed.rows_read, len(parsed.time_entries.df())) == (30, 30)
    unknown = "\n".join(",".join([f"c{i}" for i in range(10_000)]) for _ in range(3)).encode()
    with pytest.raises(UnrecognisedFormat) as caught:
        read_export(con, unknown, "wide.csv")
    assert len(caught.value.header) == 10_000


def test_ragged_records_are_rejected_with_their_line(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    text = TIMELOG + ROW + "05/11/2025;Zoé;Dev\n" + ROW + "05/11/2025;Zoé;Dev;;x;1;2;3\n"
    path = tmp_path / "ragged.csv"
    path.write_bytes(text.encode())
    for data in (path, path.read_bytes()):  # the fast reader fails, the tolerant one reports
        parsed = read_export(con, data, path.name)
        assert parsed.rows_read == 4
        assert list(parsed.rejected["line"]) == [3, 5]
        assert parsed.rejected["reason"].str.startswith("Enregistrement mal formé").all()
        assert "trouvé 3" in parsed.rejected["reason"].iloc[0]


@pytest.mark.parametrize("seed", range(30))
def test_random_bytes_never_raise_anything_else(con: duckdb.DuckDBPyConnection, seed: int) -> None:
    data = random.Random(seed).randbytes(64 + seed * 37)
    with contextlib.suppress(ImportFormatError):
        read_export(con, data, f"random{seed}.csv")


@pytest.mark.parametrize("as_path", [True, False], ids=["path", "bytes"])
def test_a_date_order_proved_late_in_the_file_is_still_found(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, as_path: bool
) -> None:
    """English Redmine prefers month-first; a day above 12 after the sample proves day-first."""
    header = "Date,User,Activity,Issue,Comment,Hours\n"
    early = "".join(f"{d:02d}/04/2025,Ann,Dev,Bug #1: x,,1.00\n" for d in range(1, 13)) * 2_100
    late = "25/04/2025,Ann,Dev,Bug #1: x,,1.00\n26/04/2025 14:30,Ann,Dev,Bug #1: x,,1.00\n"
    path = tmp_path / "timelog.csv"
    path.write_bytes((header + early + late).encode())
    parsed = read_export(con, path if as_path else path.read_bytes(), path.name)
    assert len(parsed.rejected) == 0
    days = parsed.time_entries.df()["date"]
    assert days.iloc[0] == pd.Timestamp(2025, 4, 1) and days.iloc[1] == pd.Timestamp(2025, 4, 2)
    assert days.iloc[-1] == pd.Timestamp(2025, 4, 26)


HOSTILE = [
    (
        "zendesk",
        "Id,Created at,Solved at,First reply time in minutes\n"
        "1,2026-03-02 09:00:00,2026-03-02 11:30:00,99999999999999999999\n",
    ),
    (
        "glpi",
        "ID;Titre;Date d'ouverture;Statistiques - Temps de prise en compte;Durée totale\n"
        "1;x;05-09-2025 14:10;99999999999999 heures;1e400\n",
    ),
    ("redmine", TIMELOG + ROW + "05/11/2025;Zoé;Dev;;x;" + "9" * 400 + "\n"),
    ("jira", "Issue key,Summary,Created,Original estimate\nAB-1,x,01/Jan/26 9:00 AM,1e308\n"),
]


@pytest.mark.parametrize(("tool", "text"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_absurd_numbers_are_unreadable_not_crashes(
    con: duckdb.DuckDBPyConnection, tool: str, text: str
) -> None:
    parsed = read_export(con, text.encode(), "x.csv")
    assert parsed.tool == tool
    for table in ("tickets", "time_entries"):
        relation = getattr(parsed, table)
        if relation is not None:
            relation.df()  # the relation can be read
    assert parsed.warnings or len(parsed.rejected)


def test_a_character_cut_by_the_sniffed_head_is_no_encoding_problem(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    from tma_metrics.sources.payload import HEAD_BYTES

    head = (TIMELOG + ROW * 10_000).encode()
    filler = b"05/11/2025;Zo" + b"x" * (HEAD_BYTES - len(head) - len(b"05/11/2025;Zo") - 1)
    body = head + filler + "é;Dev;;x;1\n".encode() + ROW.encode()
    assert body[HEAD_BYTES - 1 : HEAD_BYTES + 1] == "é".encode()  # cut in two by the head
    path = tmp_path / "timelog.csv"
    path.write_bytes(body)
    parsed = read_export(con, path, path.name)
    assert not any("Encodage" in w for w in parsed.warnings)
    assert parsed.rows_read == 10_002
