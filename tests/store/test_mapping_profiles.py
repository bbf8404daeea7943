"""An unknown file goes through the column mapping once; the saved profile is reused."""

from __future__ import annotations

from tma_metrics.sources import MappingProfile, suggest_mapping
from tma_metrics.store import Store

HOME_MADE = (
    "Quand;Qui;Combien;Réf;Notes\n"
    "05/01/2026;Léa;2,5;A-1;Analyse\n"
    "06/01/2026;Hugo;1,0;A-2;Correctif\n"
)
NEXT_MONTH = "Quand;Qui;Combien;Réf;Notes\n02/02/2026;Léa;3,0;A-3;Recette\n"


def test_unknown_header_then_saved_mapping_then_automatic_reuse() -> None:
    store = Store(":memory:")
    first = store.import_file(HOME_MADE.encode(), "suivi-janvier.csv")
    assert not first.imported and first.unrecognised is not None
    header = first.unrecognised.header
    assert header == ["Quand", "Qui", "Combien", "Réf", "Notes"]
    guess = suggest_mapping(header, "time_entries")
    # the user confirms the guess and fixes what it missed
    columns = {k: v for k, v in guess.items() if v} | {
        "date": "Quand",
        "person": "Qui",
        "hours": "Combien",
        "ticket_key": "Réf",
        "comment": "Notes",
    }
    profile = MappingProfile(
        name="Suivi maison",
        table="time_entries",
        columns=tuple(columns.items()),
        signature=first.unrecognised.signature,
    )
    store.save_profile(profile)
    mapped = store.import_file(HOME_MADE.encode(), "suivi-janvier.csv", mapping=profile)
    assert mapped.imported and mapped.time_entries.added == 2
    # the next file with the same header is recognised through the saved profile
    again = store.import_file(NEXT_MONTH.encode(), "suivi-fevrier.csv")
    assert again.imported, again.error
    assert "Suivi maison" in again.variant
    assert store.counts()["time_entries"] == 3
    hours = store.cursor().execute("SELECT sum(hours) FROM time_entry").fetchall()[0][0]
    assert hours == 6.5
    store.close()
