"""`memory.release` gives freed memory back to the system (glibc), in a fresh process."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tma_metrics.ui import memory

SCRIPT = """
import sys
from tma_metrics.ui import memory

def rss_mb():
    return int(open("/proc/self/statm").read().split()[1]) * 4096 // 2**20

blocks = [bytes(1000) for _ in range(300_000)]  # ~300 MB from malloc
kept = blocks[::10]  # holes everywhere: nothing to give back from the top of the heap
del blocks
before = rss_mb()
memory.release()
after = rss_mb()
print(before, after, len(kept))
"""


@pytest.mark.skipif(
    memory._libc() is None or not sys.platform.startswith("linux"), reason="glibc only"
)
def test_release_returns_the_freed_holes_to_the_system() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True
    )
    before, after, _ = (int(v) for v in done.stdout.split())
    assert before - after > 100, (before, after)  # ~270 MB freed in holes
