"""SLA outcomes of real-export shapes, through the import path and a DuckDB file.

The fixtures under tests/samples/sla are small exports as the tools write them:

- ``redmine-demandes-fr.csv``: Redmine 5 issues (French UI, ISO-8859-1, ``;``) with its
  « Mis-à-jour » and « Fermé » columns and no resolution date; ``historique-statuts.csv``
  is the same tickets' real status history (canonical file, written under another tool);
- ``jira-resolved-en.csv``: Jira Cloud issues with « Resolved » (an event);
- ``glpi-resolution-fr.csv``: GLPI tickets with « Date de résolution » (an event) and
  ``glpi-sans-resolution-fr.csv`` without it (only the closing, which bounds it).

Each outcome is the one worked out by hand from the business calendar (Monday–Friday,
09:00–13:00 and 14:00–18:00, week of Monday 23/11/2026), written in the tables below
with the minutes that decide it. On the Redmine CSV alone no outcome claims more than the
status history confirms; with the history imported, every outcome is the history's.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from tma_metrics.domain.contracts.parser import parse_contracts
from tma_metrics.figures.loading import figures_for
from tma_metrics.store import Store
from tma_metrics.store.contracts_file import local_scope
from tma_metrics.views.sla_range import ComplianceRange

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "sla"
AS_OF = date(2026, 11, 27)  # a Friday
NOW = datetime(2026, 11, 30, 10, 0)
CONTRACTS = parse_contracts(
    "\n".join(
        f'[[contract]]\nname = "{name}"\nprojects = ["{project}"]\nmodel = "forfait"\n'
        for name, project in (
            ("Extranet", "Extranet"),
            ("Portail", "PORT"),
            ("Mairie", "Mairie"),
            ("Ecole", "Ecole"),
        )
    )
)
M, B, NM, OP, R, NA = "met", "breached", "not_measurable", "open", "at_risk", "not_applicable"

# Redmine ticket -> (response, workaround, resolution) outcomes, with the history (truth)
# and on the CSV alone. Minutes: business time from the creation.
REDMINE = {
    # Urgent (2h / 4h / 1j). Picked up 09:30, resolved 14:00 (240), closed Wed 10:00
    # (1 020): the closing is past every deadline, it proves nothing.
    "101": ((M, M, M), (NM, NM, NM)),
    # Haut (4h / 2j / 5j). Resolved Tue 16:00 (780), closed Thu 09:30 (1 410): the
    # closing proves the resolution within 5j, nothing else.
    "102": ((M, M, M), (NM, NM, M)),
    # Picked up Tue 14:00 (720 > 240), resolved Fri 10:00 (1 980); « Résolu » with its
    # last update Fri 10:00 (a bound).
    "103": ((B, B, M), (NM, NM, M)),
    # Resolved Tue 10:00 (60), closed 11:00 (120), reopened Wed 14:00: the closing
    # kept by Redmine proves all three met; the SLA keeps the first resolution.
    "104": ((M, M, M), (M, M, M)),
    # Waiting on the client since Mon 11:00 (120 run): without the history the clock
    # has run 2 400 minutes, but a waiting ticket is never breached on it.
    "105": ((M, OP, OP), (NM, NM, OP)),
    # Waited Mon 10:00 to Thu 17:00, back « En cours » (600 run): without the history,
    # only the time since its last update (540) is sure — not enough to prove a breach.
    "106": ((M, OP, OP), (NM, NM, OP)),
    # Normal (3j response): « Nouveau » since Wed 14:00, 1 200 of 1 440 run.
    "107": ((R, NA, NA), (R, NA, NA)),
    # Urgent, « En cours » since Thu 09:05 (its last update): 955 minutes surely run.
    "108": ((M, B, B), (NM, B, B)),
    # Rejected (closed) at 09:30: counts for the response only.
    "109": ((M, NA, NA), (M, NA, NA)),
    # Resolved Mon 16:00 (120), closed Fri 11:00 (1 800).
    "110": ((M, M, M), (NM, NM, M)),
}
KINDS = ("response", "workaround", "resolution")


def store_with(tmp_path: Path, *names: str) -> Store:
    store = Store(tmp_path / "tma.duckdb")
    for name in names:
        report = store.import_file(SAMPLES / name, scope=local_scope(()))
        assert report.imported and not len(report.rejected), (name, report.error)
    return store


def outcomes_of(store: Store, name: str) -> tuple[dict[tuple[str, str], str], object]:
    (contract,) = [c for c in CONTRACTS if c.name == name]
    (figures,) = figures_for(store, [contract], AS_OF, now=NOW)
    rows = figures.outcomes
    return {(r.key, r.sla_kind): r.outcome for r in rows.itertuples()}, figures


@pytest.fixture(scope="module")
def redmine_alone(tmp_path_factory):
    store = store_with(tmp_path_factory.mktemp("alone"), "redmine-demandes-fr.csv")
    yield outcomes_of(store, "Extranet")
    store.close()


@pytest.fixture(scope="module")
def redmine_with_history(tmp_path_factory):
    # the history first: it links to the tickets imported after it
    store = store_with(
        tmp_path_factory.mktemp("history"), "historique-statuts.csv", "redmine-demandes-fr.csv"
    )
    yield outcomes_of(store, "Extranet")
    store.close()


@pytest.mark.parametrize(("key", "kind"), [(k, x) for k in REDMINE for x in KINDS])
def test_redmine_csv_alone_claims_no_more_than_the_history(
    redmine_alone, redmine_with_history, key, kind
) -> None:
    alone, _ = redmine_alone
    truth, _ = redmine_with_history
    expected_truth, expected_alone = (dict(zip(KINDS, v, strict=True)) for v in REDMINE[key])
    assert truth[(key, kind)] == expected_truth[kind]
    assert alone[(key, kind)] == expected_alone[kind]
    # The rule itself: a CSV outcome is the history's, or not measurable.
    assert alone[(key, kind)] in (truth[(key, kind)], NM)


def test_redmine_csv_alone_gives_a_range_and_says_what_would_close_it(redmine_alone) -> None:
    alone, figures = redmine_alone
    met = sum(v == M for v in alone.values())
    breached = sum(v == B for v in alone.values())
    unknown = sum(v == NM for v in alone.values())
    assert (met, breached, unknown) == (7, 2, 14)
    s = figures.sla_summary
    assert (s.met, s.breached, s.unknown) == (met, breached, unknown)
    assert s.compliance_low == pytest.approx(7 / 23)  # 30,4 %: every unknown breached
    assert s.compliance_high == pytest.approx(21 / 23)  # 91,3 %: every unknown met
    found = ComplianceRange.of(s)
    assert found.text() == "entre 30\u00a0% et 92\u00a0%"  # rounded outwards
    assert "synchronisez l'historique des statuts" in found.detail()
    # the warning names the bounded resolutions, never « datée par la fermeture »
    assert any("ne fait que borner la résolution" in w for w in figures.warnings)


def test_with_the_history_every_outcome_is_exact(redmine_with_history) -> None:
    _, figures = redmine_with_history
    s = figures.sla_summary
    assert (s.met, s.breached, s.unknown) == (17, 4, 0)
    assert ComplianceRange.of(s).text() == "81\u00a0%"


@pytest.mark.parametrize(
    ("ticket", "kind", "stop_at", "stop_kind", "stop_source"),
    [
        ("101", "resolution", "2026-11-25 10:00", "bound", "closing"),
        ("103", "resolution", "2026-11-27 10:00", "bound", "update"),
        ("104", "response", "2026-11-24 11:00", "bound", "closing"),
        ("105", "resolution", None, None, None),
    ],
    ids=["closing", "last-update", "response-by-closing", "running"],
)
def test_the_ticket_table_says_what_stopped_each_clock(
    redmine_alone, ticket, kind, stop_at, stop_kind, stop_source
) -> None:
    _, figures = redmine_alone
    row = figures.tickets.set_index("key").loc[ticket]

    def value(name: str) -> str | None:
        found = row[f"{kind}_{name}"]
        return None if pd.isna(found) else str(found)[:16]

    assert (value("stop_at"), value("stop_kind"), value("stop_source")) == (
        stop_at,
        stop_kind,
        stop_source,
    )


# Jira: Resolved is an event. Minutes from the creation.
JIRA = {
    "PORT-1": (NM, M, M),  # High, resolved Tue 16:00 (840): the resolution only bounds
    "PORT-3": (NM, B, B),  # Highest, resolved Thu 10:00 (1 020): breached on the event
    "PORT-4": (NM, B, OP),  # High, open, updated Wed 11:00: 1 320 surely run > 960
    "PORT-5": (NM, M, M),  # High, resolved Mon 15:00 (300)
    # Resolved on Monday 30/11, after the as-of date: open on Friday, updated Fri 17:00.
    "PORT-2": (NM, NM, OP),
}
GLPI = {
    "501": (M, M, M),  # Très haute, resolved Mon 11:00 (120); closed Thu: an event wins
    "502": (NM, B, B),  # resolved Wed 15:00 (1 260)
    "503": (NM, B, R),  # Haute, open since Tue 09:00, updated 09:30: 1 890 surely run
}


@pytest.mark.parametrize(
    ("files", "contract", "expected"),
    [
        (("jira-resolved-en.csv",), "Portail", JIRA),
        (("glpi-resolution-fr.csv",), "Mairie", GLPI),
    ],
    ids=["jira-resolved", "glpi-date-de-resolution"],
)
def test_export_resolution_dates_are_events(tmp_path, files, contract, expected) -> None:
    store = store_with(tmp_path, *files)
    got, _ = outcomes_of(store, contract)
    store.close()
    for key, outcomes in expected.items():
        assert tuple(got[(key, kind)] for kind in KINDS) == outcomes, key


def test_glpi_without_its_resolution_column_asks_for_it(tmp_path) -> None:
    store = store_with(tmp_path, "glpi-sans-resolution-fr.csv")
    got, figures = outcomes_of(store, "Ecole")
    store.close()
    assert set(got.values()) == {NM}  # closed Fri 09:00 (1 920) / resolved without date
    s = figures.sla_summary
    assert (s.met, s.breached, s.unknown) == (0, 0, 6)
    found = ComplianceRange.of(s)
    assert found.text() == "non mesurable"
    assert "ajoutez la colonne « Date de résolution » à l'export" in found.detail()
    notes = figures.outcomes.set_index(["key", "sla_kind"])["note"]
    assert "Date de résolution" in notes[("602", "resolution")]


def test_report_json_gives_the_unknowns_and_the_range(redmine_alone) -> None:
    """`report --json`'s sla → severity → kind, recomputed with a loop over the outcomes."""
    from tma_metrics.reports.json_report import contract_json

    _, figures = redmine_alone
    got = contract_json(figures)["sla"]
    for severity, kinds in got.items():
        for kind, cell in kinds.items():
            met = breached = unknown = 0
            for row in figures.sla_period.to_dict("records"):
                if row["severity"] != severity or row["sla_kind"] != kind:
                    continue
                if not row["applicable"]:
                    continue
                met += row["outcome"] == M
                breached += row["outcome"] == B
                unknown += not row["measurable"]
            span = met + breached + unknown
            assert (cell["met"], cell["breached"], cell["unknown"]) == (met, breached, unknown)
            # six decimals in the JSON
            low = None if not span else pytest.approx(met / span, abs=1e-6)
            high = None if not span else pytest.approx((met + unknown) / span, abs=1e-6)
            assert (cell["compliance_low"], cell["compliance_high"]) == (low, high)
    # by hand: Urgent 101 (closed past every deadline) and 108 (open, breached surely)
    assert got["bloquante"]["resolution"] == {
        "applicable": 2,
        "measurable": 1,
        "met": 0,
        "breached": 1,
        "open": 0,
        "at_risk": 0,
        "unknown": 1,
        "compliance": 0.0,
        "coverage": 0.5,
        "compliance_low": 0.0,
        "compliance_high": 0.5,
    }
    overall = contract_json(figures)["sla_overall"]
    assert (overall["unknown"], overall["compliance_low"]) == (14, pytest.approx(7 / 23, abs=1e-6))
