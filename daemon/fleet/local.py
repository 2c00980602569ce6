"""The engine on this machine: N spawned worker processes (one for ``--workers 1`` too, so
every worker of every engine starts from the same environment: `worker.pin_threads`).

Each worker loads the models once, then takes inputs from a shared queue until it is empty, so a
fast worker takes more files. A worker that dies (killed, out of memory) fails the file it was
on with a ``worker_died`` row and is replaced. Workers ignore SIGINT: Ctrl-C reaches the whole
process group, and it is the parent that decides to stop them (`ProcessEngine.close`).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing as mp
import os
import queue
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.context import SpawnProcess
from pathlib import Path
from typing import Any, Protocol

from daemon.config import CabinConfig
from daemon.errors import CabinError
from daemon.fleet.inputs import FleetInput
from daemon.fleet.worker import (
    DIED_CODE,
    FileOutcome,
    Replayer,
    WorkerLoadError,
    failed,
    isolated_dbus,
    stop_private_buses,
)
from daemon.runtime import memory

_LOG = logging.getLogger(__name__)
POLL_S = 0.5
"""How often the parent checks that its workers are alive while it waits, s."""
MAX_RESPAWNS_PER_WORKER = 3
"""Workers dying more often than this per worker stop the run (something is badly wrong)."""
STUCK_BASE_S = 120.0
"""A worker still on one file after `STUCK_BASE_S` + `STUCK_PER_AUDIO_S` x its length is
stopped and the file fails (``worker_stuck``), s: a replay runs faster than real time, so
only a hang gets there (one was seen: a deadlock inside GLib, see `free_closed_connections`)."""
STUCK_PER_AUDIO_S = 10.0
"""See `STUCK_BASE_S`; seconds allowed per second of audio (length from the file's size)."""
_WAV_BYTES_PER_S = 32000
"""16 kHz, 16-bit, mono: bytes per second of a recording in the format Cabin replays."""
STUCK_CODE = "worker_stuck"
"""``error`` code of a file its worker took too long over (`stuck_after_s`)."""


def stuck_after_s(wav: Path) -> float:
    """How long a worker may spend on `wav` before it counts as stuck, s (16 kHz 16-bit mono
    assumed from the size: a longer limit for other formats, never a shorter one)."""
    try:
        audio_s = wav.stat().st_size / _WAV_BYTES_PER_S
    except OSError:
        audio_s = 0.0
    return STUCK_BASE_S + STUCK_PER_AUDIO_S * audio_s


class Engine(Protocol):
    """Replays inputs on some workers; outcomes come back as they finish (any order)."""

    workers: int

    def run(self, items: Sequence[FleetInput]) -> Iterator[FileOutcome]:
        """Replay `items`, yielding one outcome per item.

        Raises:
            CabinError: the workers could not load their models.
        """
        ...

    def close(self) -> None:
        """Stop every worker now (files under way are dropped); idempotent."""
        ...


@dataclass(frozen=True)
class _Msg:
    """A worker's report to the parent: ``loaded``, ``start`` (key), ``done`` (outcome) or
    ``fatal`` (error: code, message, fix)."""

    kind: str
    worker: int
    key: str = ""
    outcome: FileOutcome | None = None
    error: tuple[str, str, str] | None = None


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    """Stop at once and quietly: the parent drops the file under way anyway, and unwinding
    from wherever the signal lands (inside asyncio, a native call, a cleanup) printed
    tracebacks. The private bus is the one thing to stop (`stop_private_buses`)."""
    stop_private_buses()
    os._exit(128 + signum)


def _serve(worker: int, config: CabinConfig, debug: bool, tasks: Any, results: Any) -> None:
    """A worker process: load the models, then replay what the queue hands out until None."""
    memory.limit_arenas_for_daemon()  # as `cabin` does, before any thread
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides (module docstring)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)  # the private bus stops, no traceback
    from daemon.runtime.logsetup import setup_logging

    setup_logging(config.logging.level, debug)
    with isolated_dbus(config) as own:
        replayer = Replayer(own, debug=debug)
        try:
            replayer.load()
        except WorkerLoadError as exc:
            results.put(_Msg("fatal", worker, error=(exc.code, exc.message, exc.fix)))
            return
        gc.collect()
        gc.freeze()  # the models' objects: each file's collection (`open_vehicle`) skips them
        results.put(_Msg("loaded", worker))
        while (item := tasks.get()) is not None:
            results.put(_Msg("start", worker, key=item.key))
            results.put(_Msg("done", worker, key=item.key, outcome=replayer.replay(item)))


class ProcessEngine:
    """N worker processes (spawned: nothing inherited but the arguments)."""

    def __init__(self, config: CabinConfig, workers: int, *, debug: bool = False,
                 serve: Callable[[int, CabinConfig, bool, Any, Any], None] | None = None,
                 stuck_after: Callable[[Path], float] = stuck_after_s) -> None:
        """`serve`: a worker's main function (default `_serve`; tests pass a scripted one, a
        module-level function: it is pickled by name); `stuck_after`: `stuck_after_s`."""
        self.workers = workers
        self._serve = serve if serve is not None else _serve
        self._stuck_after = stuck_after
        self._config = config
        self._debug = debug
        self._ctx = mp.get_context("spawn")
        self._tasks: Any = self._ctx.Queue()
        self._results: Any = self._ctx.Queue()
        self._procs: dict[int, SpawnProcess] = {}
        self._next_id = 0
        self._respawns = 0

    def _spawn(self) -> None:
        wid, self._next_id = self._next_id, self._next_id + 1
        proc = self._ctx.Process(target=self._serve, name=f"cabin-fleet-{wid}", daemon=True,
                                 args=(wid, self._config, self._debug, self._tasks,
                                       self._results))
        proc.start()
        self._procs[wid] = proc

    def run(self, items: Sequence[FleetInput]) -> Iterator[FileOutcome]:
        """Replay `items` on the worker processes."""
        for item in items:
            self._tasks.put(item)
        for _ in range(self.workers):
            self._tasks.put(None)
        while len(self._procs) < self.workers:
            self._spawn()
        limits = {item.key: self._stuck_after(item.wav) for item in items}
        pending = set(limits)
        on: dict[int, str] = {}  # worker -> key it is replaying
        since: dict[int, float] = {}  # worker -> when it started that key (monotonic s)
        while pending:
            yield from self._unstick(on, since, limits, pending)
            try:
                msg: _Msg = self._results.get(timeout=POLL_S)
            except queue.Empty:
                yield from self._reap(on, pending)
                continue
            if msg.kind == "fatal" and msg.error is not None:
                code, message, fix = msg.error
                raise CabinError(message, fix=fix, code=code)
            if msg.kind == "start":
                on[msg.worker] = msg.key
                since[msg.worker] = time.monotonic()
            elif msg.kind == "done" and msg.outcome is not None:
                on.pop(msg.worker, None)
                if msg.key in pending:  # not already failed as stuck
                    pending.discard(msg.key)
                    yield msg.outcome

    def _unstick(self, on: dict[int, str], since: dict[int, float], limits: dict[str, float],
                 pending: set[str]) -> Iterator[FileOutcome]:
        """Stop the workers stuck on a file (`stuck_after_s`), fail the file, replace them."""
        now = time.monotonic()
        for wid, key in list(on.items()):
            waited = now - since[wid]
            if waited <= limits.get(key, STUCK_BASE_S) or wid not in self._procs:
                continue
            proc = self._procs.pop(wid)
            del on[wid]
            _LOG.error("worker %d stuck on %s for %.0f s: stopped", wid, key, waited)
            proc.kill()
            proc.join(10)
            self._spawn()
            pending.discard(key)
            yield failed(key, STUCK_CODE, f"the worker was still replaying this file after "
                         f"{waited:.0f} s (limit {limits.get(key, STUCK_BASE_S):.0f} s): "
                         "stopped; replay it alone to see where it hangs")

    def _reap(self, on: dict[int, str], pending: set[str]) -> Iterator[FileOutcome]:
        """Fail the files of workers that died, and start replacements."""
        for wid, proc in list(self._procs.items()):
            if proc.is_alive():
                continue
            del self._procs[wid]
            key = on.pop(wid, None)
            if key is None and proc.exitcode == 0:
                continue  # ran out of work
            _LOG.error("worker %d ended with exit code %s%s", wid, proc.exitcode,
                       f" while replaying {key}" if key else "")
            self._respawns += 1
            if self._respawns > MAX_RESPAWNS_PER_WORKER * self.workers:
                raise CabinError(f"fleet workers died {self._respawns} times",
                                 code="worker_died", fix="see the log above (memory?)")
            self._spawn()
            if key is not None and key in pending:
                pending.discard(key)
                yield failed(key, DIED_CODE, f"the worker process ended (exit code "
                             f"{proc.exitcode}) while replaying this file")
        if not self._procs:  # every worker ran out of work, yet some files never came back
            for key in sorted(pending):
                yield failed(key, DIED_CODE, "no worker replayed this file")
            pending.clear()

    def close(self) -> None:
        """Terminate the workers and wait for them."""
        for proc in self._procs.values():
            if proc.is_alive():
                proc.terminate()
        for proc in self._procs.values():
            proc.join(10)
            if proc.is_alive():
                proc.kill()
                proc.join()
        self._procs.clear()
        for q in (self._tasks, self._results):
            q.cancel_join_thread()
            q.close()
