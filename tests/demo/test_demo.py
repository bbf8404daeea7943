"""Demo exports: native bytes of each tool, determinism, and the story the files tell.

The story checks read the files back with plain csv / openpyxl and recompute the
carnet balances with a naive loop (the estimate guarantee of DOMAIN.md section 2),
independently of the generator's own calibration code.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import holidays
import numpy as np
import openpyxl
import pytest

from tests.naive.demo import (
    MARGIN,
    burn_last_three_months,
    caps,
    consumed,
    deducted_by_day,
    en_stamp,
    fr_stamp,
    jira,
    jira_values,
    load,
    redmine,
    sheet,
)
from tma_metrics.demo import DEFAULT_END, write_demo_exports
from tma_metrics.demo.clock import BusinessClock
from tma_metrics.demo.jira import header, jira_date
from tma_metrics.demo.redmine import decimal, ruby_csv_line
from tma_metrics.demo.texts import contract_articles
from tma_metrics.domain.contracts.parser import parse_contracts

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
FILES = (
    "redmine-alpha-demandes.csv",
    "redmine-alpha-temps.csv",
    "jira-beta.csv",
    "gamma-canonique.xlsx",
)
JIRA_DATE = re.compile(
    r"^\d{2}/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)/\d{2} \d{1,2}:\d{2} (AM|PM)$"
)
FR_HOLIDAYS = holidays.country_holidays("FR", years=range(2025, 2028))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    paths = write_demo_exports(out)
    assert [p.name for p in paths] == list(FILES)
    return out


@pytest.fixture(scope="module")
def contracts() -> dict[str, object]:
    parsed = parse_contracts((ROOT / "data" / "contracts.toml").read_text(encoding="utf-8"))
    return {c.name.split(" - ")[0].lower(): c for c in parsed}


# --- Small formatting helpers -------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["12", "Sujet"], "12;Sujet\n"),
        (["", None], '"";\n'),
        (['Bouton "OK"'], '"Bouton ""OK"""\n'),
        (["a;b", "x\ny"], '"a;b";"x\ny"\n'),
        (["a,b"], "a,b\n"),
    ],
    ids=["plain", "empty-vs-nil", "quote", "separator-and-newline", "comma-not-quoted"],
)
def test_ruby_csv_quoting(cells: list[str | None], expected: str) -> None:
    assert ruby_csv_line(cells) == expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2025, 11, 22, 9, 31), "22/Nov/25 9:31 AM"),
        (datetime(2026, 1, 6, 0, 0), "06/Jan/26 12:00 AM"),
        (datetime(2026, 7, 14, 12, 5), "14/Jul/26 12:05 PM"),
        (datetime(2026, 12, 31, 23, 59), "31/Dec/26 11:59 PM"),
    ],
    ids=["morning", "midnight", "noon", "night"],
)
def test_jira_date(moment: datetime, expected: str) -> None:
    assert jira_date(moment) == expected
    assert en_stamp(expected) == moment


@pytest.mark.parametrize(("hours", "text"), [(8, "8,00"), (0.25, "0,25"), (7.5, "7,50")], ids=str)
def test_redmine_decimal(hours: float, text: str) -> None:
    assert decimal(hours) == text


def test_french_contractions() -> None:
    assert contract_articles("Aide de le panier à les abonnés") == "Aide du panier aux abonnés"


@pytest.mark.parametrize(
    ("start", "minutes", "expected"),
    [
        ("2026-11-10T17:30", 120, "2026-11-12T10:30"),  # Wednesday 11 November is a holiday
        ("2026-11-13T17:00", 120, "2026-11-16T10:00"),  # Friday evening -> Monday
        ("2026-11-16T12:30", 60, "2026-11-16T14:30"),  # lunch break is closed
        ("2026-11-16T22:00", 30, "2026-11-17T09:30"),  # opened at night: counts from 09:00
        ("2026-11-14T10:00", 480, "2026-11-16T18:00"),  # Saturday: one full day is Monday
    ],
    ids=["holiday", "weekend", "lunch", "night", "saturday-full-day"],
)
def test_business_clock(start: str, minutes: int, expected: str) -> None:
    clock = BusinessClock(date(2026, 11, 1), date(2026, 12, 31))
    result = clock.add(np.array([start], dtype="datetime64[m]"), np.array([minutes]))
    assert str(result[0]) == expected


# --- Determinism --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def second_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo-again")
    write_demo_exports(out, seed=2026, end=DEFAULT_END)
    return out


@pytest.mark.parametrize("name", FILES)
def test_same_seed_same_bytes(folder: Path, second_run: Path, name: str) -> None:
    assert (second_run / name).read_bytes() == (folder / name).read_bytes()


def test_other_seed_other_data(folder: Path, tmp_path: Path) -> None:
    write_demo_exports(tmp_path, seed=7)
    assert (tmp_path / "jira-beta.csv").read_bytes() != (folder / "jira-beta.csv").read_bytes()


# --- Native bytes -------------------------------------------------------------------------


def test_redmine_bytes(folder: Path) -> None:
    issues = (folder / "redmine-alpha-demandes.csv").read_bytes()
    times = (folder / "redmine-alpha-temps.csv").read_bytes()
    for raw in (issues, times):
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")  # accented letters are single ISO-8859-1 bytes
        assert "é".encode("iso-8859-1") in raw
    assert issues.decode("iso-8859-1").split("\n")[0] == (
        "#;Projet;Tracker;Statut;Priorité;Sujet;Assigné à;Auteur;Créé;Mis-à-jour;Fermé;"
        "Temps estimé;Temps passé;% réalisé"
    )
    assert times.decode("iso-8859-1").split("\n")[0] == (
        "Date;Utilisateur;Activité;Projet;Demande;Commentaire;Heures"
    )
    assert re.search(rb';"";', issues), "empty values are written as a quoted empty string"


def test_redmine_values(folder: Path) -> None:
    issues = {r["#"]: r for r in redmine(folder / "redmine-alpha-demandes.csv")}
    entries = redmine(folder / "redmine-alpha-temps.csv")
    for row in issues.values():
        fr_stamp(row["Créé"])
        assert re.fullmatch(r"\d+,\d{2}", row["Temps passé"])
        assert row["Fermé"] == "" or fr_stamp(row["Fermé"]) >= fr_stamp(row["Créé"])
    linked = 0
    for entry in entries:
        datetime.strptime(entry["Date"], "%d/%m/%Y")
        assert re.fullmatch(r"\d,(00|25|50|75)", entry["Heures"])
        if entry["Demande"]:
            match = re.fullmatch(r"(.+) #(\d+): (.+)", entry["Demande"])
            assert match, entry["Demande"]
            issue = issues[match.group(2)]
            assert (match.group(1), match.group(3)) == (issue["Tracker"], issue["Sujet"])
            linked += 1
    assert linked > 0.95 * len(entries)
    spent = defaultdict(float)
    for entry in entries:
        if entry["Demande"]:
            spent[entry["Demande"].split("#")[1].split(":")[0]] += float(
                entry["Heures"].replace(",", ".")
            )
    for key, row in issues.items():
        assert float(row["Temps passé"].replace(",", ".")) == pytest.approx(spent[key])


def test_jira_bytes_and_values(folder: Path) -> None:
    raw = (folder / "jira-beta.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfSummary,Issue key,Issue id,")
    header, rows = jira(folder / "jira-beta.csv")
    for name in ("Log Work", "Sprint", "Comment", "Labels"):
        assert header.count(name) > 1, name
    assert header[-1] == "Status Category"
    for row in rows:
        for name in ("Log Work", "Sprint", "Comment", "Labels"):
            values = jira_values(header, row, name)
            filled = [v != "" for v in values]
            assert filled == sorted(filled, reverse=True), "repeated columns fill left to right"
        for name in ("Created", "Updated", "Resolved"):
            value = jira_values(header, row, name)[0]
            assert value == "" or JIRA_DATE.match(value), value
        logs = [v.split(";") for v in jira_values(header, row, "Log Work") if v]
        for _comment, when, account, seconds in logs:
            assert JIRA_DATE.match(when) and account.startswith("712020:") and seconds.isdigit()
        spent = jira_values(header, row, "Time Spent")[0]
        assert int(spent or 0) == sum(int(log[3]) for log in logs)
        estimate = jira_values(header, row, "Original estimate")[0]
        assert estimate == "" or int(estimate) % 900 == 0  # seconds, whole quarters of an hour


def test_jira_header_names_exist_in_a_real_export() -> None:
    sample = SHARED / "samples" / "jira" / "jira-cloud-all-fields-en_peris25.csv"
    if not sample.exists():
        pytest.skip("shared samples not available")
    real = next(csv.reader(io.StringIO(sample.read_text(encoding="utf-8-sig"))))
    assert set(header({})) <= set(real)


def test_canonical_workbook(folder: Path) -> None:
    book = openpyxl.load_workbook(folder / "gamma-canonique.xlsx")
    assert book.sheetnames == ["Demandes", "Temps passé", "Historique"]
    assert book["Temps passé"]["A1"].value and book["Temps passé"]["A3"].value == "date"
    tickets = sheet(folder / "gamma-canonique.xlsx", "Demandes")
    entries = sheet(folder / "gamma-canonique.xlsx", "Temps passé")
    history = sheet(folder / "gamma-canonique.xlsx", "Historique")
    assert all(isinstance(t["created_at"], datetime) for t in tickets)
    assert all(
        isinstance(e["date"], datetime) and isinstance(e["hours"], float | int) for e in entries
    )
    assert all(isinstance(h["at"], datetime) for h in history)
    assert {h["status"] for h in history} >= {"Nouveau", "En cours", "En attente client", "Fermé"}
    keys = {t["key"] for t in tickets}
    assert {e["ticket"] for e in entries if e["ticket"]} <= keys


# --- The story: every client read back independently ------------------------------------


@pytest.mark.parametrize("code", ["alpha", "beta", "gamma"])
def test_contracts_cover_every_project(folder: Path, contracts: dict, code: str) -> None:
    tickets, _ = load(folder, code)
    assert all(contracts[code].covers(t["project"]) for t in tickets)
    assert sum(c.covers(tickets[0]["project"]) for c in contracts.values()) == 1


def test_alpha_carry_over_then_low_balance(folder: Path, contracts: dict) -> None:
    contract = contracts["alpha"]
    per_day = deducted_by_day(*load(folder, "alpha"))
    first, second = contract.carnets
    unused = first.days - consumed(per_day, first.start, first.end)
    remaining = second.days + unused - consumed(per_day, second.start, DEFAULT_END)
    assert unused == pytest.approx(6.0)  # carried over to the renewal
    assert 0 < remaining < contract.alert_days
    assert remaining == pytest.approx(2.5)


def test_beta_steady_and_on_track(folder: Path, contracts: dict) -> None:
    contract = contracts["beta"]
    (carnet,) = contract.carnets
    per_day = deducted_by_day(*load(folder, "beta"))
    remaining = carnet.days - consumed(per_day, carnet.start, DEFAULT_END)
    months_left = (carnet.end - DEFAULT_END).days / 30.44
    burn = burn_last_three_months(per_day, DEFAULT_END)
    assert remaining == pytest.approx(21.0) and remaining > contract.alert_days
    assert 0.7 < burn * months_left / remaining < 1.4  # ends the year close to the carnet
    monthly = [
        consumed(per_day, date(2026, m, 1), date(2026, m + 1, 1) - timedelta(days=1))
        for m in range(2, 11)
    ]
    assert max(monthly) < 2.2 * min(monthly)  # steady, no month doubles another


def test_gamma_runs_out_before_its_end(folder: Path, contracts: dict) -> None:
    (carnet,) = contracts["gamma"].carnets
    per_day = deducted_by_day(*load(folder, "gamma"))
    remaining = carnet.days - consumed(per_day, carnet.start, DEFAULT_END)
    months_left = (carnet.end - DEFAULT_END).days / 30.44
    burn = burn_last_three_months(per_day, DEFAULT_END)
    assert remaining == pytest.approx(16.0)
    assert burn * months_left > 1.3 * remaining  # forecast exhaustion well before the end
    before = consumed(per_day, carnet.start, date(2026, 7, 31)) / 6
    autumn = consumed(per_day, date(2026, 9, 1), date(2026, 10, 31)) / 2
    assert autumn > 1.3 * before  # the autumn security programme raised the burn


@pytest.mark.parametrize("code", ["alpha", "beta", "gamma"])
def test_management_ticket_is_about_ten_percent(folder: Path, contracts: dict, code: str) -> None:
    tickets, entries = load(folder, code)
    management = {
        t["key"] for t in tickets if contracts[code].kind_of(t["tracker"]) == "management"
    }
    months: dict[tuple[int, int], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for day, key, hours in entries:
        months[(day.year, day.month)][0] += hours if key in management or key is None else 0.0
        months[(day.year, day.month)][1] += hours
    shares = sorted(m / total for m, total in months.values())
    assert 0.07 < shares[len(shares) // 2] < 0.14
    assert shares[-1] > 0.14  # a copil month stands out


@pytest.mark.parametrize("code", ["alpha", "beta", "gamma"])
def test_ticket_mix(folder: Path, contracts: dict, code: str) -> None:
    contract = contracts[code]
    tickets, entries = load(folder, code)
    kinds = {contract.kind_of(t["tracker"]) for t in tickets}
    expected = {"corrective", "evolutive", "support", "management"} | (
        {"preventive"} if code != "alpha" else set()
    )
    assert kinds == expected
    severities = [
        contract.severity_of(t["priority"])
        for t in tickets
        if contract.kind_of(t["tracker"]) == "corrective"
    ]
    assert set(severities) == {"bloquante", "majeure", "mineure"}
    assert 0 < severities.count("bloquante") < 0.12 * len(severities)
    assert 150 <= len(tickets) <= 400 and 800 <= len(entries) <= 3000
    statuses = {str(t["status"]) for t in tickets}
    assert statuses & {"En attente client", "Waiting for customer"}
    assert sum(not t["done"] for t in tickets) >= 5
    rejected = [
        t
        for t in tickets
        if t["status"] == "Rejeté" or t.get("resolution") in ("Duplicate", "Won't Do")
    ]
    assert len(rejected) >= 2


@pytest.mark.parametrize("code", ["alpha", "beta", "gamma"])
def test_openings_at_night_on_weekends_and_holidays(folder: Path, code: str) -> None:
    created = [t["created"] for t in load(folder, code)[0]]
    assert sum(c.date() in FR_HOLIDAYS for c in created) >= 2
    assert any(date(c.year, 11, 11) == c.date() or date(c.year, 7, 14) == c.date() for c in created)
    assert sum(c.weekday() >= 5 for c in created) >= 2
    assert sum(c.hour < 7 or c.hour >= 20 for c in created) >= 3


@pytest.mark.parametrize("code", ["alpha", "beta", "gamma"])
def test_estimates_overrun_and_missing(folder: Path, code: str) -> None:
    tickets, entries = load(folder, code)
    spent: dict[str | None, float] = defaultdict(float)
    for _, key, hours in entries:
        spent[key] += hours
    estimated = [t for t in tickets if t["estimate"]]
    overruns = [t for t in estimated if spent[t["key"]] > (1 + MARGIN) * t["estimate"]]
    assert len(overruns) >= 3
    assert len(estimated) < len(tickets)  # some tickets have no estimate


def test_gamma_reestimates(folder: Path) -> None:
    tickets, entries = load(folder, "gamma")
    re_estimated = {t["reestimate_status"]: t for t in tickets if t["reestimate_status"]}
    assert set(re_estimated) == {"accepted", "refused"}
    for status, ticket in re_estimated.items():
        before = sum(
            h for d, k, h in entries if k == ticket["key"] and d <= ticket["reestimated_at"].date()
        )
        in_time = before <= MARGIN * ticket["estimate"]
        assert in_time == (status == "accepted")
    assert caps(tickets, entries)[re_estimated["refused"]["key"]] == 0.0
    assert {t["estimate_status"] for t in tickets} >= {"validated", "refused", "pending"}


@pytest.mark.parametrize("code", ["alpha", "beta", "gamma"])
def test_open_tickets_at_risk_or_breached_at_the_end(
    folder: Path, contracts: dict, code: str
) -> None:
    contract = contracts[code]
    closed = np.array(
        sorted(d for d in FR_HOLIDAYS if d.year in (2025, 2026)), dtype="datetime64[D]"
    )
    open_major = [
        int(np.busday_count(t["created"].date(), DEFAULT_END, holidays=closed))
        for t in load(folder, code)[0]
        if not t["done"] and contract.severity_of(t["priority"]) == "majeure"
        and contract.kind_of(t["tracker"]) == "corrective"
    ]  # fmt: skip
    assert any(age > 5 for age in open_major)  # 5j allowance already spent: breached
    assert any(3 <= age <= 5 for age in open_major)  # less than a quarter left: at risk
