"""SLA clocks' helpers: ticket numbering for pauses, pause lookup and merging."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tma_metrics.domain.business_time.clock import _overlaps, _runs_of, pause_codes


def test_pause_codes_match_pairs_nulls_included() -> None:
    source = pd.Series(["jira", "jira", "redmine", None, "jira", "glpi"], dtype="string")
    key = pd.Series(["A-1", "A-2", "A-1", "A-1", None, "A-1"], dtype="string")
    pause_source = pd.Series(["redmine", "jira", None, "jira", "jira"], dtype="string")
    pause_key = pd.Series(["A-1", "A-2", "A-1", None, "A-2"], dtype="string")
    ticket, pause = pause_codes(source, key, pause_source, pause_key)

    def texts(values: pd.Series) -> list[str | None]:
        return [None if pd.isna(v) else v for v in values]

    pairs = list(zip(texts(pause_source), texts(pause_key), strict=True))
    for i, pair in enumerate(zip(texts(source), texts(key), strict=True)):
        if pair in pairs:
            assert ticket[i] == pause[pairs.index(pair)], pair
            assert (pause == ticket[i]).sum() == pairs.count(pair)
        else:
            assert ticket[i] not in pause, pair
    assert (pause >= 0).all()
    assert pause[1] == pause[4]  # the same ticket's two pauses
    assert len(set(pause.tolist())) == 4


@pytest.mark.parametrize("spread", [1, 10**9], ids=["dense-lookup", "binary-search"])
def test_runs_of_finds_each_value_run(spread: int) -> None:
    rng = np.random.default_rng(3)
    codes = np.sort(rng.integers(0, 50, 200)) * spread
    wanted = rng.integers(-5, 60, 1000) * spread
    found, lo, count = _runs_of(codes, wanted)
    left = np.searchsorted(codes, wanted, side="left")
    right = np.searchsorted(codes, wanted, side="right")
    assert found.tolist() == np.flatnonzero(right > left).tolist()
    assert lo.tolist() == left[found].tolist()
    assert count.tolist() == (right - left)[found].tolist()


def test_overlaps_sorts_and_merges_a_clocks_pauses() -> None:
    at = np.datetime64("2026-11-23T09:00", "us")
    hour = np.timedelta64(1, "h")
    start = np.array([at, at])
    stop = np.array([at + 10 * hour, at + 10 * hour])
    # Ticket 7 (clock 0): pauses given out of order, two of them overlapping.
    pause_ticket = np.array([7, 7, 7, 8])
    pause_start = np.array([at + 5 * hour, at + 1 * hour, at + 2 * hour, at + 3 * hour])
    pause_end = np.array([at + 6 * hour, at + 3 * hour, at + 4 * hour, at + 4 * hour])
    pos, s, e = _overlaps(
        np.array([7, 9]), np.array([True, True]), start, stop, pause_ticket, pause_start, pause_end
    )
    assert pos.tolist() == [0, 0]
    assert (s - at).tolist() == [np.timedelta64(1, "h"), np.timedelta64(5, "h")]
    assert (e - at).tolist() == [np.timedelta64(4, "h"), np.timedelta64(6, "h")]
