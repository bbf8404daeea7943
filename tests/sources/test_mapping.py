"""Files no adapter knows: the mapping step (signature, suggestion, profile, re-read)."""

from __future__ import annotations

import duckdb
import pytest

from tma_metrics.domain.model import ImportFormatError
from tma_metrics.sources import (
    MappingProfile,
    UnrecognisedFormat,
    header_signature,
    read_export,
    read_with_mapping,
    suggest_mapping,
)

HOME_MADE = (
    "Relevé mensuel;;;\n"
    "N° ticket;Journée;Intervenant;Heures;Remarque\n"
    "T-1;20/11/2026;Zoé;3,5;correctif\n"
    "T-2;21/11/2026;Léo;1h30;\n"
    ";22/11/2026;Zoé;0,5 j;copil\n"
    "T-3;23/11/2026;Léo;;oubli\n"
).encode()

PROFILE = MappingProfile(
    name="Relevé ACME",
    table="time_entries",
    columns=(
        ("ticket_key", "N° ticket"),
        ("date", "Journée"),
        ("person", "Intervenant"),
        ("hours", "Heures"),
        ("comment", "Remarque"),
    ),
    signature=header_signature(["N° ticket", "Journée", "Intervenant", "Heures", "Remarque"]),
)


def test_unrecognised_file_carries_what_the_mapping_step_needs(
    con: duckdb.DuckDBPyConnection,
) -> None:
    with pytest.raises(UnrecognisedFormat) as caught:
        read_export(con, HOME_MADE, "releve.csv")
    error = caught.value
    assert error.header == ["N° ticket", "Journée", "Intervenant", "Heures", "Remarque"]
    assert error.signature == PROFILE.signature
    assert error.table == "time_entries"
    assert error.suggestion["hours"] == "Heures"
    assert error.suggestion["person"] == "Intervenant"
    assert error.preview[0] == ["T-1", "20/11/2026", "Zoé", "3,5", "correctif"]
    assert str(error).startswith("Format non reconnu : attendu un export Redmine")


def test_read_with_mapping(con: duckdb.DuckDBPyConnection) -> None:
    parsed = read_with_mapping(con, HOME_MADE, "releve.csv", PROFILE)
    assert (parsed.tool, parsed.variant) == ("canonical", "Correspondance « Relevé ACME »")
    entries = parsed.time_entries.df()
    assert list(entries["hours"]) == [3.5, 1.5, 4.0]
    assert list(entries["_line"]) == [3, 4, 5]
    assert list(parsed.rejected["line"]) == [6]


def test_saved_profiles_are_applied_by_signature(con: duckdb.DuckDBPyConnection) -> None:
    parsed = read_export(con, HOME_MADE, "releve.csv", profiles={PROFILE.signature: PROFILE})
    assert parsed.variant == "Correspondance « Relevé ACME »"
    assert len(parsed.time_entries.df()) == 3


def test_profile_json_round_trip() -> None:
    assert MappingProfile.from_json(PROFILE.to_json()) == PROFILE
    old = (
        '{"name": "x", "table": "time_entries", '
        '"columns": [["date", "D"], ["hours", "H"], ["ticket", "T"]]}'
    )
    assert ("ticket_key", "T") in MappingProfile.from_json(old).columns


@pytest.mark.parametrize(
    ("table", "columns", "message"),
    [
        ("tickets", (("title", "Titre"),), "il faut une colonne pour key"),
        ("time_entries", (("date", "D"), ("heures", "H")), "Colonnes inconnues"),
        ("factures", (), "Table inconnue"),
    ],
    ids=["missing-key", "unknown-column", "unknown-table"],
)
def test_profile_validation(table: str, columns: tuple[tuple[str, str], ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MappingProfile("p", table, columns)


def test_mapping_a_file_that_lacks_the_columns(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ImportFormatError, match="« Heures »"):
        read_with_mapping(
            con, b"N\xc2\xb0 ticket;Jour;Intervenant\nT-1;20/11/2026;Z\n", "x.csv", PROFILE
        )


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (["Date", "Heures"], ["date ", "HEURES", ""], True),
        (["Clé", "Priorité"], ["Cle", "Priorite"], True),
        (["Summary", "Log Work", "Log Work"], ["Summary", "Log Work"], True),
        (["Date", "Heures"], ["Heures", "Date"], False),
    ],
    ids=["case-spaces-trailing", "accents", "repeated-columns", "order"],
)
def test_header_signature(a: list[str], b: list[str], same: bool) -> None:
    assert (header_signature(a) == header_signature(b)) is same


@pytest.mark.parametrize(
    ("header", "table", "expected"),
    [
        (
            ["Ticket", "Title", "Created", "Estimate (h)"],
            "tickets",
            {
                "key": None,
                "title": "Title",
                "created_at": "Created",
                "estimate_hours": "Estimate (h)",
            },
        ),
        (
            ["Date de création du ticket", "Référence"],
            "tickets",
            {"created_at": "Date de création du ticket", "key": "Référence"},
        ),
        (
            ["Ticket", "Quand", "Statut"],
            "status_history",
            {"ticket_key": "Ticket", "status": "Statut", "at": None},
        ),
    ],
    ids=["english", "french-contained", "history"],
)
def test_suggest_mapping(header: list[str], table: str, expected: dict[str, str | None]) -> None:
    found = suggest_mapping(header, table)
    assert {k: found[k] for k in expected} == expected
    used = [v for v in found.values() if v]
    assert len(used) == len(set(used))  # a file column serves once
