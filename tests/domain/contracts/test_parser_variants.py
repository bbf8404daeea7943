"""The contracts file as project managers really write it: accepted habits, clear refusals.

The README's "What the file accepts, and what it refuses" lists each rule tested here.
"""

from __future__ import annotations

from datetime import date

import pytest

from tma_metrics.domain.contracts.model import ALWAYS_OPEN, ContractError
from tma_metrics.domain.contracts.parser import parse_contracts
from tma_metrics.store.contracts_file import decode_contracts, load_contracts

HEAD = '[[contract]]\nname = "Client Alpha"\nprojects = ["alpha"]\n'
CARNET = "[[contract.carnet]]\nstart = 2026-01-01\ndays = 40\n"


def one(text: str):
    (contract,) = parse_contracts(text)
    return contract


def error_of(text: str) -> str:
    with pytest.raises(ContractError) as error:
        parse_contracts(text)
    return str(error.value)


# --- accepted --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("2026-03-01", date(2026, 3, 1)),
        ('"2026-03-01"', date(2026, 3, 1)),
        ('"01/03/2026"', date(2026, 3, 1)),
        ('"1/3/2026"', date(2026, 3, 1)),
        ("2026-03-01T00:00:00", date(2026, 3, 1)),
    ],
)
def test_carnet_dates_as_written_in_france(start, expected) -> None:
    contract = one(HEAD + f"[[contract.carnet]]\nstart = {start}\ndays = 4\n")
    assert contract.carnets[0].start == expected
    assert contract.carnets[0].end == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("days", "expected"),
    [("40", 40), ('"40"', 40), ('"12,5"', 12.5), ('"12.5 j"', 12.5), ('"1 000 jours"', 1000)],
)
def test_days_as_text_with_decimal_comma_and_unit(days, expected) -> None:
    contract = one(HEAD + f"[[contract.carnet]]\nstart = 2026-01-01\ndays = {days}\n")
    assert contract.carnets[0].days == expected


@pytest.mark.parametrize(
    ("line", "hours", "margin"),
    [
        ("hours_per_day = 7", 7, 0.25),
        ("hours_per_day = 7.5", 7.5, 0.25),
        ('hours_per_day = "7,5"', 7.5, 0.25),
        ('hours_per_day = "7h30"', 7.5, 0.25),
        ('margin = "25 %"', 8, 0.25),
        ('margin = "20%"', 8, 0.2),
        ('margin = "0,15"', 8, 0.15),
    ],
)
def test_hours_per_day_and_margin(line, hours, margin) -> None:
    contract = one(HEAD + line + "\n" + CARNET)
    assert (contract.hours_per_day, contract.margin) == (hours, margin)


def test_rate_alert_share_and_single_project_as_written() -> None:
    contract = one(
        '[[contract]]\nname = " Mairie "\nprojects = "BETA"\nalert_days = "3 j"\n'
        'management_share_target = "10 %"\ntimezone = "europe/paris"\n'
        '[[contract.carnet]]\nstart = 2026-01-01\ndays = 4\ndaily_rate = "650 € HT"\n'
    )
    assert contract.name == "Mairie" and contract.projects == ("BETA",)
    assert (contract.alert_days, contract.management_share_target) == (3, 0.1)
    assert contract.timezone == "Europe/Paris"
    assert contract.carnets[0].daily_rate == 650


@pytest.mark.parametrize(
    ("windows", "expected"),
    [
        ('["08:30-12:00", "13:30-17:00"]', ((510, 720), (810, 1020))),
        ('["14:00-18:00", "09:00-13:00"]', ((540, 780), (840, 1080))),
        ('["0:00-24:00"]', ((0, 1440),)),
        ('"9h-12h30, 14h-18h"', ((540, 750), (840, 1080))),
        ('["09:00-13:00", "13:00-17:00"]', ((540, 780), (780, 1020))),
    ],
)
def test_windows(windows, expected) -> None:
    contract = one(HEAD + CARNET + f"[contract.calendar]\nwindows = {windows}\n")
    assert contract.calendar.windows == expected


@pytest.mark.parametrize(
    ("weekdays", "expected"),
    [
        ('["MON", "Tue", "wednesday"]', (0, 1, 2)),
        ('"mon-fri"', (0, 1, 2, 3, 4)),
        ('["mon-wed", "sat"]', (0, 1, 2, 5)),
        ('["fri-mon"]', (0, 4, 5, 6)),
        ('["lun", "mar", "mer"]', (0, 1, 2)),
        ('["Lundi", "MARDI", "jeudi", "ven."]', (0, 1, 3, 4)),
        ('"lun-ven"', (0, 1, 2, 3, 4)),
        ('"lundi au samedi"', (0, 1, 2, 3, 4, 5)),
        ('["sam", "dimanche"]', (5, 6)),
    ],
)
def test_weekdays(weekdays, expected) -> None:
    contract = one(HEAD + CARNET + f"[contract.calendar]\nweekdays = {weekdays}\n")
    assert contract.calendar.weekdays == expected


@pytest.mark.parametrize(
    ("holidays", "expected"),
    [
        ('"FR"', "FR"),
        ('"fr"', "FR"),
        ('"FR-57"', "FR-57"),
        ('"Alsace-Moselle"', "FR-57"),
        ('"fr-6ae"', "FR-6AE"),
        ('"FR-67"', "FR-6AE"),
        ('"La Réunion"', "FR-974"),
        ('"none"', None),
        ('"aucun"', None),
        ("false", None),
    ],
)
def test_holidays(holidays, expected) -> None:
    contract = one(HEAD + CARNET + f"[contract.calendar]\nholidays = {holidays}\n")
    assert contract.calendar.holidays == expected


def test_closed_dates_as_texts_and_periods() -> None:
    contract = one(
        HEAD + CARNET + '[contract.calendar]\nclosed = ["2026-12-24", "31/12/2026", '
        '"2026-08-03..2026-08-05", "du 10/08/2026 au 11/08/2026"]\n'
    )
    assert contract.calendar.closed == (
        date(2026, 8, 3),
        date(2026, 8, 4),
        date(2026, 8, 5),
        date(2026, 8, 10),
        date(2026, 8, 11),
        date(2026, 12, 24),
        date(2026, 12, 31),
    )
    single = one(HEAD + CARNET + '[contract.calendar]\nclosed = "2026-12-24"\n')
    assert single.calendar.closed == (date(2026, 12, 24),)


@pytest.mark.parametrize(
    ("written", "stored", "minutes"),
    [
        ("2 h", "2h", 120),
        ("2H", "2h", 120),
        ("2h30", "150min", 150),
        ("30min", "30min", 30),
        ("30 mn", "30min", 30),
        ("4 heures", "4h", 240),
        ("1,5j", "1,5j", 720),
        ("2 jours ouvrés", "2j", 960),
        ("planned", None, None),
        ("Planned", None, None),
        ("sur planification", None, None),
        ("aucun", None, None),
    ],
)
def test_sla_allowances(written, stored, minutes) -> None:
    contract = one(HEAD + CARNET + f'[contract.sla.majeure]\nresponse = "{written}"\n')
    target = contract.sla_target("majeure", "response")
    assert target.allowance == stored
    assert target.minutes(contract.calendar) == minutes


def test_severity_kind_and_model_names_without_case_or_accents() -> None:
    contract = one(
        HEAD
        + 'sla_ticket_kinds = ["Corrective", "Support"]\n'
        + CARNET
        + '[contract.sla.Bloquant]\nresponse = "1h"\ncalendar = "24h/24"\n'
        + '[contract.priorities]\nP1 = "Bloquante"\n[contract.kinds]\nIncident = "Évolutive"\n'
    )
    assert contract.sla_target("bloquante", "response").allowance == "1h"
    assert contract.sla_target("bloquante", "response").calendar == ALWAYS_OPEN
    assert contract.severity_of("p1") == "bloquante"
    assert contract.kind_of("incident") == "evolutive"
    assert contract.sla_ticket_kinds == ("corrective", "support")
    regie = one('[[contract]]\nname = "R"\nprojects = ["r"]\nmodel = "Régie"\n')
    assert regie.model == "regie"


def test_early_renewal_and_extension_are_accepted() -> None:
    contract = one(
        HEAD + CARNET + "[[contract.carnet]]\nstart = 2026-06-01\ndays = 0\nend = 2027-05-31\n"
    )
    assert [(c.start, c.end, c.days) for c in contract.carnets] == [
        (date(2026, 1, 1), date(2026, 12, 31), 40),
        (date(2026, 6, 1), date(2027, 5, 31), 0),
    ]
    assert contract.carnet_on(date(2026, 7, 1)).start == date(2026, 6, 1)


def test_file_with_bom_or_windows_1252_is_read(tmp_path) -> None:
    text = '[[contract]]\nname = "Évry"\nprojects = ["e"]\n' + CARNET
    bom = tmp_path / "bom.toml"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    latin = tmp_path / "latin.toml"
    latin.write_bytes(text.encode("cp1252"))
    assert [c.name for c in load_contracts(bom)] == ["Évry"]
    assert [c.name for c in load_contracts(latin)] == ["Évry"]
    assert parse_contracts("\ufeff" + text)[0].name == "Évry"
    assert decode_contracts("é".encode()) == "é"


# --- refused, with a message naming the contract, the key, expected and found ----------


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            HEAD.replace("]\n", "]\nhour_per_day = 7\n", 1) + CARNET,
            ("Contrat « Client Alpha »", "clé « hour_per_day » inconnue", "« hours_per_day » ?"),
        ),
        (
            HEAD + 'waitng_statuses = ["X"]\n' + CARNET,
            ("clé « waitng_statuses » inconnue", "vouliez-vous dire « waiting_statuses » ?"),
        ),
        (HEAD + "marge = 0.2\n" + CARNET, ("clé « marge » inconnue", "« margin » ?")),
        (
            HEAD + "start = 2026-01-01\ndays = 4\n",
            ("clé « start » inconnue", "se place dans un bloc [[contract.carnet]]"),
        ),
        (
            HEAD + CARNET + "margin = 0.2\n",
            ("clé « carnet[1].margin » inconnue", "placez-la avant le premier"),
        ),
        (
            HEAD + CARNET + '[contract.calendar]\nwindow = ["09:00-12:00"]\n',
            ("clé « calendar.window » inconnue", "« windows » ?"),
        ),
        (
            HEAD + CARNET + '[contract.sla.bloquante]\nreponse = "1h"\n',
            ("clé « sla.bloquante.reponse » inconnue", "« response » ?"),
        ),
        (
            HEAD + "[[contract.carnet]]\nstart = 2026-01-01\ndays = 4\ndaily_rates = 6\n",
            ("clé « carnet[1].daily_rates » inconnue", "« daily_rate » ?"),
        ),
        ('[[contrat]]\nname = "X"\n', ("Clé « contrat » inconnue", "« contract » ?")),
    ],
    ids=[
        "hour_per_day",
        "waitng_statuses",
        "french-key",
        "carnet-key-in-contract",
        "contract-key-after-carnet",
        "calendar-key",
        "sla-key",
        "carnet-key",
        "top-level",
    ],
)
def test_unknown_keys_are_named_with_the_closest_valid_key(text, parts) -> None:
    message = error_of(text)
    for part in parts:
        assert part in message


@pytest.mark.parametrize(
    ("text", "key", "found"),
    [
        (HEAD + "margin = 25\n" + CARNET, "clé « margin »", "trouvé 25 ; pour 25 %, écrivez 0.25"),
        (HEAD + "hours_per_day = 25\n" + CARNET, "clé « hours_per_day »", "trouvé 25."),
        (
            HEAD + '[[contract.carnet]]\nstart = 2026-01-01\ndays = "douze"\n',
            "clé « carnet[1].days »",
            "trouvé « douze »",
        ),
        (
            HEAD + "[[contract.carnet]]\nstart = 2026-01-01\ndays = -5\n",
            "clé « carnet[1].days »",
            "trouvé -5",
        ),
        (
            HEAD + "[[contract.carnet]]\nstart = 2026-01-01\ndays = nan\n",
            "clé « carnet[1].days »",
            "trouvé nan",
        ),
        (
            HEAD + '[[contract.carnet]]\nstart = "01/31/2026"\ndays = 4\n',
            "clé « carnet[1].start »",
            "trouvé « 01/31/2026 »",
        ),
        (
            HEAD + "[[contract.carnet]]\nstart = 2026-01-01T10:00:00\ndays = 4\n",
            "clé « carnet[1].start »",
            "une date sans heure",
        ),
        (
            HEAD + "[[contract.carnet]]\nstart = 2026-01-01\nend = 2025-12-01\ndays = 4\n",
            "clé « carnet[1].end »",
            "postérieure au début (01/01/2026), trouvé 01/12/2025",
        ),
        (
            HEAD + CARNET + CARNET,
            "clé « carnet[2].start »",
            "deux carnets commençant le 01/01/2026",
        ),
        (
            HEAD + CARNET + "[[contract.carnet]]\nstart = 2026-03-01\nend = 2026-04-30\ndays = 9\n",
            "clé « carnet[2].end »",
            "au plus tôt le 31/12/2026",
        ),
        (
            '[[contract]]\nname = "X"\nprojects = []\n' + CARNET,
            "clé « projects »",
            "trouvé [].",
        ),
        (
            '[[contract]]\nname = "X"\nprojects = [""]\n' + CARNET,
            "clé « projects »",
            "trouvé [un texte vide]",
        ),
        (
            HEAD + CARNET + '[contract.calendar]\nweekdays = ["lunday"]\n',
            "clé « calendar.weekdays »",
            "trouvé « lunday »",
        ),
        (
            HEAD + CARNET + "[contract.calendar]\nweekdays = []\n",
            "clé « calendar.weekdays »",
            "au moins un jour ouvré",
        ),
        (
            HEAD + CARNET + '[contract.calendar]\nwindows = ["09:00-13:00", "12:00-18:00"]\n',
            "clé « calendar.windows »",
            "(« 09:00-13:00 » déborde), trouvé « 12:00-18:00 »",
        ),
        (
            HEAD + CARNET + '[contract.calendar]\nwindows = ["22:00-06:00"]\n',
            "clé « calendar.windows »",
            "trouvé « 22:00-06:00 » ; une plage de nuit s'écrit en deux",
        ),
        (
            HEAD + CARNET + '[contract.calendar]\nholidays = "FR-99"\n',
            "clé « calendar.holidays »",
            "trouvé « FR-99 »",
        ),
        (
            HEAD + CARNET + '[contract.calendar]\nclosed = ["noël"]\n',
            "clé « calendar.closed »",
            "trouvé « noël »",
        ),
        (
            HEAD + 'timezone = "Paris"\n' + CARNET,
            "clé « timezone »",
            "trouvé « Paris » ; vouliez-vous dire « Europe/Paris » ?",
        ),
        (
            HEAD + CARNET + "[contract.sla.mineure]\nresponse = 4\n",
            "clé « sla.mineure.response »",
            "trouvé 4 : l'unité manque",
        ),
        (
            HEAD + CARNET + '[contract.sla.mineure]\nresponse = "0h"\n',
            "clé « sla.mineure.response »",
            "un délai > 0",
        ),
        (
            HEAD + CARNET + '[contract.sla.mineure]\nresponse = "vite"\n',
            "clé « sla.mineure.response »",
            "trouvé « vite »",
        ),
        (
            HEAD + CARNET + '[contract.sla.critique]\nresponse = "1h"\n',
            "clé « sla.critique »",
            "trouvé « critique »",
        ),
        (
            HEAD + CARNET + '[contract.priorities]\nP1 = "critique"\n',
            "clé « priorities.P1 »",
            "trouvé « critique »",
        ),
        (
            '[[contract]]\nname = "S"\nprojects = ["s"]\nmodel = "subscription"\n',
            "clé « monthly_days »",
            "trouvé aucune valeur",
        ),
        (
            '[[contract]]\nname = "R"\nprojects = ["r"]\nmodel = "regie"\n' + CARNET,
            "clé « carnet »",
            "pour model = « regie »",
        ),
        (
            HEAD + "[contract.carnet]\nstart = 2026-01-01\ndays = 4\n",
            "clé « carnet »",
            "trouvé une table [contract.carnet] (crochets simples)",
        ),
    ],
)
def test_bad_values_name_contract_key_expected_and_found(text, key, found) -> None:
    message = error_of(text)
    assert message.startswith("Contrat « ")
    assert key in message and "attendu" in message and found in message


def test_unnamed_contract_is_named_by_its_position() -> None:
    message = error_of(HEAD + CARNET + '[[contract]]\nname = " "\nprojects = ["b"]\n')
    assert message.startswith("Contrat n° 2, clé « name » : attendu un nom")


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            HEAD + CARNET + HEAD.replace("alpha", "beta") + CARNET,
            ("double", "« Client Alpha »", "n° 2"),
        ),
        (
            HEAD
            + CARNET
            + HEAD.replace("Client Alpha", "client ALPHA ").replace("alpha", "b")
            + CARNET,
            ("double", "« client ALPHA »", "n° 1 et n° 2"),
        ),
        (HEAD + CARNET + HEAD.replace("Client Alpha", "B") + CARNET, ("« alpha »", "« Client")),
        ("", ("Fichier de contrats vide", "attendu au moins un bloc [[contract]]")),
        ("# que des commentaires\n", ("Fichier de contrats vide",)),
        ('[contract]\nname = "X"\n', ("attendu des blocs [[contract]]", "crochets simples")),
    ],
    ids=["duplicate", "duplicate-case", "shared-project", "empty", "comments", "single-bracket"],
)
def test_file_level_errors(text, parts) -> None:
    message = error_of(text)
    for part in parts:
        assert part in message


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            HEAD + "[[contract.carnet]]\nstart = 2026-01-01\ndays = 12,5\n",
            ("ligne 6, colonne 10", "« days = 12,5 »", "avec un point (12.5)"),
        ),
        (
            HEAD + "[[contract.carnet]]\nstart = 01/01/2026\ndays = 4\n",
            ("ligne 5", "« start = 01/01/2026 »", "Une date s'écrit AAAA-MM-JJ"),
        ),
        (
            HEAD + CARNET + "[contract.calendar]\nholidays = FR\n",
            ("ligne 8", "valeur illisible", 'entre guillemets ("FR")'),
        ),
        (
            HEAD + 'timezone = "Europe/Paris\n' + CARNET,
            ("ligne 4", "texte non fermé"),
        ),
        (HEAD + 'name = "bis"\n' + CARNET, ("ligne 4", "clé déjà définie")),
        ("[[contract]\n", ("ligne 1", "« ]] » attendu", "TOML valide")),
    ],
    ids=["decimal-comma", "french-date", "bare-word", "unclosed", "duplicate-key", "header"],
)
def test_toml_syntax_errors_give_the_line_in_french(text, parts) -> None:
    message = error_of(text)
    assert message.startswith("Fichier de contrats illisible, ligne ")
    for part in parts:
        assert part in message
    assert "Invalid" not in message and "Expected" not in message


def test_unreadable_file_is_a_french_error(tmp_path) -> None:
    binary = tmp_path / "c.toml"
    binary.write_bytes(b"name = 1\n\x81\x8d")
    with pytest.raises(ContractError, match=r"ligne 2 : attendu du texte UTF-8, trouvé l'octet"):
        load_contracts(binary)
    with pytest.raises(ContractError, match="trouvé un dossier"):
        load_contracts(tmp_path)
