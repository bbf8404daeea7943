"""Give back to the system the memory a large computation freed.

The figures of a portfolio allocate and free hundreds of megabytes of short-lived
frames; the allocators keep that memory for later (glibc's per-thread arenas, Arrow's
pool), and Streamlit runs each session's script in its own thread. Released after each
computation, the process's peak is that of one computation, not their sum.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache

import pyarrow as pa

__all__ = ["release"]


def release() -> None:
    """Return the freed memory of Arrow's pool and of the C allocator (where it can)."""
    pa.default_memory_pool().release_unused()
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


@cache
def _libc() -> ctypes.CDLL | None:
    """glibc, when this is it (``malloc_trim`` exists only there)."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None
