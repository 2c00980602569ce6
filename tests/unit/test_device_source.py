"""Live capture survives a missing or vanishing microphone (the PortAudio stream is a fake that
calls back from its own thread, as sounddevice does)."""

from __future__ import annotations

import asyncio
import threading

import numpy as np

from daemon.audio.capture import DeviceSource
from daemon.audio.device import AudioDeviceError
from daemon.errors import CabinError


class FakeMic:
    """Delivers `blocks` numbered 20 ms blocks from a thread, then goes silent (unplugged)."""

    def __init__(self, on_block: object, first: int, blocks: int) -> None:
        self._on_block = on_block
        self._first, self._blocks = first, blocks
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.closed = False

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        for n in range(self._first, self._first + self._blocks):
            if self.closed:
                return
            self._on_block(np.full(320, n, dtype=np.int16))  # type: ignore[operator]
            threading.Event().wait(0.002)

    def close(self) -> None:
        self.closed = True


def collect(source: DeviceSource, wanted: int) -> list[np.ndarray]:
    async def go() -> list[np.ndarray]:
        out = []
        async with asyncio.timeout(20):
            async for chunk in source.chunks():
                out.append(chunk)
                if len(out) >= wanted:
                    source.close()
        return out
    return asyncio.run(go())


def test_unplugged_mid_capture_reopens_and_keeps_the_pace() -> None:
    opened: list[FakeMic] = []
    errors: list[CabinError] = []

    def factory(on_block: object) -> FakeMic:
        mic = FakeMic(on_block, first=100 * len(opened) + 1, blocks=5)
        opened.append(mic)
        return mic

    source = DeviceSource(factory, stall_s=0.05, backoff_s=(0.02, 0.04), on_error=errors.append)
    chunks = collect(source, 14)
    values = [int(c[0]) for c in chunks]
    assert values[:5] == [1, 2, 3, 4, 5]  # the first device, in order, nothing lost
    assert 101 in values  # reopened: the second device's audio arrives
    assert len(opened) >= 2 and opened[0].closed
    assert len(errors) == len(opened) - 1 or len(errors) == len(opened)
    assert all(e.code == "audio_device" for e in errors)
    assert "no audio" in errors[0].message


def test_no_microphone_at_start_is_one_clear_error_and_silence_not_a_crash() -> None:
    attempts: list[int] = []
    errors: list[CabinError] = []

    def factory(_on_block: object) -> FakeMic:
        attempts.append(1)
        raise AudioDeviceError("cannot open audio input (default): no device",
                               fix="check the microphone against `cabin devices`")

    source = DeviceSource(factory, backoff_s=(0.02, 0.04), on_error=errors.append)
    chunks = collect(source, 10)
    assert all(not c.any() for c in chunks)  # silence keeps the pipeline's clock going
    assert len(attempts) >= 2  # it kept trying
    assert len(errors) == 1  # ...but reported the outage once
    assert "cabin devices" in errors[0].fix
    assert source.outages == 1


def test_a_slow_pipeline_drops_the_oldest_blocks_and_counts_them() -> None:
    def factory(on_block: object) -> FakeMic:
        return FakeMic(on_block, first=1, blocks=40)

    source = DeviceSource(factory, queue_blocks=4, stall_s=1.0)

    async def go() -> list[int]:
        out: list[int] = []
        async with asyncio.timeout(20):
            async for chunk in source.chunks():
                if not out:
                    await asyncio.sleep(0.3)  # the consumer stalls while 40 blocks arrive
                out.append(int(chunk[0]))
                if out[-1] == 40:
                    source.close()
        return out

    values = asyncio.run(go())
    assert values[-1] == 40  # fresh audio wins
    assert source.dropped > 0
    assert len(values) + source.dropped == 40
    assert values == sorted(values)
