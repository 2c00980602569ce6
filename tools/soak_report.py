"""The soak's figures (sampling this process), its verdict and its reports (tools/soak.py
runs it).

`judge` turns the samples of a run into `Check` results: RSS growth from the warm-up sample to
the end within a margin, asyncio tasks back to baseline after every replay, descriptors and
threads not above their warm-up values, no drops on a blocking channel, no replay crashed.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import gc
import json
import logging
import os
import resource
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from daemon.runtime.memory import heap_stats


@dataclass(frozen=True)
class Sample:
    """The process after `files` replays (`audio_s` seconds of audio, `wall_s` s of time).

    Taken after a full garbage collection (`gc_freed` objects freed by it; `fds_before_gc`
    descriptors open before it): what is still there is held, not merely not yet collected.
    """

    files: int
    audio_s: float
    wall_s: float
    cpu_s: float
    rss_mb: float
    tasks: int
    fds: int
    os_threads: int
    py_threads: int
    gc_objects: int
    channel_drops: int
    reference_drops: int
    turns: int
    tool_calls: int
    error_events: int
    logged_errors: int
    fds_before_gc: int = 0
    gc_freed: int = 0
    fd_kinds: dict[str, int] = field(default_factory=dict)
    pool_threads: int = 0
    """Threads of asyncio's default executor (``asyncio.to_thread``): they are created on
    demand up to the pool's bound and never exit, so they are bounded, not judged flat."""
    thread_kinds: dict[str, int] = field(default_factory=dict)
    heap_in_use_mb: float = 0.0
    """glibc malloc: allocated by the program (``mallinfo2``; 0 off glibc)."""
    heap_free_mb: float = 0.0
    """glibc malloc: freed but still held in its arenas (fragmentation or reuse)."""


@dataclass(frozen=True)
class Check:
    """One invariant of the verdict."""

    name: str
    passed: bool
    detail: str


@dataclass
class Totals:
    """Counters over the whole run."""

    files: int = 0
    audio_s: float = 0.0
    turns: int = 0
    tool_calls: int = 0
    llm_answers: int = 0
    error_events: int = 0
    channel_drops: int = 0
    reference_drops: int = 0
    crashes: list[str] = field(default_factory=list)
    tasks_after_replay_max: int = 0
    error_codes: dict[str, int] = field(default_factory=dict)
    object_growth: dict[str, int] = field(default_factory=dict)
    """Python objects by type: count at the end minus count at the warm-up (largest first)."""
    trims: int = 0
    """``malloc_trim(0)`` calls after a replay (``--malloc-trim``)."""
    trim_ms_total: float = 0.0
    trim_ms_max: float = 0.0


class ErrorCounter(logging.Handler):
    """Counts log records at ERROR and above (a logged exception is a hidden failure)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _proc_status(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


def fd_kinds() -> dict[str, int]:
    """Open descriptors by kind (``socket``, ``anon_inode:[eventfd]``, ``/dev/null``...)."""
    kinds: dict[str, int] = {}
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # the listing's own descriptor is gone already
            target = os.readlink(f"/proc/self/fd/{fd}")
            kind = target.split(":[")[0] if target.startswith(("socket:", "pipe:")) else target
            kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


POOL_BOUND = min(32, (os.cpu_count() or 1) + 4)
"""The default executor's thread limit (concurrent.futures.ThreadPoolExecutor)."""


def thread_kinds() -> dict[str, int]:
    """Python threads by name, numbers stripped (``asyncio_`` for the executor's workers)."""
    kinds: dict[str, int] = {}
    for thread in threading.enumerate():
        kind = thread.name.rstrip("0123456789")
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


def take_sample(totals: Totals, started: float, errors: ErrorCounter) -> Sample:
    """The process's figures now (call inside the event loop, between replays)."""
    fds_before_gc = len(os.listdir("/proc/self/fd"))
    freed = gc.collect()
    threads = thread_kinds()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    heap = heap_stats()
    return Sample(
        files=totals.files, audio_s=round(totals.audio_s, 1),
        wall_s=round(time.perf_counter() - started, 1),
        cpu_s=round(usage.ru_utime + usage.ru_stime, 1),
        rss_mb=round(_proc_status("VmRSS") / 1024.0, 1), tasks=len(asyncio.all_tasks()),
        fds=len(os.listdir("/proc/self/fd")), os_threads=_proc_status("Threads"),
        py_threads=threading.active_count(), gc_objects=len(gc.get_objects()),
        channel_drops=totals.channel_drops, reference_drops=totals.reference_drops,
        turns=totals.turns, tool_calls=totals.tool_calls, error_events=totals.error_events,
        logged_errors=errors.count, fds_before_gc=fds_before_gc, gc_freed=freed,
        fd_kinds=fd_kinds(), pool_threads=threads.get("asyncio_", 0), thread_kinds=threads,
        heap_in_use_mb=heap.in_use_mb if heap else 0.0, heap_free_mb=heap.free_mb if heap else 0.0)


def object_types() -> collections.Counter[str]:
    """Live Python objects by type (``module.Class``), after a full collection."""
    gc.collect()
    return collections.Counter(f"{type(o).__module__}.{type(o).__qualname__}"
                               for o in gc.get_objects())


def growth(before: collections.Counter[str], after: collections.Counter[str],
           top: int = 8) -> dict[str, int]:
    """The `top` types whose count changed most between two `object_types` snapshots."""
    changed = {k: after[k] - before[k] for k in before.keys() | after.keys()
               if after[k] != before[k]}
    return dict(sorted(changed.items(), key=lambda kv: -abs(kv[1]))[:top])


def warmup_sample(samples: Sequence[Sample], fraction: float, files: int = 0) -> Sample:
    """The first sample at or after `fraction` of the run's audio AND `files` replays (one
    pass over the corpus: until every file has been met once, growth is first use, such as
    buffers sized for the longest utterance so far, not retention). The last sample when the
    run is shorter."""
    total = samples[-1].audio_s
    return next((s for s in samples if s.audio_s >= fraction * total and s.files >= files),
                samples[-1])


def rss_slope_mb_per_h(samples: Sequence[Sample]) -> float:
    """Least-squares RSS trend over `samples`, MB per hour of audio."""
    if len(samples) < 2:
        return 0.0
    x = np.array([s.audio_s / 3600.0 for s in samples])
    y = np.array([s.rss_mb for s in samples])
    return float(np.polyfit(x, y, 1)[0]) if np.ptp(x) > 0 else 0.0


def judge(totals: Totals, samples: Sequence[Sample], *, rss_margin: float,
          warmup_fraction: float, realtime: bool, warmup_files: int = 0) -> list[Check]:
    """The soak's invariants (see the module docstring); the warm-up ends at
    `warmup_sample(samples, warmup_fraction, warmup_files)`."""
    base, end = warmup_sample(samples, warmup_fraction, warmup_files), samples[-1]
    growth = (end.rss_mb - base.rss_mb) / base.rss_mb
    early = warmup_sample(samples, warmup_fraction)
    early_growth = (end.rss_mb - early.rss_mb) / early.rss_mb
    after = [s for s in samples if s.audio_s >= base.audio_s]
    warm = [s for s in samples if s.audio_s <= base.audio_s]
    tail = list(after[-max(1, len(after) // 4):])
    # Descriptors and threads may still appear during the warm-up (the GDBus worker, the
    # to_thread pool growing to its bound), and GLib's idle worker threads come and go; a leak
    # lifts even the LOWEST value of the last quarter of the run above the warm-up's highest.
    fds_limit = max(s.fds for s in warm)
    own = [(s.os_threads - s.pool_threads, s.py_threads - s.pool_threads) for s in samples]
    warm_own = own[:len(warm)]
    tail_own = own[-len(tail):]
    os_limit, py_limit = max(o for o, _ in warm_own), max(p for _, p in warm_own)
    grown = {k: f"{base.fd_kinds.get(k, 0)}->{n}" for k, n in end.fd_kinds.items()
             if n > base.fd_kinds.get(k, 0)}
    return [
        Check("rss_flat", growth <= rss_margin,
              f"{base.rss_mb:.1f} MB at {base.audio_s / 60:.1f} min of audio -> "
              f"{end.rss_mb:.1f} MB at the end ({100 * growth:+.2f} %, limit "
              f"{100 * rss_margin:.0f} %); max {max(s.rss_mb for s in after):.1f} MB; trend "
              f"{rss_slope_mb_per_h(after):+.2f} MB per hour of audio; from "
              f"{100 * warmup_fraction:.0f} % of the run alone ({early.rss_mb:.1f} MB at "
              f"{early.audio_s / 60:.1f} min): {100 * early_growth:+.2f} %"),
        Check("tasks_back_to_baseline", totals.tasks_after_replay_max == 0
              and all(s.tasks == samples[0].tasks for s in samples),
              f"{samples[0].tasks} task(s) before the first replay; at most "
              f"{totals.tasks_after_replay_max} more after any of {totals.files} replays"),
        Check("fds_flat", min(s.fds for s in tail) <= fds_limit,
              f"{base.fds} at warm-up -> {end.fds} at the end (warm-up max {fds_limit}; last "
              f"quarter {min(s.fds for s in tail)}-{max(s.fds for s in tail)}; first "
              f"{samples[0].fds})" + (f"; grown: {grown}" if grown else "")),
        Check("threads_flat", min(o for o, _ in tail_own) <= os_limit
              and min(p for _, p in tail_own) <= py_limit
              and max(s.pool_threads for s in samples) <= POOL_BOUND,
              f"besides the executor's: OS threads {own[samples.index(base)][0]} at warm-up -> "
              f"{own[-1][0]} at the end (warm-up max {os_limit}; last quarter "
              f"{min(o for o, _ in tail_own)}-{max(o for o, _ in tail_own)}), Python threads "
              f"{own[samples.index(base)][1]} -> {own[-1][1]} (warm-up max {py_limit}); "
              f"executor threads {base.pool_threads} -> {end.pool_threads} (max "
              f"{max(s.pool_threads for s in samples)}, bound {POOL_BOUND}); at the end: "
              f"{end.thread_kinds}"),
        Check("no_channel_drops", realtime or totals.channel_drops == 0,
              f"{totals.channel_drops} audio chunks dropped "
              f"({'drop-oldest channel, drops allowed' if realtime else 'blocking channel'}); "
              f"{totals.reference_drops} echo-reference samples dropped"),
        Check("no_crash", not totals.crashes,
              f"{len(totals.crashes)} replays failed" + (
                  f": {totals.crashes[:3]}" if totals.crashes else "")),
    ]


def write_json(path: Path, run: Mapping[str, object], totals: Totals,
               samples: Sequence[Sample], checks: Sequence[Check] = ()) -> None:
    """The whole run as JSON (rewritten at every sample); `run` describes what was asked."""
    body = {
        **run,
        "totals": asdict(totals), "samples": [asdict(s) for s in samples],
        "checks": [asdict(c) for c in checks],
        "passed": bool(checks) and all(c.passed for c in checks),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)


def markdown(kinds: Mapping[str, int], totals: Totals, samples: Sequence[Sample],
             checks: Sequence[Check]) -> str:
    """The report: verdict, throughput, corpus (files per kind), a thinned table of samples."""
    end = samples[-1]
    verdict = "PASSED" if all(c.passed for c in checks) else "FAILED"
    codes = ", ".join(f"{k} x{n}" for k, n in sorted(totals.error_codes.items())) or "none"
    lines = [
        f"**{verdict}**: {end.audio_s / 3600:.2f} h of audio in {end.wall_s / 60:.1f} min "
        f"({end.audio_s / max(end.wall_s, 1e-9):.1f}x real time, "
        f"{end.cpu_s / max(end.audio_s, 1e-9):.3f} CPU s per audio s), {end.files} replays, "
        f"{end.turns} wake-word turns, {end.tool_calls} tool calls, {totals.llm_answers} "
        "language-model answers.",
        "",
        f"Corpus ({sum(kinds.values())} files, rotated): "
        + ", ".join(f"{k} {n}" for k, n in kinds.items()) + ".",
        f"Error events: {end.error_events} ({codes}); errors logged: {end.logged_errors}.",
        "Python objects gained from the warm-up to the end, by type: "
        + (", ".join(f"{k} {n:+d}" for k, n in totals.object_growth.items()) or "none") + ".",
        "", "| check | result | figures |", "|---|---|---|",
        *(f"| {c.name} | {'pass' if c.passed else '**FAIL**'} | {c.detail} |" for c in checks),
        "", "| files | audio min | wall min | RSS MB | heap in use / free MB | tasks | fds | "
        "OS threads | Python threads | gc objects | turns | drops |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    step = max(1, len(samples) // 24)
    for s in [*samples[::step], *([end] if (len(samples) - 1) % step else [])]:
        lines.append(f"| {s.files} | {s.audio_s / 60:.1f} | {s.wall_s / 60:.1f} | "
                     f"{s.rss_mb:.1f} | {s.heap_in_use_mb:.0f} / {s.heap_free_mb:.0f} | "
                     f"{s.tasks} | {s.fds} | {s.os_threads} | "
                     f"{s.py_threads} | {s.gc_objects} | {s.turns} | {s.channel_drops} |")
    return "\n".join(lines) + "\n"
