"""Real-time factors of each stage, timed alone on the corpus audio (off the pipeline).

Each stage object from `daemon.stages.load_stages` is called directly on 20 ms chunks of the
command files, as the listener calls it: the front end, Silero VAD and openWakeWord on the
whole file; the recogniser on the spoken command (its stream fed chunk by chunk, then
finished); Piper on the reply sentences the replays said. RTF = processing time / audio time
(wall clock, and process CPU time: every thread of the process).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from daemon.audio.wavio import read_wav
from daemon.bench.corpus import CommandFile, Tick
from daemon.speaking.speech import split_for_speech
from daemon.stages import Stages

T = TypeVar("T")
CHUNK = 320
"""The pipeline's chunk: 20 ms at 16 kHz."""
RATE_HZ = 16000
ASR_PAD_S = (0.2, 0.3)
"""Audio kept before and after the command for the recogniser, s (the endpointer's view)."""


@dataclass(frozen=True)
class StageTime:
    """One stage's cost over the corpus.

    Attributes:
        stage: ``frontend``, ``vad``, ``wake``, ``asr`` or ``tts``.
        audio_s: audio processed (TTS: audio produced), s.
        wall_s: wall time, s.
        cpu_s: process CPU time, s.
    """

    stage: str
    audio_s: float
    wall_s: float
    cpu_s: float

    @property
    def rtf(self) -> float:
        """Wall time per audio second (< 1: faster than real time)."""
        return self.wall_s / self.audio_s if self.audio_s > 0.0 else 0.0

    @property
    def cpu_rtf(self) -> float:
        """CPU seconds per audio second (x 100 = % of one core)."""
        return self.cpu_s / self.audio_s if self.audio_s > 0.0 else 0.0


class _Clock:
    """Accumulates audio, wall and CPU time per stage."""

    def __init__(self) -> None:
        self.totals: dict[str, list[float]] = {}

    def run(self, stage: str, work: Callable[[], T], audio_s: Callable[[T], float]) -> T:
        """Run `work`, charging its time to `stage` with `audio_s(result)` seconds of audio."""
        wall0, cpu0 = time.perf_counter(), time.process_time()
        result = work()
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        total = self.totals.setdefault(stage, [0.0, 0.0, 0.0])
        total[0] += audio_s(result)
        total[1] += wall
        total[2] += cpu
        return result

    def results(self) -> list[StageTime]:
        return [StageTime(k, a, w, c) for k, (a, w, c) in self.totals.items()]


def _chunks(samples: npt.NDArray[np.int16]) -> list[npt.NDArray[np.int16]]:
    return [samples[i:i + CHUNK] for i in range(0, len(samples), CHUNK)]


def _listen(stages: Stages, chunks: list[npt.NDArray[np.int16]], clock: _Clock,
            seconds: float) -> None:
    """The always-on stages, each over the whole file."""
    stages.reset()
    silence = np.zeros(CHUNK, dtype=np.int16)  # nothing playing: the echo reference is zero

    def length(_: object) -> float:
        return seconds

    clock.run("frontend", lambda: [stages.frontend.process(c, far_end=silence[:len(c)])
                                   for c in chunks], length)
    clock.run("vad", lambda: [stages.vad.process(c) for c in chunks], length)
    clock.run("wake", lambda: [stages.wake.process(c) for c in chunks], length)


def _recognise(stages: Stages, samples: npt.NDArray[np.int16], clock: _Clock) -> str:
    def work() -> str:
        stream = stages.recognizer.stream()
        for chunk in _chunks(samples):
            stream.accept(chunk)
        return stream.finish()

    return clock.run("asr", work, lambda _: len(samples) / RATE_HZ)


def _speak(stages: Stages, sentence: str, clock: _Clock) -> None:
    clock.run("tts", lambda: list(stages.tts.synthesize(sentence)),
              lambda chunks: sum(len(c.samples) / c.rate_hz for c in chunks))


def time_stages(stages: Stages, files: Iterable[CommandFile], sentences: Iterable[str],
                tick: Tick) -> list[StageTime]:
    """Time every stage alone: the listening stages and ASR on `files`, TTS on `sentences`."""
    clock = _Clock()
    for f in files:
        samples = read_wav(f.path).samples
        _listen(stages, _chunks(samples), clock, len(samples) / RATE_HZ)
        a = max(0, int((f.start_s - ASR_PAD_S[0]) * RATE_HZ))
        b = min(len(samples), int((f.end_s + ASR_PAD_S[1]) * RATE_HZ))
        _recognise(stages, samples[a:b], clock)
        tick()
    for sentence in sentences:
        _speak(stages, sentence, clock)
    stages.reset()
    return clock.results()


def reply_sentences(replies: Iterable[str], cached: Iterable[str], limit: int) -> list[str]:
    """The distinct reply sentences Piper really renders (not the pre-rendered `cached`
    phrases), in order of first use, at most `limit`."""
    skip = {s for phrase in cached if phrase for s in split_for_speech(phrase)}
    out: list[str] = []
    for reply in replies:
        for sentence in split_for_speech(reply):
            if sentence not in skip and sentence not in out:
                out.append(sentence)
    return out[:limit]
