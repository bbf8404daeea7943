"""Growing delays after failed logins: a table of (failures, time) cases, no sleeping."""

from __future__ import annotations

import pytest

from tma_metrics.auth.throttle import BackoffPolicy, LoginThrottle

POLICY = BackoffPolicy(free_attempts=5, base_delay_s=2.0, max_delay_s=300.0, forget_after_s=900)


def naive_delay(failures: int) -> float:
    """Double a 2 s delay for each failure past the fifth, up to 300 s."""
    delay = 0.0
    for n in range(1, failures + 1):
        if n == 5:
            delay = 2.0
        elif n > 5:
            delay = min(300.0, delay * 2)
    return delay


@pytest.mark.parametrize(
    ("failures", "expected"),
    [(0, 0.0), (4, 0.0), (5, 2.0), (6, 4.0), (9, 32.0), (12, 256.0), (13, 300.0), (40, 300.0)],
    ids=["none", "four-free", "fifth", "sixth", "ninth", "twelfth", "capped", "far-past-cap"],
)
def test_delay_grows_then_caps(failures: int, expected: float) -> None:
    assert POLICY.delay(failures) == expected == naive_delay(failures)


@pytest.mark.parametrize(
    ("failures", "last", "now", "expected"),
    [
        (4, 100.0, 100.0, 0.0),
        (5, 100.0, 100.0, 2.0),
        (5, 100.0, 101.5, 0.5),
        (5, 100.0, 102.0, 0.0),
        (7, 100.0, 103.0, 5.0),
        (13, 100.0, 399.0, 1.0),
        (13, 100.0, 400.0, 0.0),
        (0, None, 100.0, 0.0),
    ],
    ids=[
        "free-attempts",
        "just-failed-fifth",
        "part-waited",
        "waited-enough",
        "seventh-after-3s",
        "capped-nearly-over",
        "capped-over",
        "never-failed",
    ],
)
def test_wait(failures: int, last: float | None, now: float, expected: float) -> None:
    assert POLICY.wait(failures, last, now) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("failures", "last", "now", "expected"),
    [(0, None, 10.0, 1), (5, 100.0, 200.0, 6), (9, 100.0, 1000.0, 1)],
    ids=["first", "counts-on", "restarts-after-quiet-period"],
)
def test_failures_after(failures: int, last: float | None, now: float, expected: int) -> None:
    assert POLICY.failures_after(failures, last, now) == expected


def test_throttle_counts_per_login_and_resets_on_success() -> None:
    throttle = LoginThrottle(POLICY)
    for i in range(5):
        assert throttle.wait("paul", 10.0 + i) == 0.0
        throttle.record_failure("paul", 10.0 + i)
    assert throttle.wait("paul", 14.0) == pytest.approx(2.0)
    assert throttle.wait("alice", 14.0) == 0.0  # another login is not slowed down
    throttle.reset("paul")
    assert throttle.wait("paul", 14.0) == 0.0


def test_throttle_memory_is_bounded() -> None:
    throttle = LoginThrottle(POLICY, max_keys=3)
    for i, key in enumerate(["a", "b", "c", "a", "d"]):
        throttle.record_failure(key, float(i))
    # "b" was idle longest; "a" failed again recently, so it stays.
    assert sorted(throttle._entries) == ["a", "c", "d"]
    assert throttle._entries["a"] == (2, 3.0)
