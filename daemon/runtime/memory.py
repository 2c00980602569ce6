"""The C heap (glibc malloc): fewer arenas, freed memory handed back, and what it holds.

A long-lived daemon that allocates large short-lived buffers from several threads (the
recogniser's decode, Piper's synthesis, llama.cpp's prompt evaluation, each on a worker thread)
lets glibc keep freed memory in per-thread arenas. The RSS then ratchets up with the largest
turn met so far on each thread, which looks like a leak. Two remedies:

- `limit_arenas(n)`: at most `n` malloc arenas (``mallopt(M_ARENA_MAX, n)``), so threads share
  heaps and a freed buffer is reused by the next thread instead of sitting in another arena.
  Call it once at start-up, before the worker threads exist (arenas made earlier stay).
- `trim()`: ``malloc_trim(0)``, which returns every free page of every arena to the kernel.
  Cheap (2 ms on average, 4 ms at most after a replay in the soak); call it when a turn ends.

`fix_mmap_threshold` is a third, stronger remedy with a CPU cost (see there).

`heap_stats()` reads ``mallinfo2()``: bytes in use and free-but-held in the heap, the numbers
that tell fragmentation (free grows) from retention (in use grows).

Linux with glibc only. Elsewhere (musl, macOS) every function is a no-op returning False/None.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import platform
from dataclasses import dataclass
from functools import cache

_LOG = logging.getLogger(__name__)
M_ARENA_MAX = -8
"""glibc's mallopt parameter number for the arena limit (malloc.h)."""
M_MMAP_THRESHOLD = -3
"""glibc's mallopt parameter number for the size from which blocks get their own mapping."""


class _Mallinfo2(ctypes.Structure):
    """glibc >= 2.33 ``struct mallinfo2`` (every field a size_t)."""

    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


@dataclass(frozen=True)
class HeapStats:
    """glibc's heap right now (all arenas), MB.

    Attributes:
        heap_mb: obtained from the kernel for the arenas (sbrk + arena mmaps).
        in_use_mb: of that, allocated by the program.
        free_mb: of that, freed but still held by malloc (fragmentation, or reusable).
        mmapped_mb: large blocks malloc mapped on their own (returned to the kernel on free).
    """

    heap_mb: float
    in_use_mb: float
    free_mb: float
    mmapped_mb: float


@cache
def _libc() -> ctypes.CDLL | None:
    """The process's glibc, or None on another platform or C library."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None
    if not all(hasattr(libc, name) for name in ("mallopt", "malloc_trim")):
        return None
    libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    libc.mallopt.restype = ctypes.c_int
    libc.malloc_trim.argtypes = [ctypes.c_size_t]
    libc.malloc_trim.restype = ctypes.c_int
    return libc


def available() -> bool:
    """True when the process runs on glibc (the functions below then do something)."""
    return _libc() is not None


def limit_arenas(arenas: int) -> bool:
    """Allow at most `arenas` malloc arenas from now on (``mallopt(M_ARENA_MAX)``).

    Returns True when glibc accepted it; False elsewhere (a no-op).

    Raises:
        ValueError: `arenas` is below 1.
    """
    if arenas < 1:
        raise ValueError(f"arenas must be at least 1, not {arenas}")
    libc = _libc()
    if libc is None:
        return False
    accepted = bool(libc.mallopt(M_ARENA_MAX, arenas))
    _LOG.debug("malloc arenas limited to %d: %s", arenas, accepted)
    return accepted


ARENAS = 2
"""The daemon's malloc arena limit (docs/benchmarks.md, runs 13-16: the peak RSS 1202 ->
1183 MB with no CPU cost measured). glibc's default is 8 per core: every thread that
allocates (asyncio's workers, llm-worker, the recogniser's and Piper's threads) gets its own
arena, each keeping the free pages of its largest turn until the next trim."""


def limit_arenas_for_daemon() -> bool:
    """`limit_arenas(ARENAS)` unless ``MALLOC_ARENA_MAX`` is set in the environment (glibc
    read it at start-up, and the operator's choice wins). Call before any thread starts."""
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    return limit_arenas(ARENAS)


def fix_mmap_threshold(size_bytes: int) -> bool:
    """Serve every block of at least `size_bytes` from its own mapping, returned on free.

    glibc starts at 128 KiB but raises the threshold (up to 32 MiB) each time such a block is
    freed, after which large buffers come from the arenas and stay resident once freed. Fixing
    it keeps the threshold where it is. Measured here at 1 MiB: 58 MB lower peak RSS in
    `cabin bench --limit 8`, but the recogniser's CPU RTF was 0.295 against 0.225 (more page
    faults), one run each: not enabled by default (docs/benchmarks.md).

    Returns True when glibc accepted it; False elsewhere (a no-op).

    Raises:
        ValueError: `size_bytes` is not positive.
    """
    if size_bytes <= 0:
        raise ValueError(f"size_bytes must be positive, not {size_bytes}")
    libc = _libc()
    return libc is not None and bool(libc.mallopt(M_MMAP_THRESHOLD, size_bytes))


def trim() -> bool:
    """Return the heap's free pages to the kernel (``malloc_trim(0)``).

    Returns True when memory was released; False when there was nothing to release or the
    C library is not glibc.
    """
    libc = _libc()
    return libc is not None and bool(libc.malloc_trim(0))


def heap_stats() -> HeapStats | None:
    """glibc's ``mallinfo2()`` in MB; None off glibc or before glibc 2.33."""
    libc = _libc()
    if libc is None or not hasattr(libc, "mallinfo2"):
        return None
    libc.mallinfo2.argtypes = []
    libc.mallinfo2.restype = _Mallinfo2
    info = libc.mallinfo2()
    mb = 1024.0 * 1024.0
    return HeapStats(heap_mb=round(info.arena / mb, 1), in_use_mb=round(info.uordblks / mb, 1),
                     free_mb=round(info.fordblks / mb, 1), mmapped_mb=round(info.hblkhd / mb, 1))
