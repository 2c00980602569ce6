"""Live output survives a missing or failing device (the stream is swapped for fakes)."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from daemon.audio.device import AudioDeviceError, DeviceSpeaker, list_devices
from daemon.cli import main
from daemon.errors import CabinError


class FakeStream:
    """Records writes; raises on the write numbers listed in `fail_on` (1-based, global)."""

    writes: int = 0

    def __init__(self, log: list[int], fail_on: set[int]) -> None:
        self.log, self.fail_on, self.closed = log, fail_on, False

    def start(self) -> None:
        pass

    def write(self, data: np.ndarray) -> None:
        FakeStream.writes += 1
        if FakeStream.writes in self.fail_on:
            raise OSError("PortAudio: device unavailable [PaErrorCode -9985]")
        self.log.append(len(data))

    def close(self) -> None:
        self.closed = True


def play(speaker: DeviceSpeaker, samples: np.ndarray) -> None:
    async def scenario() -> None:
        task = asyncio.create_task(speaker.run(), name="speaker")
        speaker.enqueue(1, samples, 16000, "Hello.")
        speaker.end_reply(1)
        async with asyncio.timeout(10):
            while speaker.busy:  # noqa: ASYNC110 (polling the speaker's public state)
                await asyncio.sleep(0.005)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())


def test_device_lost_mid_playback_reconnects_and_loses_nothing() -> None:
    FakeStream.writes = 0
    written: list[int] = []
    opened: list[FakeStream] = []
    errors: list[CabinError] = []

    def factory() -> FakeStream:
        stream = FakeStream(written, fail_on={3, 4})
        opened.append(stream)
        return stream

    speaker = DeviceSpeaker(factory, rate_hz=16000, block_ms=20, backoff_s=(0.001, 0.004),
                            on_error=errors.append)
    audio = (np.arange(16000) % 200).astype(np.int16)  # 1 s
    play(speaker, audio)
    assert sum(written) == 16000  # every block played, the failed ones again
    assert len(opened) == 3 and all(s.closed for s in opened)
    # writes 3 and 4 failed back to back: one outage, reported once
    assert [e.code for e in errors] == ["audio_device"] and speaker.outages == 1
    [done] = speaker.drain_finished()
    assert done.played_ms == 1000.0 and not done.interrupted
    ref = speaker.advance(16000)
    assert np.array_equal(ref, audio)  # what was played is the echo reference


def test_no_device_at_first_then_it_appears() -> None:
    FakeStream.writes = 0
    attempts: list[int] = []
    written: list[int] = []

    def factory() -> FakeStream:
        attempts.append(1)
        if len(attempts) < 3:
            raise AudioDeviceError("cannot open audio output (default): no device",
                                   fix="check `cabin devices`")
        return FakeStream(written, fail_on=set())

    errors: list[CabinError] = []
    speaker = DeviceSpeaker(factory, rate_hz=16000, backoff_s=(0.001, 0.002),
                            on_error=errors.append)
    play(speaker, np.ones(3200, dtype=np.int16))
    assert sum(written) == 3200 and len(attempts) == 3
    assert len(errors) == 1  # two failed opens are one outage
    assert "no device" in errors[0].message


def test_cabin_devices_on_a_machine_without_sound_card(capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    assert main(["devices"]) == 0
    out = capsys.readouterr().out
    assert out.strip()
    if not list_devices():
        assert "no audio devices" in out
