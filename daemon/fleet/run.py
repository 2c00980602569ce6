"""A fleet run: inputs -> engine -> one atomic log per input -> summary.json and the report.

Logs are written only whole (a temp file renamed), so after Ctrl-C, SIGTERM or a crash every log
in OUT is complete; ``--resume`` skips the inputs whose log is a complete replay and replays the
rest (failed files included). Without ``--resume`` the inputs' old logs are removed first, so
OUT never mixes two runs.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from tqdm import tqdm

from daemon.config import CabinConfig
from daemon.events import read_jsonl
from daemon.fleet.inputs import (
    FleetInput,
    discover,
    log_is_complete,
    remove_stale_temps,
    write_atomic,
)
from daemon.fleet.local import Engine, ProcessEngine
from daemon.fleet.summary import FileSummary, RunInfo, summarize_file, to_json
from daemon.fleet.worker import FileOutcome, pin_threads
from daemon.reports.outputs import output_error

_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class FleetSettings:
    """How to run a fleet replay (the CLI's options).

    Attributes:
        out_dir: where the logs, summary.json and the report go (``--events-dir``).
        workers: worker processes or Ray actors; None = 1 locally, every CPU with Ray.
        engine: ``local`` or ``ray``.
        ray_address: a Ray cluster to join; None = start Ray on this machine.
        resume: keep the complete logs already in `out_dir`, replay the rest.
        progress: draw the progress bar on stderr.
        manifest: a labelled set (docs/eval.md) to score the logs against in the report.
        worst: how many of the worst files the report shows with their timelines.
    """

    out_dir: Path
    workers: int | None = None
    engine: str = "local"
    ray_address: str | None = None
    resume: bool = False
    progress: bool = True
    manifest: Path | None = None
    worst: int = 5


@dataclass(frozen=True)
class FleetResult:
    """What a fleet run did.

    Attributes:
        run: the run's figures.
        files: one summary per input, in input order.
        summary: OUT/summary.json.
        reports: OUT/report.md and OUT/report.html (empty when there was nothing to report).
        stopped_by: the signal that stopped the run (SIGINT, SIGTERM), None if it ran through.
    """

    run: RunInfo
    files: list[FileSummary]
    summary: Path
    reports: tuple[Path, ...] = ()
    stopped_by: int | None = None
    replayed: tuple[str, ...] = field(default=())


EngineFactory = Callable[[CabinConfig, FleetSettings, bool], Engine]


def make_engine(config: CabinConfig, settings: FleetSettings, debug: bool) -> Engine:
    """The engine the settings ask for; its workers all run with the same OpenMP thread count
    (`pin_threads`: this process's environment is set for the workers it spawns)."""
    threads = pin_threads()
    if settings.engine == "ray":
        from daemon.fleet.ray_engine import RayEngine

        return RayEngine(config, settings.workers, address=settings.ray_address, debug=debug,
                         threads=threads)
    return ProcessEngine(config, settings.workers or 1, debug=debug)


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[list[int]]:
    """SIGTERM raises KeyboardInterrupt as Ctrl-C does; yields [signal] once one arrived."""
    caught: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield caught
        return

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        caught.append(signum)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        yield caught
    finally:
        signal.signal(signal.SIGTERM, previous)


def _prepare(out_dir: Path, inputs: Sequence[FleetInput], resume: bool) -> list[FleetInput]:
    """Create OUT, drop temp files a killed run left; returns the inputs still to replay."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise output_error(out_dir, "--events-dir", exc) from None
    remove_stale_temps(out_dir, inputs)
    if resume:
        return [i for i in inputs if not log_is_complete(i.log_path(out_dir))]
    for item in inputs:  # a fresh run: no log of an earlier one may pass for this one's
        item.log_path(out_dir).unlink(missing_ok=True)
    return list(inputs)


def _drive(engine: Engine, todo: Sequence[FleetInput], out_dir: Path,
           bar: tqdm[Any], done: dict[str, FileOutcome]) -> None:
    """Run the engine, writing each log as its outcome arrives into `done` (by key: what is
    there when Ctrl-C interrupts is what was written)."""
    by_key = {item.key: item for item in todo}
    errors, audio_s = 0, 0.0
    started = time.perf_counter()
    for outcome in engine.run(todo):
        write_atomic(by_key[outcome.key].log_path(out_dir), outcome.log_text)
        done[outcome.key] = outcome
        errors += outcome.error is not None
        audio_s += outcome.audio_s
        bar.set_postfix(errors=errors, audio=f"{audio_s / (time.perf_counter() - started):.1f}"
                        " s/s", refresh=False)
        bar.update()


def _summaries(inputs: Sequence[FleetInput], out_dir: Path,
               done: dict[str, FileOutcome]) -> list[FileSummary]:
    files = []
    for item in inputs:
        log = item.log_path(out_dir)
        try:
            rows: list[dict[str, object]] | None = read_jsonl(log) if log.is_file() else None
        except (OSError, ValueError) as exc:
            _LOG.warning("%s: %s", log, exc)
            rows = []
        outcome = done.get(item.key)
        audio_s = outcome.audio_s if outcome is not None else _wav_seconds(item.wav)
        files.append(summarize_file(item.key, str(item.wav), rows, audio_s=audio_s,
                                    wall_s=round(outcome.wall_s, 3) if outcome else None))
    return files


def _wav_seconds(path: Path) -> float:
    """A WAV's length from its header, s (0 when it cannot be read)."""
    import wave

    try:
        with wave.open(str(path), "rb") as wav:
            return wav.getnframes() / float(wav.getframerate())
    except (OSError, EOFError, wave.Error, ZeroDivisionError):
        return 0.0


def run_fleet(config: CabinConfig, paths: Sequence[Path], settings: FleetSettings, *,
              debug: bool = False, engine_factory: EngineFactory = make_engine) -> FleetResult:
    """Replay every input of `paths` into ``settings.out_dir``; write the summary and report.

    Ctrl-C and SIGTERM stop the run cleanly: the logs written so far stay, the summary and the
    report cover them, and ``FleetResult.stopped_by`` says which signal it was.

    Raises:
        CabinError: no inputs, OUT not writable, the workers' models cannot be loaded.
    """
    started = time.perf_counter()
    out_dir = settings.out_dir
    inputs = discover(paths)
    todo = _prepare(out_dir, inputs, settings.resume)
    _LOG.info("fleet: %d inputs, %d to replay, into %s", len(inputs), len(todo), out_dir)
    bar: tqdm[Any] = tqdm(total=len(todo), desc="replay", unit="file", file=sys.stderr,
                          disable=not settings.progress or not todo)
    done: dict[str, FileOutcome] = {}
    engine: Engine | None = None
    with _sigterm_interrupts() as caught, bar:
        try:
            if todo:
                engine = engine_factory(config, settings, debug)
                _drive(engine, todo, out_dir, bar, done)
        except KeyboardInterrupt:
            if not caught:
                caught.append(signal.SIGINT)
            _LOG.warning("stopped: %d of %d files done", bar.n, len(todo))
        finally:
            if engine is not None:
                engine.close()
    files = _summaries(inputs, out_dir, done)
    run = RunInfo(engine=settings.engine, workers=engine.workers if engine else 0,
                  inputs=len(inputs), replayed=len(done), skipped=len(inputs) - len(todo),
                  errors=sum(f.status == "error" for f in files),
                  wall_s=round(time.perf_counter() - started, 3),
                  audio_s=round(sum(o.audio_s for o in done.values()), 3),
                  interrupted=bool(caught))
    summary = out_dir / "summary.json"
    write_atomic(summary, to_json(run, files))
    from daemon.fleet.report import write_report

    try:
        reports = write_report(out_dir, run, files, manifest=settings.manifest,
                               worst=settings.worst)
    except OSError as exc:
        raise output_error(out_dir / "report.md", "--events-dir", exc) from None
    return FleetResult(run, files, summary, reports, caught[0] if caught else None,
                       tuple(done))
