"""Stand-ins for the native layers under the daemon, each able to fail the way the real one
does: llama.cpp (`ScriptedModel`), the sound card under sounddevice (`FakeSoundcard`).

Only the native call is replaced; the Router, DeviceSource and DeviceSpeaker around them are
the real code, wired by the daemon itself.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pytest

from daemon.llm.local import Generation, LocalModelError, ModelWorker
from daemon.llm.router import Router
from daemon.llm.schema import ToolSpec
from daemon.llm.types import AgentTiming, Message
from tests.faults.harness import BLOCK, GUARD_S, Int16

# --- llama.cpp ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """The model writes `text` (in the output language, daemon/llm/grammar.py), word by word."""

    text: str


@dataclass(frozen=True)
class Hang:
    """The model writes `prefix`, then stalls between tokens; it still checks `stop()`
    between them, as LocalModel does (so the router's deadline ends it)."""

    prefix: str = "say I"


@dataclass(frozen=True)
class Stuck:
    """The model writes `prefix`, then a native call never returns (ignoring `stop()`) until
    `release` is set."""

    release: threading.Event
    prefix: str = "say I"


@dataclass(frozen=True)
class Crash:
    """The model writes `prefix`, then llama.cpp fails with `error`."""

    error: Exception
    prefix: str = "say The answer"


Behaviour = Answer | Hang | Stuck | Crash


@dataclass
class ScriptedModel:
    """In place of daemon.llm.local.LocalModel: what it "generates" for each request comes
    from `script(text)`. One generation at a time, like the real llama.cpp context; the router
    runs it on a real `ModelWorker` thread, as it does LocalModel."""

    tools: tuple[ToolSpec, ...]
    script: Callable[[str], Behaviour]
    loaded: bool = True
    worker: ModelWorker = field(default_factory=ModelWorker)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        weakref.finalize(self, self.worker.close)  # as LocalModel

    def close(self) -> None:
        self.worker.close()
        self.loaded = False

    def generate(self, text: str, history: Sequence[Message], stop: Callable[[], bool],
                 on_text: Callable[[str], None] | None = None, *,
                 only: tuple[str, ...] | None = None, cold: bool = False) -> Generation:
        with self._lock:
            behaviour = self.script(text)
            out = ""
            words = (behaviour.text if isinstance(behaviour, Answer) else behaviour.prefix)
            for word in words.split(" "):
                out = f"{out} {word}" if out else word
                if on_text is not None:
                    on_text(out)
                if stop():
                    return _generation(out, stopped=True)
            if isinstance(behaviour, Hang):
                while not stop():
                    time.sleep(0.01)
                return _generation(out, stopped=True)
            if isinstance(behaviour, Stuck):
                behaviour.release.wait(GUARD_S)
                return _generation(out, stopped=False)
            if isinstance(behaviour, Crash):
                raise behaviour.error
            return _generation(out, stopped=False)


def install_model(mp: pytest.MonkeyPatch, script: Callable[[str], Behaviour]) -> None:
    """Make `Router.load` put a `ScriptedModel` where llama.cpp would be."""
    def load(router: Router) -> None:
        router.local = ScriptedModel(router.checker.tools, script)  # type: ignore[assignment]

    mp.setattr(Router, "load", load)


def _generation(text: str, *, stopped: bool) -> Generation:
    return Generation(text, stopped, False, AgentTiming(generated_tokens=len(text.split())))


def llama_decode_failed() -> LocalModelError:
    """What LocalModel raises when llama.cpp fails (`LocalModel._prime`)."""
    return LocalModelError("llama.cpp failed: llama_decode returned -3", fix="see the log")


# --- PortAudio (the sounddevice module) --------------------------------------------------------


class FakeSoundcard:
    """What `sounddevice` shows the daemon: a named microphone and a named amplifier that can
    be unplugged, failing exactly as sounddevice 0.5 does (a device name not found:
    ValueError from the device lookup; no default device, or a stream failing: PortAudioError).

    Install with `install(monkeypatch)`; then daemon/audio/capture.py and device.py, unchanged,
    open their streams here. Both run `speed` times faster than real time (the microphone
    delivers its blocks, the amplifier takes them at that pace), so what is heard and what is
    played keep their real order. The microphone plays the recordings of `mic_scripts` (one
    per opening; after the last one, silence); a script that ends with `unplug` takes the
    device away until `reopen_failures` lookups have failed.
    """

    RATE_HZ = 16000

    def __init__(self, *, mic: str | None, speaker: str | None, speed: float = 3.0,
                 consumed: Callable[[], int] | None = None) -> None:
        self.mic, self.speaker = mic, speaker
        self.speed = speed
        self.mic_present = mic is not None
        self.speaker_present = speaker is not None
        self.mic_scripts: list[tuple[list[Int16 | None], bool]] = []
        """Per opening: what the microphone hears (recordings, or None: silence until the
        assistant is idle) and whether the device is unplugged after it."""
        self.reopen_failures = 0
        self.failed_lookups = 0
        self.write_failures: set[int] = set()
        self.speaker_away_lookups = 0
        self.writes = 0
        self.played: list[Int16] = []
        self.inputs: list[_FakeInput] = []
        self.consumed = consumed or (lambda: 0)
        self.idle: Callable[[], bool] = lambda: True
        """True when the assistant is neither listening, thinking nor speaking."""
        self.on_open: Callable[[], int] = lambda: 0
        """Silent blocks to put first when a microphone stream opens (the wake word phase)."""

    def install(self, mp: pytest.MonkeyPatch) -> None:
        import sounddevice as sd

        for name, fake in (("query_devices", self.query_devices),
                           ("InputStream", self.input_stream),
                           ("OutputStream", self.output_stream)):
            mp.setattr(sd, name, fake)

    # sounddevice's API -------------------------------------------------------------------------
    def query_devices(self, device: object = None, kind: str | None = None) -> dict[str, object]:
        name = self.mic if kind == "input" else self.speaker
        self._lookup(device, kind or "input/output", name)
        return {"name": name, "default_samplerate": float(self.RATE_HZ),
                "max_input_channels": 1 if kind == "input" else 0,
                "max_output_channels": 1 if kind == "output" else 0}

    def input_stream(self, *, device: object, samplerate: float, channels: int, dtype: str,
                     blocksize: int, callback: Callable[..., None]) -> _FakeInput:
        self._lookup(device, "input", self.mic)
        parts, unplug = self.mic_scripts.pop(0) if self.mic_scripts else ([], False)
        stream = _FakeInput(self, callback, parts, unplug)
        self.inputs.append(stream)
        return stream

    def output_stream(self, *, device: object, samplerate: float, channels: int,
                      dtype: str) -> _FakeOutput:
        if not self.speaker_present and self.speaker_away_lookups > 0:
            self.speaker_away_lookups -= 1
        elif not self.speaker_present:
            self.speaker_present = True  # plugged back in
        self._lookup(device, "output", self.speaker)
        return _FakeOutput(self)

    # how devices disappear -----------------------------------------------------------------
    def _lookup(self, device: object, kind: str, name: str | None) -> None:
        import sounddevice as sd

        present = self.mic_present if kind == "input" else self.speaker_present
        if device is None and (name is None or not present):
            raise sd.PortAudioError("Error querying device -1")
        if not present or device != name:
            if kind == "input":
                self.failed_lookups += 1
                if self.failed_lookups >= self.reopen_failures:
                    self.mic_present = True  # back for the next attempt
            raise ValueError(f"No {kind} device matching {device!r}")

    def unplug_mic(self) -> None:
        self.mic_present = False
        self.failed_lookups = 0

    @property
    def played_samples(self) -> int:
        return sum(len(p) for p in self.played)


class _FakeInput:
    """A callback input stream: a thread calls back with (frames, 1) int16 blocks at the
    card's pace, never more than `LEAD` blocks ahead of what the pipeline consumed (so
    nothing is dropped on a slow machine)."""

    LEAD = 30

    def __init__(self, card: FakeSoundcard, callback: Callable[..., None],
                 parts: list[Int16 | None], unplug: bool) -> None:
        self._card = card
        self._callback = callback
        self._unplug = unplug
        self._closed = threading.Event()
        self._parts = [np.zeros(card.on_open() * BLOCK, dtype=np.int16), *parts]
        self._thread = threading.Thread(target=self._run, name="fake-portaudio-in",
                                        daemon=True)

    def start(self) -> None:
        self._base = self._card.consumed()
        self._sent = 0
        self._due = time.monotonic()
        self._thread.start()

    def close(self) -> None:
        self._closed.set()

    def _run(self) -> None:
        for part in self._parts:
            if part is None:  # silence until idle, then up to the next 80 ms boundary
                while not self._card.idle() or self._sent % 4:
                    if not self._give(np.zeros(BLOCK, dtype=np.int16)):
                        return
                continue
            for i in range(0, len(part), BLOCK):
                if not self._give(part[i:i + BLOCK]):
                    return
        if self._unplug:
            self._card.unplug_mic()  # no more callbacks: the device is gone
            return
        while self._give(np.zeros(BLOCK, dtype=np.int16)):
            pass

    def _give(self, block: Int16) -> bool:
        """Call back with one block at the card's pace; False once closed."""
        self._due += BLOCK / FakeSoundcard.RATE_HZ / self._card.speed
        while (time.monotonic() < self._due
               or self._sent - (self._card.consumed() - self._base) > self.LEAD):
            if self._closed.wait(0.002):
                return False
        self._callback(block.reshape(-1, 1), len(block), None, None)
        self._sent += 1
        return True


class _FakeOutput:
    """A blocking output stream; write number n in `write_failures` fails as an unplugged
    device does (PortAudioError), and the device is away for `speaker_away_lookups` opens."""

    def __init__(self, card: FakeSoundcard) -> None:
        self._card = card

    def start(self) -> None:
        pass

    def write(self, data: Int16) -> bool:
        import sounddevice as sd

        card = self._card
        card.writes += 1
        if card.writes in card.write_failures:
            card.speaker_present = False
            raise sd.PortAudioError("Error writing to stream: Device unavailable", -9985)
        card.played.append(np.asarray(data).copy())
        time.sleep(len(data) / FakeSoundcard.RATE_HZ / card.speed)  # a blocking write
        return False

    def close(self) -> None:
        pass
