"""Benchmark sizes: how many contracts, tickets and time entries each run generates."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

#: Seed of the generated data: same seed and size give byte-identical files.
DEFAULT_SEED = 2026
#: Last day of the generated data (tickets, entries); also the report's as-of date.
END = date(2026, 11, 20)
#: First day of the generated data.
START = date(2025, 1, 1)


@dataclass(frozen=True)
class Size:
    """The volumes of one benchmark run."""

    name: str
    contracts: int
    tickets: int
    entries: int  # rows of the Redmine spent-time CSV
    sheet_entries: int  # rows of the .xlsx timesheet (on top of the CSV's entries)
    sheet_contracts: int  # contracts whose team also logs time in the workbook
    naive_sla_sample: int  # tickets the naive SLA loop is timed on (then extrapolated)
    report_repeats: int  # warm report runs (median kept)
    page_repeats: int  # warm AppTest reruns per page (median kept)
    import_repeats: int  # runs of each import and of its bare-read baselines (best kept)
    sync_issues: int = 300  # issues of the synthetic Redmine the sync measure reads

    def as_dict(self) -> dict[str, object]:
        """Return the size as a JSON-ready dict."""
        return asdict(self)


SIZES = {
    "small": Size("small", 5, 2_000, 20_000, 2_000, 2, 600, 2, 2, 1, sync_issues=300),
    "full": Size("full", 200, 200_000, 2_000_000, 200_000, 20, 3_000, 3, 3, 2, sync_issues=10_000),
    # Twice "full" in every volume: the growth of each measure between the two sizes.
    "large": Size(
        "large", 400, 400_000, 4_000_000, 400_000, 40, 3_000, 3, 2, 1, sync_issues=20_000
    ),
}

#: What each row of the table grows with (a field of `Size`), for its growth exponent.
ROW_SCALES = {
    "1": "entries",
    "2": "entries",
    "3": "sheet_entries",
    "4": "sheet_entries",
    "5": "tickets",
    "6": "contracts",
    "6b": "entries",
    "7a": "contracts",
    "7b": "contracts",
    "8a": "entries",
    "8b": "entries",
    "9a": "sync_issues",
    "9b": "sync_issues",
}
