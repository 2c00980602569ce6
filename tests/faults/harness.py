"""A running `cabin run` daemon (daemon/runtime/live.py) in the test's event loop, driven by
scripted
audio and typed requests, with the faults injected at the edges the daemon already has: the
PortAudio streams, the CAN bus factory, the llama.cpp model, the recorder's file writer.

Everything between those edges is the real thing: the pipeline, the turn runner, the decider,
the vehicle dispatcher on a virtual CAN channel with the simulated car, Piper speaking each
reply, the event log. Waits are bounded by `GUARD_S` so that a hang fails the test instead of
the run; nothing asserts on time.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import can
import numpy as np
import numpy.typing as npt

from daemon import events as ev
from daemon.audio.sources import WavSink
from daemon.audio.speaker import VirtualSpeaker
from daemon.audio.wavio import read_wav
from daemon.config import CabinConfig
from daemon.llm.config import LlmConfig
from daemon.runtime.live import AudioIo, Daemon
from daemon.runtime.service import Notifier
from daemon.runtime_config import HmiConfig, PrivacyConfig
from tests.conftest import shipped_config_greedy
from vehicle_tools.config import CanConfig, DbusConfig, SimConfig, VehicleConfig
from vehicle_tools.dbc import Database, decode_frame, limit_violations, load_dbc
from vehicle_tools.state import SignalValue

REPO = Path(__file__).resolve().parents[2]
GUARD_S = 90.0
"""Upper bound on any wait (never asserted on): a hang fails the test, not the run."""
RATE_HZ = 16000
BLOCK = 320
"""Samples per 20 ms chunk at 16 kHz."""
Int16 = npt.NDArray[np.int16]


def fault_config(tmp_path: Path, *, dbus_address: str | None = None,
                 dbus_services: bool = True, simulate: bool = True,
                 llm: LlmConfig | None = None, privacy: PrivacyConfig | None = None,
                 **sections: Any) -> CabinConfig:
    """cabin.yaml's defaults on a private virtual CAN channel; no head-unit API, no language
    model and no D-Bus unless asked; the simulated car on the channel (unless `simulate` is
    False); recordings (off by default) and the learned echo path under `tmp_path`."""
    base = shipped_config_greedy()
    vehicle = VehicleConfig(
        can=CanConfig(channel=f"cabin-fault-{uuid.uuid4()}"),
        dbus=DbusConfig(enabled=dbus_address is not None, address=dbus_address,
                        call_timeout_s=1.0),
        simulate=simulate,
        sim=SimConfig(window_speed_pct_per_s=0.0, dbus_services=dbus_services))
    update: dict[str, Any] = {
        "vehicle": vehicle,
        "hmi": HmiConfig(enabled=False),
        "llm": llm or LlmConfig(enabled=False),
        "privacy": privacy or PrivacyConfig(recording_dir=tmp_path / "recordings"),
        "frontend": base.frontend.model_copy(
            update={"echo_path_file": tmp_path / "echo_path.npz"}),
        **sections,
    }
    return base.model_copy(update=update)


def wav_samples(path: Path) -> Int16:
    """A 16 kHz mono recording's samples."""
    return read_wav(path).samples


WAKE_PHASE = 2
"""openWakeWord scores 80 ms blocks counted from the stream's start, so its score for a clip
depends on where the clip falls in that grid (for the 10 dB test command: 0.86, 0.66, 0.98 and
below threshold for the four 20 ms offsets). Recordings are made to start at this offset, in
20 ms chunks: the same score on every run."""


def wake_pad(start_chunk: int) -> int:
    """Silent 20 ms chunks to put before a recording that would start at `start_chunk`."""
    return (WAKE_PHASE - start_chunk) % 4


class Mic:
    """The microphone of an in-process daemon driven by typed requests: silence, paced at
    `speedup` x real time (the listener and the speaker's clock keep running)."""

    def __init__(self, speedup: float = 4.0) -> None:
        self._closed = False
        self._pause_s = BLOCK / RATE_HZ / speedup

    def close(self) -> None:
        self._closed = True

    async def chunks(self) -> AsyncIterator[Int16]:
        while not self._closed:
            await asyncio.sleep(self._pause_s)
            yield np.zeros(BLOCK, dtype=np.int16)


async def until(ready: Callable[[], bool], what: str, guard_s: float = GUARD_S) -> None:
    """Poll `ready` every 10 ms; AssertionError naming `what` after `guard_s` (a hang)."""
    deadline = time.monotonic() + guard_s
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        await asyncio.sleep(0.01)


@dataclass
class Running:
    """A daemon serving in the background of the test's event loop."""

    daemon: Daemon
    task: asyncio.Task[None]
    stream: io.StringIO

    @property
    def events(self) -> list[ev.Event]:
        return self.daemon.log.events

    def of_turn(self, turn: int, kind: type[ev.Event] = ev.Event) -> list[Any]:
        return [e for e in self.events if e.turn == turn and isinstance(e, kind)]

    def replies(self, turn: int) -> list[str]:
        return [e.text for e in self.of_turn(turn, ev.Reply)]

    def errors(self) -> list[ev.ErrorEvent]:
        return [e for e in self.events if isinstance(e, ev.ErrorEvent)]

    def results(self, turn: int) -> list[ev.ToolResultEvent]:
        return self.of_turn(turn, ev.ToolResultEvent)

    def logged(self) -> list[dict[str, object]]:
        """The JSONL event log as written (each line parsed)."""
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]

    async def settled(self, turn: int, *, play_out: bool = True) -> None:
        """Wait until `turn` has replied and finished (its reply wholly synthesized and
        queued); `play_out`: and played, nothing thinking or speaking any more."""
        pipeline = self.daemon.pipeline
        assert pipeline is not None

        def done() -> bool:
            if not self.replies(turn) or pipeline.turns_running:
                return False
            return not play_out or pipeline.state in ("idle", "follow_up")
        await until(lambda: done() or not self.alive, f"turn {turn} to finish")
        assert self.alive, "the daemon stopped"

    async def text(self, text: str, *, play_out: bool = False) -> int:
        """A typed request from the head unit, run until its reply is queued (`play_out`:
        until it has been played; else the next request cuts it short); its turn number."""
        assert self.daemon.pipeline is not None
        turn = await self.daemon.pipeline.submit_text(text)
        await self.settled(turn, play_out=play_out)
        return turn

    @property
    def alive(self) -> bool:
        return not self.task.done()


@contextlib.asynccontextmanager
async def running(config: CabinConfig, *, config_path: Path | None = None,
                  devices: bool = False) -> AsyncIterator[Running]:
    """`Daemon(config).run()` as a task until the block ends (then SIGTERM's path:
    `request_stop`). The audio: a `Mic` and a `VirtualSpeaker`, or with `devices` the sound
    card, which the daemon opens itself through sounddevice."""
    io_ = None
    if not devices:
        mic = Mic()
        io_ = AudioIo(mic, VirtualSpeaker(WavSink()), close=mic.close)
    stream = io.StringIO()
    daemon = Daemon(config, config_path=config_path, io=io_, notifier=Notifier(env={}),
                    events=stream)
    task = asyncio.create_task(daemon.run(), name="daemon")
    run = Running(daemon, task, stream)
    try:
        await until(lambda: task.done() or any(isinstance(e, ev.Ready) for e in run.events),
                    "the daemon to be ready")
        if task.done():
            task.result()  # raises what stopped it
        yield run
    finally:
        daemon.request_stop()
        async with asyncio.timeout(GUARD_S):
            await task


Frame = tuple[str, dict[str, SignalValue], dict[str, str]]
"""A command frame: DBC message name, decoded values, DBC limit violations."""


class CanCapture:
    """A third bus on the daemon's virtual CAN channel: the command frames that went out."""

    def __init__(self, channel: str) -> None:
        self.db: Database = load_dbc()
        self.bus = can.Bus(interface="virtual", channel=channel)
        self._commands = {m.frame_id: m for m in self.db.messages if "HU" in m.senders}

    def take(self) -> list[Frame]:
        """(message, decoded values, DBC limit violations) of each command frame since last."""
        out = []
        while (msg := self.bus.recv(0)) is not None:
            message = self._commands.get(msg.arbitration_id)
            if message is None:
                continue
            values = decode_frame(message, bytes(msg.data))
            assert values is not None, f"undecodable {message.name} frame {bytes(msg.data)!r}"
            out.append((message.name, dict(values), limit_violations(message, values)))
        return out

    def close(self) -> None:
        self.bus.shutdown()


