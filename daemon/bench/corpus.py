"""The bench corpus and its replays: commands (streaming and sequential), barge-in, idle noise.

Every file is replayed through the real pipeline with the simulated car (daemon/runtime/replay.py),
each
on a fresh virtual CAN channel, with models loaded once. CPU time is the process's (every
thread: onnxruntime, CTranslate2, Piper), from `getrusage`, around each replay.
"""

from __future__ import annotations

import asyncio
import json
import resource
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from daemon.audio.wavio import read_wav, write_wav
from daemon.config import CabinConfig
from daemon.conversation.decide import Agent
from daemon.reports.metrics import TurnMetrics, turn_metrics
from daemon.runtime.replay import replay
from daemon.stages import Stages

Tick = Callable[[], None]
"""Called once per replayed file (the progress bar)."""


@dataclass(frozen=True)
class CommandFile:
    """One file of the built command set.

    Attributes:
        path: the WAV.
        start_s: where the spoken command starts in it, s.
        end_s: where it ends, s.
    """

    path: Path
    start_s: float
    end_s: float


@dataclass(frozen=True)
class BargeFile:
    """One double-talk file: a question, its reply, and real speech over the reply.

    Attributes:
        path: the WAV.
        onset_s: ground-truth onset of the interrupting speech (measured on the clean clip), s.
    """

    path: Path
    onset_s: float


def _manifest(directory: Path) -> list[dict[str, object]]:
    path = directory / "manifest.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def command_files(directory: Path, snr: str, limit: int | None) -> list[CommandFile]:
    """The command set's files at `snr` dB (``clean`` for no noise), at most `limit`."""
    prefix = f"{snr}/" if snr == "clean" else f"snr{snr}/"
    rows = [r for r in _manifest(directory) if str(r["path"]).startswith(prefix)]
    return [CommandFile(directory / str(r["path"]), float(str(r["command_start_s"])),
                        float(str(r["command_end_s"]))) for r in rows[:limit]]


def barge_files(directory: Path, limit: int | None) -> list[BargeFile]:
    """The double-talk set's files, at most `limit`."""
    return [BargeFile(directory / str(r["path"]), float(str(r["onset_s"])))
            for r in _manifest(directory)[:limit]]


def sequential_config(config: CabinConfig) -> CabinConfig:
    """The baseline: every stage waits for the previous one, silence-only endpointing at 0.7 s
    (as Home Assistant does); the pipeline implements the rest of ``sequential``."""
    endpoint = config.endpoint.model_copy(update={"semantic": False, "silence_s": 0.7})
    return config.model_copy(update={"sequential": True, "endpoint": endpoint})


def _on_channel(config: CabinConfig) -> CabinConfig:
    """`config` on a fresh virtual CAN channel (each replay gets its own simulated car)."""
    can = config.vehicle.can.model_copy(update={"channel": f"cabin-bench-{uuid.uuid4()}"})
    return config.model_copy(update={"vehicle": config.vehicle.model_copy(update={"can": can})})


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class PassResult:
    """What one mode's replays gave.

    Attributes:
        name: ``streaming``, ``sequential``, ``barge_in`` or ``idle``.
        turns: every turn's metrics.
        replies: every reply text (for timing the voice).
        rows: every event row of every file, in order.
        audio_s: input audio replayed, s.
        cpu_s: process CPU time spent in those replays, s.
        wall_s: wall time spent in them, s.
    """

    name: str
    turns: list[TurnMetrics] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    rows: list[dict[str, object]] = field(default_factory=list)
    audio_s: float = 0.0
    cpu_s: float = 0.0
    wall_s: float = 0.0

    @property
    def cpu_per_audio_s(self) -> float:
        """CPU seconds per second of input audio (x 100 = % of one core at 1x)."""
        return self.cpu_s / self.audio_s if self.audio_s > 0.0 else 0.0

    def replay(self, config: CabinConfig, wav: Path, stages: Stages,
               agent: Agent | None) -> list[dict[str, object]]:
        """Replay `wav` in this mode; adds its metrics, CPU and audio time; returns its rows."""
        cpu0, wall0 = _cpu_s(), time.perf_counter()
        result = asyncio.run(replay(_on_channel(config), wav, stages=stages, agent=agent))
        self.cpu_s += _cpu_s() - cpu0
        self.wall_s += time.perf_counter() - wall0
        self.audio_s += result.audio_seconds
        rows = [e.to_dict() for e in result.events]
        self.rows.extend(rows)
        self.turns.extend(turn_metrics(rows))
        self.replies.extend(str(r["text"]) for r in rows if r["type"] == "reply")
        return rows


def with_word_end(turns: list[TurnMetrics], rows: list[dict[str, object]], end_s: float
                  ) -> list[TurnMetrics]:
    """`turns` of one command file, turn 1's voice-to-voice also counted from the command's
    ground-truth end (`end_s`, s) rather than the VAD's last speech frame: the event log only
    knows the VAD's estimate, which comes ~0.1 s after the last word (Silero's probability
    decays), so the log's figure is what the system saw and this one is what the driver
    waits."""
    ends = [r for r in rows if r["type"] == "speech_end" and r["turn"] == 1]
    last = ends[0].get("last_speech_ms") if ends else None
    if not isinstance(last, int | float):
        return turns
    lag = float(last) - end_s * 1000.0
    out = []
    for t in turns:
        values = dict(t.values)
        if t.turn == 1 and "voice_to_voice_ms" in values:
            values["word_end_voice_to_voice_ms"] = values["voice_to_voice_ms"] + lag
            for kind in ("fast_path", "llm"):
                if f"{kind}_voice_to_voice_ms" in values:
                    values[f"{kind}_word_end_voice_to_voice_ms"] = \
                        values[f"{kind}_voice_to_voice_ms"] + lag
        out.append(TurnMetrics(t.turn, values))
    return out


def run_commands(config: CabinConfig, stages: Stages, agent: Agent | None,
                 files: list[CommandFile], tick: Tick, *,
                 sequential: bool) -> tuple[PassResult, PassResult | None]:
    """Replay every command file streaming, and (interleaved, file by file, so both modes see
    the same machine load) sequential when asked."""
    streaming = PassResult("streaming")
    baseline = PassResult("sequential") if sequential else None
    seq_config = sequential_config(config)
    for f in files:
        for mode, mode_config in ((streaming, config), (baseline, seq_config)):
            if mode is None:
                continue
            before = len(mode.turns)
            rows = mode.replay(mode_config, f.path, stages, agent)
            mode.turns[before:] = with_word_end(mode.turns[before:], rows, f.end_s)
            tick()
    return streaming, baseline


def barge_in_stops(rows: list[dict[str, object]], onset_s: float) -> float | None:
    """Playback stop after the ground-truth onset, ms: the first VAD interruption of turn 1."""
    cut = [r for r in rows if r["type"] == "interrupted" and r["turn"] == 1]
    if not cut:
        return None
    t_ms = cut[0]["t_ms"]
    return float(t_ms) - onset_s * 1000.0 if isinstance(t_ms, int | float) else None


def run_barge_in(config: CabinConfig, stages: Stages, agent: Agent | None,
                 files: list[BargeFile], tick: Tick) -> tuple[PassResult, list[float], int]:
    """Replay the double-talk files; returns the pass, the stop times (ms) and the misses."""
    result = PassResult("barge_in")
    stops: list[float] = []
    for f in files:
        stop = barge_in_stops(result.replay(config, f.path, stages, agent), f.onset_s)
        if stop is not None:
            stops.append(stop)
        tick()
    return result, stops, len(files) - len(stops)


def idle_noise(noise: Path, seconds: float, out: Path) -> Path:
    """Write `seconds` of the car-noise recording (looped, 16 kHz) to `out`."""
    audio = read_wav(noise, resample_to=16000)
    n = int(seconds * 16000)
    reps = -(-n // len(audio.samples))
    write_wav(out, np.tile(audio.samples, reps)[:n], 16000)
    return out


def run_idle(config: CabinConfig, stages: Stages, agent: Agent | None,
             wav: Path) -> tuple[PassResult, int]:
    """Replay car noise with no wake word: what listening costs; returns (pass, wake count)."""
    result = PassResult("idle")
    rows = result.replay(config, wav, stages, agent)
    return result, sum(1 for r in rows if r["type"] == "wake")
