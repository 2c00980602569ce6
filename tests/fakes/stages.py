"""Scripted wake word, VAD and recogniser, a silent synthesiser, a pass-through front end and a
recording vehicle dispatcher, with the interfaces the pipeline calls (daemon/stages.py,
daemon/hearing/wake.py, daemon/hearing/vad.py, daemon/hearing/asr.py, daemon/speaking/tts.py,
daemon/conversation/decide.py).

Times are input-audio ms, counted from the samples each fake has been given, as the real
stages count them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from daemon.hearing.asr import BackendChoice
from daemon.hearing.vad import WINDOW_SAMPLES, VadFrame
from daemon.hearing.wake import BLOCK_SAMPLES, Detection
from daemon.speaking.speech import split_for_speech
from daemon.speaking.tts import SpeechChunk
from daemon.stages import Stages

RATE_HZ = 16000
SPEECH_PROBABILITY = 0.95
"""The scripted VAD's probability inside a speech span (silence: `SILENCE_PROBABILITY`)."""
SILENCE_PROBABILITY = 0.02
Int16 = npt.NDArray[np.int16]


def _ms(samples: int) -> float:
    return samples * 1000.0 / RATE_HZ


class ScriptedWakeWord:
    """A wake-word detector that fires at scripted times (`daemon.hearing.wake.WakeWordDetector`).

    Like openWakeWord it works on 80 ms blocks: a hit scripted at `t_ms` is reported at the end
    of the block holding it.

    Args:
        hits_ms: input times of the wake words, ms.
        name: the wake word's name in events.
        score: its score (0-1).
    """

    def __init__(self, hits_ms: Iterable[float], name: str = "wake-fake",
                 score: float = 0.9) -> None:
        self._script = sorted(hits_ms)
        self.name = name
        self.score = score
        self.reset()

    def reset(self) -> None:
        """Back to the start of the input."""
        self._pending = deque(self._script)
        self._samples = 0
        self._buffered = 0

    def process(self, samples: Int16) -> list[Detection]:
        """Account for `samples`; the hits whose block ended in them."""
        self._buffered += len(samples)
        fired: list[Detection] = []
        while self._buffered >= BLOCK_SAMPLES:
            self._buffered -= BLOCK_SAMPLES
            self._samples += BLOCK_SAMPLES
            end_ms = _ms(self._samples)
            if self._pending and self._pending[0] < end_ms:
                while self._pending and self._pending[0] < end_ms:
                    self._pending.popleft()
                fired.append(Detection(self.name, self.score, end_ms))
        return fired


class ScriptedVad:
    """A VAD that hears speech in scripted spans (`daemon.hearing.vad.SileroVad`): one `VadFrame`
    per
    32 ms window, speech when the window's middle lies in a span.

    Args:
        speech_ms: (start, end) input times of the driver's speech, ms.
    """

    def __init__(self, speech_ms: Iterable[tuple[float, float]]) -> None:
        self.speech_ms = sorted(speech_ms)
        self.reset()

    def reset(self) -> None:
        """Back to the start of the input."""
        self._samples = 0
        self._buffered = 0

    def is_speech(self, t_ms: float) -> bool:
        """Whether the script has the driver speaking at `t_ms`."""
        return any(start <= t_ms < end for start, end in self.speech_ms)

    def process(self, samples: Int16) -> list[VadFrame]:
        """Account for `samples`; a frame per completed 32 ms window."""
        self._buffered += len(samples)
        frames: list[VadFrame] = []
        while self._buffered >= WINDOW_SAMPLES:
            self._buffered -= WINDOW_SAMPLES
            self._samples += WINDOW_SAMPLES
            end_ms = _ms(self._samples)
            middle_ms = end_ms - _ms(WINDOW_SAMPLES) / 2
            frames.append(VadFrame(end_ms, SPEECH_PROBABILITY if self.is_speech(middle_ms)
                                   else SILENCE_PROBABILITY))
        return frames


@dataclass
class FakeStream:
    """One utterance of `FakeRecognizer`: its text is known from the start; partials grow a
    word per `ms_per_word` of audio accepted (`daemon.hearing.asr.RecognizerStream`)."""

    text: str
    ms_per_word: float = 200.0
    confidence: float | None = None
    heard_ms: float = 0.0
    finished: bool = False
    _last: str = ""

    def accept(self, samples: Int16) -> str | None:
        """Account for `samples`; the partial transcript when it grew."""
        self.heard_ms += _ms(len(samples))
        words = self.text.split()
        partial = " ".join(words[:int(self.heard_ms // self.ms_per_word)])
        if partial and partial != self._last:
            self._last = partial
            return partial
        return None

    def peek(self) -> str:
        """The whole scripted text (the fake hears it all at once)."""
        return self.text

    def finish(self) -> str:
        """The scripted text; sets `confidence`."""
        self.finished = True
        self.confidence = 0.9 if self.text else None
        return self.text

    def settle(self, text: str) -> str:
        """The kept peek, as it is (the fake has no beam)."""
        return text


@dataclass
class FakeRecognizer:
    """A recogniser whose utterances say the scripted texts in order (then nothing)
    (`daemon.hearing.asr.Recognizer`)."""

    texts: list[str]
    name: str = "fake"
    streaming: bool = True
    streams: list[FakeStream] = field(default_factory=list)

    def stream(self) -> FakeStream:
        """The next scripted utterance."""
        text = self.texts[len(self.streams)] if len(self.streams) < len(self.texts) else ""
        self.streams.append(FakeStream(text))
        return self.streams[-1]


class SilentTts:
    """A synthesiser that says nothing, for as long as the text would take
    (`daemon.speaking.tts.PiperTts`): one chunk per sentence, `ms_per_char` of silence per
    character.

    Args:
        ms_per_char: length of the silence per character of text, ms.
        rate_hz: the "voice's" sample rate, Hz.
    """

    def __init__(self, ms_per_char: float = 60.0, rate_hz: int = RATE_HZ) -> None:
        self.ms_per_char = ms_per_char
        self.rate_hz = rate_hz
        self.said: list[str] = []
        self.warmed: list[str] = []

    def synthesize(self, text: str) -> Iterator[SpeechChunk]:
        """One silent chunk per sentence of `text`."""
        for sentence in split_for_speech(text):
            self.said.append(sentence)
            samples = round(len(sentence) * self.ms_per_char * self.rate_hz / 1000.0)
            yield SpeechChunk(np.zeros(samples, dtype=np.int16), self.rate_hz, sentence)

    def synthesize_all(self, text: str) -> Int16:
        """The silence of all of `text`."""
        parts = [c.samples for c in self.synthesize(text)]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)

    def warm(self, phrases: list[str]) -> None:
        """Nothing to pre-render; remembers the phrases."""
        self.warmed += [p for p in phrases if p]


class PassThroughFrontEnd:
    """A front end that leaves the microphone audio as it is (`daemon.audio.frontend.FrontEnd`)."""

    def reset(self) -> None:
        """Nothing to reset."""

    def process(self, mic: Int16, far_end: Int16 | None = None) -> Int16:
        """`mic` unchanged."""
        return mic


@dataclass(frozen=True)
class Outcome:
    """What `FakeDispatcher.call` returns (`daemon.conversation.decide.ToolOutcome`)."""

    ok: bool
    args: Mapping[str, object]
    state: Mapping[str, object]
    reply: str
    error_code: str | None = None


@dataclass
class FakeDispatcher:
    """A car that does everything asked and says so; records every call
    (`daemon.conversation.decide.ToolDispatcher`). The tools in `confirm` first ask, as the real
    policy
    does for risky ones."""

    confirm: frozenset[str] = frozenset()
    calls: list[tuple[str, dict[str, object]]] = field(default_factory=list)

    async def call(self, name: str, args: Mapping[str, object], *,
                   confirmed: bool | None = None) -> Outcome:
        """Record the call; it succeeded (or needs confirming first)."""
        self.calls.append((name, dict(args)))
        if confirmed is False:
            return Outcome(False, args, {}, "OK, I won't.", "cancelled")
        if name in self.confirm and confirmed is not True:
            return Outcome(False, args, {}, f"Do you want me to {name.replace('_', ' ')}?",
                           "needs_confirmation")
        said = ", ".join(f"{key} {value}" for key, value in args.items())
        return Outcome(True, args, {"done": True},
                       f"Done: {name.replace('_', ' ')}{' with ' + said if said else ''}.")


def fake_stages(*, wake_ms: Iterable[float] = (), speech_ms: Iterable[tuple[float, float]] = (),
                texts: Iterable[str] = (), tts: SilentTts | None = None) -> Stages:
    """`Stages` of fakes following one script (times in input-audio ms)."""
    # Stages names the concrete model classes; the fakes have the methods the pipeline calls
    return Stages(ScriptedWakeWord(wake_ms), ScriptedVad(speech_ms),  # type: ignore[arg-type]
                  FakeRecognizer(list(texts)),
                  BackendChoice("fake", Path("fake"), "scripted test recogniser"),
                  tts or SilentTts(), PassThroughFrontEnd())  # type: ignore[arg-type]


@dataclass
class SilenceSource:
    """An `AudioSource` of `seconds` of silence in `chunk_ms` chunks (16 kHz)."""

    seconds: float
    chunk_ms: float = 20.0

    async def chunks(self) -> AsyncIterator[Int16]:
        """The chunks, as fast as they are taken."""
        size = round(self.chunk_ms * RATE_HZ / 1000.0)
        for _ in range(round(self.seconds * 1000.0 / self.chunk_ms)):
            yield np.zeros(size, dtype=np.int16)
