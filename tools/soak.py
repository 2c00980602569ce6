"""Soak: hours of replayed cabin audio through ONE set of loaded stages, sampled for leaks.

The models are loaded once (`daemon.stages.load_stages`, and the language model when enabled);
then a rotating corpus of real audio is replayed back to back through
`daemon.runtime.replay.replay(..., stages=stages, agent=agent)` on one event loop,
each file with its own simulated car (fresh virtual CAN channel; Cabin's D-Bus backend connected
to simulated car services on a private dbus-daemon started here), until the requested hours of
AUDIO have been processed. With ``--speed max`` the audio is fed as fast as the CPU allows.
The corpus, interleaved so every stretch of the run mixes all kinds:

- ``command``: the built command set (real wake words + Piper commands in car noise, 3 SNRs);
- ``demo``: the three-turn demo session; ``barge_in``: the double-talk set, when built;
- ``noise``: every real noise recording in ../shared/audio/noise (resampled to 16 kHz);
- ``speech``: every real speech recording in ../shared/audio/speech, in real car noise at 10 dB.

Every ``--sample-every`` files it records RSS (VmRSS), asyncio tasks, open descriptors, OS and
Python threads, channel drops (`daemon.channel.Channel.dropped` of each pipeline's audio
channel), echo-reference drops, turns and errors; it counts the tasks left after EVERY replay.
Verdict (`judge`): RSS growth from the warm-up sample (after the first 10 % of the audio and
one whole pass over the corpus, whichever ends later) to the end within ``--rss-margin``, tasks
back to baseline after every replay, descriptors and threads not above their warm-up values, no
channel drops at ``--speed max`` (blocking channel), no replay crashed. Writes soak.json
(rewritten at every sample, so a stopped run leaves its figures) and soak.md. Usage:

    .venv/bin/python -m tools.soak --hours 2 --speed max [--out build/soak]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import dataclasses
import logging
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as `python tools/soak.py`
    sys.path.insert(0, str(REPO))

from daemon import events as ev  # noqa: E402 (after the sys.path fix above)
from daemon import pipeline as pipeline_module  # noqa: E402
from daemon.audio import mix  # noqa: E402
from daemon.audio.wavio import read_wav, write_wav  # noqa: E402
from daemon.config import CabinConfig, load_config  # noqa: E402
from daemon.conversation.decide import Agent  # noqa: E402
from daemon.errors import CabinError  # noqa: E402
from daemon.llm.lazy import LazyRouter  # noqa: E402
from daemon.llm.router import Router  # noqa: E402
from daemon.runtime import memory  # noqa: E402
from daemon.runtime.replay import replay  # noqa: E402
from daemon.stages import Stages, load_stages  # noqa: E402
from tools.soak_report import (  # noqa: E402
    Check,
    ErrorCounter,
    Sample,
    Totals,
    growth,
    judge,
    markdown,
    object_types,
    take_sample,
    write_json,
)
from vehicle_tools.sim.dbus_host import DbusServiceHost  # noqa: E402
from vehicle_tools.tools import default_registry  # noqa: E402

_LOG = logging.getLogger("soak")
RATE_HZ = 16000
SHARED = REPO.parent / "shared"
CAR_NOISE = "audio/noise/noisex92/volvo_car_interior_dev.wav"
SPEECH_SNR_DB = 10.0
"""SNR at which the shared speech recordings are put in car noise, dB."""


@dataclass(frozen=True)
class CorpusFile:
    """One file of the rotation: a 16 kHz mono WAV, its kind and its length (s)."""

    path: Path
    kind: str
    seconds: float


# ---------------------------------------------------------------------------- the corpus


def _prepare(src: Path, dst: Path, noise: mix.FloatArray | None, seed: int) -> Path:
    """`src` as a 16 kHz mono WAV at `dst` (speech: padded 1 s and put in car noise)."""
    if dst.is_file():
        return dst
    signal = mix.to_float(read_wav(src, resample_to=RATE_HZ).samples)
    if noise is not None:
        pad = mix.silence(1.0, RATE_HZ)
        speech = np.concatenate([pad, signal, pad])
        signal = mix.mix_at_snr(speech, noise, SPEECH_SNR_DB, np.random.default_rng(seed)).mix
    write_wav(dst, mix.to_int16(signal), RATE_HZ)
    return dst


def build_corpus(work: Path, *, shared: Path, commands: Path | None, demo: Path | None,
                 barge_in: Path | None) -> list[CorpusFile]:
    """Collect (and convert into `work`) the soak corpus; see the module docstring."""
    groups: dict[str, list[Path]] = {"command": [], "demo": [], "barge_in": [], "noise": [],
                                     "speech": []}
    if commands is not None:
        groups["command"] = sorted(commands.glob("snr*/*.wav"))
    if demo is not None and demo.is_file():
        groups["demo"] = [demo]
    if barge_in is not None:
        groups["barge_in"] = sorted(barge_in.glob("*.wav"))
    audio = shared / "audio"
    car_noise = mix.to_float(read_wav(shared / CAR_NOISE, resample_to=RATE_HZ).samples)
    for i, src in enumerate(sorted((audio / "noise").rglob("*.wav"))):
        groups["noise"].append(_prepare(src, work / "noise" / f"{i:03d}_{src.stem}.wav",
                                        None, i))
    for i, src in enumerate(sorted((audio / "speech").rglob("*.wav"))):
        groups["speech"].append(_prepare(src, work / "speech" / f"{i:03d}_{src.stem}.wav",
                                         car_noise, i))
    keyed: list[tuple[float, str, CorpusFile]] = []
    for kind, paths in groups.items():
        for i, path in enumerate(paths):  # spread each kind evenly over the rotation
            item = CorpusFile(path, kind, read_wav(path).seconds)
            keyed.append(((i + 0.5) / len(paths), kind, item))
    return [item for _, _, item in sorted(keyed, key=lambda k: (k[0], k[1]))]


# ---------------------------------------------------------------------------- measuring


@contextlib.contextmanager
def watch_channels() -> Iterator[list[Any]]:
    """Every `Channel` the pipeline creates meanwhile is appended to the yielded list.

    `daemon.runtime.replay.replay` does not expose its pipeline, so the pipeline module's `Channel`
    name is wrapped for the duration; the caller reads ``dropped`` and clears the list after
    each replay (so the soak itself keeps nothing alive).
    """
    made: list[Any] = []
    namespace = vars(pipeline_module)
    original = namespace["Channel"]

    def factory(*args: Any, **kwargs: Any) -> Any:
        channel = original(*args, **kwargs)
        made.append(channel)
        return channel

    namespace["Channel"] = factory
    try:
        yield made
    finally:
        namespace["Channel"] = original


def _on_fresh_channel(config: CabinConfig) -> CabinConfig:
    """`config` on a new virtual CAN channel: each replay gets its own simulated car."""
    can = config.vehicle.can.model_copy(update={"channel": f"cabin-soak-{uuid.uuid4()}"})
    return config.model_copy(update={"vehicle": config.vehicle.model_copy(update={"can": can})})


def _count(result_events: list[ev.Event], totals: Totals) -> None:
    for event in result_events:
        if isinstance(event, ev.Wake):
            totals.turns += 1
        elif isinstance(event, ev.ToolCall):
            totals.tool_calls += 1
        elif isinstance(event, ev.Llm):
            totals.llm_answers += 1
        elif isinstance(event, ev.ErrorEvent):
            totals.error_events += 1
            totals.error_codes[event.code] = totals.error_codes.get(event.code, 0) + 1


@dataclass(frozen=True)
class SoakSettings:
    """What to run: `hours` of audio from `corpus`, a sample every `sample_every` files."""

    config: CabinConfig
    corpus: Sequence[CorpusFile]
    hours: float
    realtime: bool = False
    sample_every: int = 10
    stop: asyncio.Event | None = None
    """Set it to end the run early (SIGTERM, SIGINT): the report covers what was done."""
    out: Path | None = None
    services: DbusServiceHost | None = None
    """The simulated car services, whose call recorder is emptied after every replay."""
    agent: Agent | None = None
    """The language model, shared by every replay (`soak_main` loads one when the config
    enables it and none is given)."""
    rss_margin: float = 0.05
    warmup_fraction: float = 0.1
    malloc_trim: bool = False
    """Return the C heap's free pages to the kernel after every replay (daemon/runtime/memory.py),
    as the daemon does at the end of a turn."""


def corpus_kinds(corpus: Sequence[CorpusFile]) -> dict[str, dict[str, float]]:
    """Files and seconds of audio per kind."""
    kinds: dict[str, dict[str, float]] = {}
    for item in corpus:
        entry = kinds.setdefault(item.kind, {"files": 0, "seconds": 0.0})
        entry["files"] += 1
        entry["seconds"] = round(entry["seconds"] + item.seconds, 1)
    return kinds


def describe(settings: SoakSettings) -> dict[str, object]:
    """What the run was asked to do, for the JSON report."""
    return {"hours_requested": settings.hours, "realtime": settings.realtime,
            "malloc_trim": settings.malloc_trim,
            "sample_every": settings.sample_every, "corpus": corpus_kinds(settings.corpus)}


async def run_soak(settings: SoakSettings, stages: Stages) -> tuple[Totals, list[Sample]]:
    """Replay the corpus in rotation until `settings.hours` of audio are done."""
    errors = ErrorCounter()
    logging.getLogger().addHandler(errors)
    totals, samples = Totals(), []
    started = time.perf_counter()
    target_s = settings.hours * 3600.0
    samples.append(take_sample(totals, started, errors))
    baseline_tasks = samples[0].tasks
    warm_types: collections.Counter[str] | None = None
    try:
        with watch_channels() as channels:
            while totals.audio_s < target_s and not (settings.stop and settings.stop.is_set()):
                item = settings.corpus[totals.files % len(settings.corpus)]
                try:
                    result = await replay(_on_fresh_channel(settings.config), item.path,
                                          stages=stages, realtime=settings.realtime,
                                          agent=settings.agent)
                    _count(result.events, totals)
                except CabinError as exc:
                    totals.crashes.append(f"{item.path.name}: {exc.code}: {exc.message}")
                except Exception as exc:  # a crash fails the soak; keep going to see the rest
                    _LOG.exception("replay of %s crashed", item.path)
                    totals.crashes.append(f"{item.path.name}: {type(exc).__name__}: {exc}")
                if settings.services is not None:
                    settings.services.recorder.take()  # a test aid: it keeps every call
                totals.channel_drops += sum(c.dropped for c in channels)
                channels.clear()
                totals.reference_drops += stages.frontend.dropped_reference_samples
                totals.files += 1
                totals.audio_s += item.seconds
                if settings.malloc_trim:
                    _trim(totals)
                if warm_types is None and totals.files >= len(settings.corpus) \
                        and totals.audio_s >= settings.warmup_fraction * target_s:
                    warm_types = object_types()
                totals.tasks_after_replay_max = max(totals.tasks_after_replay_max,
                                                    len(asyncio.all_tasks()) - baseline_tasks)
                stopping = settings.stop is not None and settings.stop.is_set()
                if totals.files % settings.sample_every == 0 or totals.audio_s >= target_s \
                        or stopping:
                    samples.append(take_sample(totals, started, errors))
                    _progress(samples[-1], target_s)
                    if settings.out is not None:
                        write_json(settings.out / "soak.json", describe(settings), totals,
                                   samples)
    finally:
        logging.getLogger().removeHandler(errors)
    if warm_types is not None:
        totals.object_growth = growth(warm_types, object_types())
    return totals, samples


def _trim(totals: Totals) -> None:
    """`daemon.runtime.memory.trim`, timed (its cost is part of the report)."""
    started = time.perf_counter()
    memory.trim()
    took = (time.perf_counter() - started) * 1000.0
    totals.trims += 1
    totals.trim_ms_total += took
    totals.trim_ms_max = max(totals.trim_ms_max, took)


def _progress(s: Sample, target_s: float) -> None:
    print(f"[{s.wall_s:7.0f} s] {s.audio_s / 3600:5.2f}/{target_s / 3600:.2f} h audio, "
          f"{s.files} files, RSS {s.rss_mb:.1f} MB, tasks {s.tasks}, fds {s.fds}, "
          f"threads {s.os_threads}, turns {s.turns}, errors {s.error_events}/{s.logged_errors}, "
          f"heap {s.heap_in_use_mb:.0f} used / {s.heap_free_mb:.0f} free MB",
          flush=True)


# ---------------------------------------------------------------------------- running it


@contextlib.contextmanager
def car_services(directory: Path) -> Iterator[tuple[str, DbusServiceHost] | None]:
    """A dbus-daemon of the soak's own with the simulated media, navigation and phone services
    published on it ONCE for the whole run, as a car's head unit would have them; each replay
    connects Cabin's D-Bus backend to it. Yields its address and the services; None without
    dbus-daemon.

    (Publishing them per replay instead measures the simulator: pydbus leaks the GLib main
    context, one eventfd, of each publication that served a call; see docs/soak.md.)
    """
    exe = shutil.which("dbus-daemon")
    if exe is None:
        yield None
        return
    directory.mkdir(parents=True, exist_ok=True)
    address = f"unix:path={directory / 'bus'}"
    proc = subprocess.Popen([exe, "--session", "--nofork", "--nopidfile", "--print-address=1",
                             f"--address={address}"], stdout=subprocess.PIPE, text=True)
    host: DbusServiceHost | None = None
    try:
        assert proc.stdout is not None
        proc.stdout.readline()  # printed once it is listening
        host = DbusServiceHost(address)
        host.start()
        yield address, host
    finally:
        if host is not None:
            host.stop()
        proc.terminate()
        proc.wait(10)
        if proc.stdout is not None:
            proc.stdout.close()


def with_dbus(config: CabinConfig, address: str | None) -> CabinConfig:
    """`config` with the vehicle's D-Bus at `address` (disabled when None); the simulated car
    publishes no services of its own (`car_services` runs them)."""
    vehicle = config.vehicle
    dbus = vehicle.dbus.model_copy(update={"enabled": address is not None, "address": address})
    sim = vehicle.sim.model_copy(update={"dbus_services": False})
    return config.model_copy(update={"vehicle": vehicle.model_copy(update={"dbus": dbus,
                                                                           "sim": sim})})


async def soak_main(settings: SoakSettings) -> tuple[Totals, list[Sample], list[Check]]:
    """Load the stages (and the language model) once, run the soak, judge it, write the
    reports (when `out` is set)."""
    stages = await asyncio.to_thread(load_stages, settings.config)
    if settings.agent is None and settings.config.llm.enabled:
        agent = LazyRouter(lambda: Router(settings.config.llm, default_registry(),
                                          settings.config.models_dir))
        await agent.load()  # now, not at the first request: its memory belongs to the baseline
        settings = dataclasses.replace(settings, agent=agent)
    totals, samples = await run_soak(settings, stages)
    checks = judge(totals, samples, rss_margin=settings.rss_margin,
                   warmup_fraction=settings.warmup_fraction, realtime=settings.realtime,
                   warmup_files=len(settings.corpus))
    if settings.out is not None:
        write_json(settings.out / "soak.json", describe(settings), totals, samples, checks)
        kinds = {k: int(v["files"]) for k, v in corpus_kinds(settings.corpus).items()}
        (settings.out / "soak.md").write_text(markdown(kinds, totals, samples, checks),
                                              encoding="utf-8")
    return totals, samples, checks


async def _until_signalled(settings: SoakSettings) -> tuple[Totals, list[Sample], list[Check]]:
    """`soak_main`, ending early (with its reports) on SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return await soak_main(dataclasses.replace(settings, stop=stop))


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options (see the module docstring)."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--hours", type=float, default=2.0, help="hours of AUDIO to replay")
    p.add_argument("--speed", choices=["max", "realtime"], default="max",
                   help="max: as fast as the CPU allows; realtime: 1x (live-like channel)")
    p.add_argument("--out", type=Path, default=REPO / "build" / "soak")
    p.add_argument("--config", type=Path, default=None)
    p.add_argument("--sample-every", type=int, default=10, help="files between samples")
    p.add_argument("--rss-margin", type=float, default=0.05, help="allowed RSS growth (0.05)")
    p.add_argument("--warmup", type=float, default=0.1,
                   help="fraction of the run ignored (at least one pass over the corpus)")
    p.add_argument("--shared", type=Path, default=SHARED)
    p.add_argument("--commands", type=Path, default=REPO / "build" / "commands")
    p.add_argument("--demo", type=Path, default=REPO / "build" / "demo" / "session.wav")
    p.add_argument("--barge-in", type=Path, default=REPO / "build" / "barge_in")
    p.add_argument("--no-dbus", action="store_true", help="no private dbus-daemon")
    p.add_argument("--no-llm", action="store_true", help="no language model (fast path only)")
    p.add_argument("--malloc-trim", action="store_true",
                   help="malloc_trim(0) after every replay (daemon/runtime/memory.py)")
    p.add_argument("--arena-max", type=int, default=0,
                   help="limit glibc malloc arenas to N at start (0: glibc's default)")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the soak; exit status 0 when every check passed, 1 otherwise."""
    args = parse_args(argv)
    if args.arena_max:
        memory.limit_arenas(args.arena_max)
    args.out.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.WARNING, filename=args.out / "soak.log", filemode="w",
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not args.demo.is_file():
        from tools.build_demo_session import main as build_demo

        build_demo(["--out", str(args.demo), "--shared", str(args.shared)])
    corpus = build_corpus(args.out / "corpus", shared=args.shared, commands=args.commands,
                          demo=args.demo, barge_in=args.barge_in)
    with car_services(args.out / "dbus") if not args.no_dbus \
            else contextlib.nullcontext(None) as services:
        address, host = services if services is not None else (None, None)
        config = with_dbus(load_config(args.config), address)
        if args.no_llm:
            config = config.model_copy(update={"llm": config.llm.model_copy(
                update={"enabled": False})})
        settings = SoakSettings(
            config, corpus, args.hours, services=host,
            realtime=args.speed == "realtime", sample_every=args.sample_every, out=args.out,
            rss_margin=args.rss_margin, warmup_fraction=args.warmup,
            malloc_trim=args.malloc_trim)
        _, _, checks = asyncio.run(_until_signalled(settings))
    for check in checks:
        print(f"{'pass' if check.passed else 'FAIL'} {check.name}: {check.detail}")
    print(f"report: {args.out / 'soak.md'}, {args.out / 'soak.json'}")
    return 0 if all(c.passed for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
