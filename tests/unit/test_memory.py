"""daemon/runtime/memory.py: glibc malloc tuning and heap figures, and the no-op elsewhere."""

from __future__ import annotations

import ctypes
import platform
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from daemon.runtime import memory

GLIBC = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"
needs_glibc = pytest.mark.skipif(not GLIBC, reason="glibc only")


@pytest.fixture
def no_glibc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Pretend to run on another C library (musl, macOS)."""
    memory._libc.cache_clear()
    monkeypatch.setattr(memory.platform, "libc_ver", lambda: ("", ""))
    yield
    memory._libc.cache_clear()


def _libc() -> ctypes.CDLL:
    """glibc with malloc/free typed for pointers."""
    libc = ctypes.CDLL("libc.so.6")
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    return libc


@needs_glibc
def test_heap_stats_see_a_large_allocation_held_and_freed() -> None:
    libc = _libc()
    memory.limit_arenas(2)  # accepted, and harmless for the rest of the test process
    before = memory.heap_stats()
    assert before is not None
    # Many small blocks (below the mmap threshold) come from the heap, not their own mmaps.
    blocks = [libc.malloc(64 * 1024) for _ in range(160)]  # 10 MB
    during = memory.heap_stats()
    assert during is not None
    assert during.in_use_mb - before.in_use_mb >= 9.0
    for block in blocks:
        libc.free(block)
    after = memory.heap_stats()
    assert after is not None
    assert after.in_use_mb <= during.in_use_mb - 9.0
    assert memory.available()
    memory.trim()  # returns the freed pages; the heap may still hold a little
    trimmed = memory.heap_stats()
    assert trimmed is not None and trimmed.heap_mb <= after.heap_mb


@needs_glibc
def test_trim_releases_freed_heap_pages() -> None:
    libc = _libc()
    blocks = [libc.malloc(100 * 1024) for _ in range(200)]  # 20 MB in the heap
    for block in blocks:
        ctypes.memset(block, 1, 100 * 1024)  # touched: resident
    for block in blocks[:-1]:  # the last one pins the top: only trim can give the rest back
        libc.free(block)
    assert memory.trim() is True
    libc.free(blocks[-1])


@needs_glibc
def test_limit_arenas_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        memory.limit_arenas(0)
    with pytest.raises(ValueError, match="positive"):
        memory.fix_mmap_threshold(0)


PROBE = """
import ctypes, sys
from daemon.runtime import memory
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
libc.free(libc.malloc(8 << 20))  # a freed 8 MiB mapping raises glibc's dynamic threshold
if sys.argv[1] == "fix":
    assert memory.fix_mmap_threshold(1 << 20)
before = memory.heap_stats().mmapped_mb
block = libc.malloc(2 << 20)
print(memory.heap_stats().mmapped_mb - before)
"""


def _mapped_mb(mode: str) -> float:
    done = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True,
                          check=True, cwd=Path(__file__).resolve().parents[2])
    return float(done.stdout.strip())


@needs_glibc
def test_a_fixed_mmap_threshold_maps_large_blocks_apart() -> None:
    assert _mapped_mb("default") < 1.0  # glibc's raised threshold: from the heap
    assert _mapped_mb("fix") >= 1.9  # fixed at 1 MiB: a mapping of its own


def test_everything_is_a_no_op_off_glibc(no_glibc: None) -> None:
    assert memory.available() is False
    assert memory.limit_arenas(2) is False
    assert memory.fix_mmap_threshold(1 << 20) is False
    assert memory.trim() is False
    assert memory.heap_stats() is None


def test_the_daemon_limits_arenas_unless_the_environment_chose(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(memory, "limit_arenas", lambda n: calls.append(n) is None)
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert memory.limit_arenas_for_daemon() is True
    assert calls == [memory.ARENAS]
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")  # glibc already applied the operator's value
    assert memory.limit_arenas_for_daemon() is False
    assert calls == [memory.ARENAS]
