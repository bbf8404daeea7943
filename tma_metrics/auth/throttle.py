"""Slow down password guessing: growing delays after a few failed logins (pure).

Time is passed in (seconds from a monotonic clock), so every rule is a table of cases.
Nothing sleeps: an attempt made before the delay is over is refused without checking
the password, which also keeps server threads free.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

__all__ = ["BackoffPolicy", "LoginThrottle"]


@dataclass(frozen=True)
class BackoffPolicy:
    """How many failures are free, and how the delay grows after them."""

    free_attempts: int = 5
    base_delay_s: float = 2.0
    max_delay_s: float = 300.0
    forget_after_s: float = 900.0  # a quiet quarter of an hour wipes the slate

    def delay(self, failures: int) -> float:
        """Return the wait imposed after ``failures`` consecutive failures.

        >>> [BackoffPolicy().delay(n) for n in (4, 5, 6, 7)]
        [0.0, 2.0, 4.0, 8.0]
        """
        if failures < self.free_attempts:
            return 0.0
        return min(self.max_delay_s, self.base_delay_s * 2.0 ** (failures - self.free_attempts))

    def wait(self, failures: int, last_failure: float | None, now: float) -> float:
        """Return the seconds left before another attempt is allowed (0 when allowed)."""
        if last_failure is None or failures <= 0:
            return 0.0
        elapsed = now - last_failure
        if elapsed >= self.forget_after_s:
            return 0.0
        return max(0.0, self.delay(failures) - elapsed)

    def failures_after(self, failures: int, last_failure: float | None, now: float) -> int:
        """Return the failure count once a new failure at ``now`` is counted."""
        if last_failure is not None and now - last_failure >= self.forget_after_s:
            failures = 0
        return failures + 1


class LoginThrottle:
    """Failure counts per key (a login), shared by every session of the process.

    The number of keys is bounded so that random logins cannot grow memory: the entries
    idle longest are dropped first.
    """

    def __init__(self, policy: BackoffPolicy | None = None, max_keys: int = 10_000) -> None:
        self.policy = policy or BackoffPolicy()
        self.max_keys = max_keys
        self._entries: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()  # Streamlit runs each session on its own thread

    def wait(self, key: str, now: float) -> float:
        """Return the seconds left before ``key`` may try again."""
        with self._lock:
            failures, last = self._entries.get(key, (0, None))
        return self.policy.wait(failures, last, now)

    def record_failure(self, key: str, now: float) -> int:
        """Count a failed attempt for ``key``; return its failure count."""
        with self._lock:
            failures, last = self._entries.pop(key, (0, None))
            count = self.policy.failures_after(failures, last, now)
            self._entries[key] = (count, now)  # re-inserted last: dicts keep insertion order
            while len(self._entries) > self.max_keys:
                del self._entries[next(iter(self._entries))]
        return count

    def reset(self, key: str) -> None:
        """Forget the failures of ``key`` (after a successful login)."""
        with self._lock:
            self._entries.pop(key, None)
