"""The contracts file: which one is read, how a save is validated, kept and confined."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from tma_metrics.domain.contracts.model import ContractError
from tma_metrics.domain.contracts.parser import parse_contracts
from tma_metrics.store import contracts_file as cf
from tma_metrics.store.contracts_file import ContractDraft, with_contract

ONE = '[[contract]]\nname = "Un"\nprojects = ["p1"]\nmodel = "regie"\n'
TWO = '[[contract]]\nname = "Deux"\nprojects = ["p2"]\nmodel = "regie"\n'


@pytest.fixture
def beside_db(tmp_path, monkeypatch) -> Path:
    """An app whose database is in tmp_path, with no contracts file named."""
    monkeypatch.setenv("TMA_METRICS_DB", str(tmp_path / "base.duckdb"))
    monkeypatch.delenv("TMA_METRICS_CONTRACTS", raising=False)
    return tmp_path / "base.contracts.toml"


@pytest.mark.parametrize(
    ("user_file_exists", "expected"),
    [(False, "seed"), (True, "user")],
    ids=["seed-until-the-user-saves", "the-users-file-once-it-exists"],
)
def test_the_file_read(beside_db, user_file_exists, expected) -> None:
    if user_file_exists:
        beside_db.write_text(ONE, encoding="utf-8")
    found = cf.resolve_contracts_path()
    assert found == {"seed": cf.DEFAULT_CONTRACTS, "user": beside_db}[expected]


def test_a_named_file_is_read_and_written(tmp_path, monkeypatch) -> None:
    named = tmp_path / "mine.toml"
    named.write_text(ONE, encoding="utf-8")
    monkeypatch.setenv("TMA_METRICS_CONTRACTS", str(named))
    assert cf.resolve_contracts_path() == named == cf.user_contracts_path()
    assert cf.save_contracts_text(TWO) == named
    assert named.read_text(encoding="utf-8") == TWO


def test_the_first_save_creates_the_users_file_and_leaves_the_seed(beside_db) -> None:
    seed = cf.DEFAULT_CONTRACTS.read_bytes()
    written = cf.save_contracts_text(ONE)
    assert written == beside_db
    assert beside_db.read_text(encoding="utf-8") == ONE
    assert cf.DEFAULT_CONTRACTS.read_bytes() == seed
    assert not cf.versions_folder(beside_db).exists()  # nothing of the user's to keep yet


def test_each_save_keeps_the_previous_file(beside_db) -> None:
    cf.save_contracts_text(ONE)
    cf.save_contracts_text(ONE + "\n" + TWO)
    cf.save_contracts_text(TWO)
    kept = sorted(cf.versions_folder(beside_db).iterdir())
    assert [k.read_text(encoding="utf-8") for k in kept] == [ONE, ONE + "\n" + TWO]
    assert beside_db.read_text(encoding="utf-8") == TWO


def test_a_version_is_named_after_its_replacement(tmp_path) -> None:
    file = tmp_path / "c.toml"
    file.write_text(ONE, encoding="utf-8")
    kept = cf.keep_version(file, datetime(2026, 12, 7, 9, 5, 3, 12))
    assert kept == tmp_path / "c-versions" / "c-20261207-090503-000012.toml"


@pytest.mark.parametrize(
    "text",
    [
        '[[contract]]\nname = "Un"\n',
        "pas du toml = = =",
        '[[contract]]\nname = "A"\nprojects = 3\n',
    ],
    ids=["no-projects", "not-toml", "projects-not-a-list"],
)
def test_an_invalid_text_is_never_written(beside_db, text) -> None:
    beside_db.write_text(ONE, encoding="utf-8")
    with pytest.raises(ContractError):
        cf.save_contracts_text(text)
    assert beside_db.read_text(encoding="utf-8") == ONE
    assert not cf.versions_folder(beside_db).exists()


def test_the_repository_seed_is_never_written(monkeypatch) -> None:
    seed = cf.DEFAULT_CONTRACTS.read_bytes()
    monkeypatch.setenv("TMA_METRICS_CONTRACTS", str(cf.DEFAULT_CONTRACTS))
    with pytest.raises(ContractError, match="jamais modifié"):
        cf.save_contracts_text(ONE)
    assert cf.DEFAULT_CONTRACTS.read_bytes() == seed


# -- a contract from the form ----------------------------------------------------------


@pytest.mark.parametrize(
    ("draft", "name", "projects", "model", "carnets"),
    [
        (
            ContractDraft("Delta", ("d1", "d2"), "carnet", 40, date(2026, 1, 1), 7.5),
            "Delta",
            ("d1", "d2"),
            "carnet",
            [(date(2026, 1, 1), date(2026, 12, 31), 40.0)],
        ),
        (
            ContractDraft('Le "Client" \\ n°1\nbis', ("x",), "regie", None, None, 8),
            'Le "Client" \\ n°1\nbis',
            ("x",),
            "regie",
            [],
        ),
        (
            ContractDraft("Abo", ("a",), "subscription", 2.5, None, 8),
            "Abo",
            ("a",),
            "subscription",
            [],
        ),
    ],
    ids=["carnet", "hostile-name-quoted-not-pasted", "subscription"],
)
def test_a_draft_becomes_a_contract(draft, name, projects, model, carnets) -> None:
    text = with_contract(ONE, draft, today=date(2026, 12, 7))
    assert text.startswith(ONE)
    assert "# Ajouté le 07/12/2026 depuis la page Contrats." in text
    *_, made = parse_contracts(text)
    assert (made.name, made.projects, made.model) == (name, projects, model)
    assert made.hours_per_day == draft.hours_per_day
    assert [(c.start, c.end, c.days) for c in made.carnets] == carnets
    if model == "subscription":
        assert made.monthly_days == 2.5


@pytest.mark.parametrize(
    ("draft", "message"),
    [
        (ContractDraft(" ", ("p",), "carnet", 10, date(2026, 1, 1)), "indiquez un nom"),
        (ContractDraft("X", (), "carnet", 10, date(2026, 1, 1)), "au moins un projet"),
        (ContractDraft("X", ("p",), "carnet", None, date(2026, 1, 1)), "le nombre de jours"),
        (ContractDraft("X", ("p",), "carnet", 10, None), "la date de début"),
        (ContractDraft("Un", ("p",), "regie"), "Un"),  # the name is already used
        (ContractDraft("X", ("p",), "gratuit"), "Modèle « gratuit » inconnu"),
    ],
    ids=["no-name", "no-project", "no-days", "no-start", "duplicate-name", "unknown-model"],
)
def test_an_incomplete_or_clashing_draft_is_refused(draft, message) -> None:
    with pytest.raises(ContractError, match=message):
        with_contract(ONE, draft)
