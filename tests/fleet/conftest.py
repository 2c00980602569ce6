"""Fleet replay helpers: a fake engine (no models) for the orchestration, small WAV builders."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np

from daemon import events as ev
from daemon.audio.wavio import write_wav
from daemon.config import CabinConfig
from daemon.fleet.inputs import FleetInput
from daemon.fleet.run import FleetSettings
from daemon.fleet.worker import FileOutcome, events_text, failed

RATE = 16000


def silence(path: Path, seconds: float = 1.0) -> Path:
    """A silent 16 kHz mono recording."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_wav(path, np.zeros(round(seconds * RATE), dtype=np.int16), RATE)
    return path


def fake_log(heard: str = "open the window", tool: str = "open_window") -> str:
    """An event log a replay could have written: one turn, one call."""
    return events_text([
        ev.Ready(t_ms=0.0, asr_backend="faster_whisper", wake_words=("wake-hey-jarvis",)),
        ev.Wake(t_ms=1000.0, turn=1, model="wake-hey-jarvis", score=0.99),
        ev.Transcript(t_ms=3000.0, turn=1, text=heard, final=True, backend="faster_whisper"),
        ev.ToolCall(t_ms=3000.0, turn=1, name=tool, args={"window": "driver"}),
        ev.Reply(t_ms=3000.0, turn=1, text="Okay."),
    ])


class FakeEngine:
    """Replays nothing: every input's outcome is `fake_log` (a WAV named bad*: an error row).

    `stop_after`: raise KeyboardInterrupt (or send `signum` to this process) once that many
    outcomes were handed out. `seen` records the keys asked for, across runs.
    """

    workers = 1

    def __init__(self, seen: list[str], stop_after: int | None = None,
                 signum: int | None = None) -> None:
        self.seen = seen
        self.stop_after = stop_after
        self.signum = signum
        self.closed = False

    def run(self, items: Sequence[FleetInput]) -> Iterator[FileOutcome]:
        for n, item in enumerate(items):
            if n == self.stop_after:
                if self.signum is not None:
                    os.kill(os.getpid(), self.signum)
                raise KeyboardInterrupt
            self.seen.append(item.key)
            if item.wav.name.startswith("bad"):
                yield failed(item.key, "audio_format", f"{item.wav} is not a WAV")
            else:
                yield FileOutcome(item.key, fake_log(), 1.0, 0.01)

    def close(self) -> None:
        self.closed = True


def factory(engine: FakeEngine) -> Callable[[CabinConfig, FleetSettings, bool], FakeEngine]:
    """An engine factory for `run_fleet` that hands out `engine`."""

    def make(_config: CabinConfig, _settings: FleetSettings, _debug: bool) -> FakeEngine:
        return engine
    return make


def rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]

