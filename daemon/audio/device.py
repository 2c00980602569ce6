"""Live audio output through sounddevice, surviving a missing or vanishing device.

`DeviceSpeaker` plays replies on an output stream in fixed blocks from one owned task. Reply
bookkeeping (turns, interruption, what was heard) is the `VirtualSpeaker`'s, driven by the device
instead of the input clock; every block written becomes echo reference for the front end, which
the listener takes with `advance`. A device that cannot be opened, or fails mid-playback, is
reported once as a typed error and retried with capped exponential backoff: never a crash loop,
and the block that failed is played again when the device returns.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from typing import Protocol

import numpy as np
import numpy.typing as npt

from daemon.audio.outage import AudioDeviceError, Outage, close_quietly
from daemon.audio.resample import resample
from daemon.audio.speaker import RATE_HZ, Finished, VirtualSpeaker
from daemon.errors import CabinError

_LOG = logging.getLogger(__name__)
Int16 = npt.NDArray[np.int16]


class OutputStream(Protocol):
    """The part of `sounddevice.OutputStream` Cabin uses."""

    def start(self) -> None: ...
    def write(self, data: Int16) -> object: ...
    def close(self) -> None: ...


StreamFactory = Callable[[], OutputStream]


def list_devices() -> list[str]:
    """One line per audio device PortAudio sees (empty when there is none)."""
    try:
        import sounddevice as sd
    except OSError as exc:  # PortAudio itself missing
        raise AudioDeviceError(f"PortAudio is not available: {exc}",
                               fix="install it: apt-get install libportaudio2") from exc
    lines = []
    for index, dev in enumerate(sd.query_devices()):
        lines.append(f"{index:3d}  {dev['name']}  in={dev['max_input_channels']} "
                     f"out={dev['max_output_channels']}  {dev['default_samplerate']:.0f} Hz")
    return lines


def sounddevice_output(device: str | int | None, rate_hz: int) -> StreamFactory:
    """A factory opening a mono int16 sounddevice output stream on `device` at `rate_hz` Hz."""

    def open_stream() -> OutputStream:
        try:
            import sounddevice as sd

            stream = sd.OutputStream(device=device, samplerate=rate_hz, channels=1,
                                     dtype="int16")
        except Exception as exc:  # sd.PortAudioError (an Exception), OSError, ValueError
            raise AudioDeviceError(
                f"cannot open audio output {device if device is not None else '(default)'}: "
                f"{exc}", fix="check the device name against `cabin devices`",
            ) from exc
        return stream  # type: ignore[no-any-return]  # sounddevice is untyped

    return open_stream


class DeviceSpeaker:
    """Plays replies on a device; see the module docstring.

    Args:
        factory: opens the output stream (called again after a failure).
        rate_hz: the stream's sample rate, Hz.
        block_ms: block written per call, ms (the interruption granularity).
        backoff_s: (first, maximum) delay between reconnection attempts, s.
        on_error: called with the typed error when the device fails or cannot be opened.
    """

    def __init__(self, factory: StreamFactory, *, rate_hz: int = 48000, block_ms: int = 20,
                 backoff_s: tuple[float, float] = (0.5, 30.0),
                 on_error: Callable[[CabinError], None] | None = None) -> None:
        self._factory = factory
        self._rate = rate_hz
        self._block16 = RATE_HZ * block_ms // 1000
        self._backoff = backoff_s
        self._outage = Outage("audio output", "check the device; Cabin reconnects by itself",
                              on_error)
        self._out: list[Int16] = []
        self._playlist = VirtualSpeaker(_Collector(self._out, rate_hz))
        self._reference: deque[Int16] = deque(maxlen=100)
        self._stream: OutputStream | None = None
        self._wake = asyncio.Event()
        self.written_samples = 0
        self._in_flight = False

    # The reply interface the pipeline and the turn runner use (same as VirtualSpeaker).
    @property
    def busy(self) -> bool:
        """True while a reply is queued or playing (its last block too, until written)."""
        return self._playlist.busy or self._in_flight

    @property
    def current_turn(self) -> int | None:
        """The turn whose reply is playing, if any."""
        return self._playlist.current_turn

    def enqueue(self, turn: int, samples: Int16, rate_hz: int, text: str) -> None:
        """Queue a piece of a reply."""
        self._playlist.enqueue(turn, samples, rate_hz, text)
        self._wake.set()

    def end_reply(self, turn: int) -> None:
        """The reply of `turn` is complete."""
        self._playlist.end_reply(turn)
        self._wake.set()

    def interrupt(self) -> Finished | None:
        """Stop the playing reply within one block; returns what was played."""
        return self._playlist.interrupt()

    def drain_finished(self) -> list[Finished]:
        """Replies that ended since the last call."""
        return self._playlist.drain_finished()

    def advance(self, n: int) -> Int16:
        """The echo reference for the next `n` microphone samples (16 kHz): what was played."""
        parts, have = [], 0
        while have < n and self._reference:
            block = self._reference.popleft()
            if have + len(block) > n:
                self._reference.appendleft(block[n - have:])
                block = block[:n - have]
            parts.append(block)
            have += len(block)
        parts.append(np.zeros(n - have, dtype=np.int16))
        return np.concatenate(parts)

    async def run(self) -> None:
        """The playback loop (run it as a named task; cancel it to stop)."""
        try:
            while True:
                if not self._playlist.busy:
                    self._wake.clear()
                    await self._wake.wait()
                    continue
                self._out.clear()
                self._in_flight = True  # the playlist may be drained: this block is not yet
                ref = self._playlist.advance(self._block16)
                block = np.concatenate(self._out) if self._out else resample(
                    ref, RATE_HZ, self._rate)
                try:
                    await self._write(block)
                    self._reference.append(ref)
                finally:
                    self._in_flight = False
        finally:
            self._close()

    async def _write(self, block: Int16) -> None:
        delay = self._backoff[0]
        while True:
            try:
                if self._stream is None:
                    self._stream = self._factory()
                    self._stream.start()
                    _LOG.info("audio output open")
                await asyncio.to_thread(self._stream.write, block)
                self.written_samples += len(block)
                self._outage.working()
                return
            except Exception as exc:  # any failure at the device boundary (PortAudioError...)
                self._fail(exc)
            await asyncio.sleep(delay)
            delay = min(delay * 2.0, self._backoff[1])

    @property
    def outages(self) -> int:
        """Times the device failed or could not be opened (an outage counts once)."""
        return self._outage.count

    def _fail(self, exc: Exception) -> None:
        self._outage.failed(exc)
        self._close()

    def _close(self) -> None:
        close_quietly(self._stream)
        self._stream = None


class _Collector:
    """A sink that keeps what one `advance` played (at the device rate)."""

    def __init__(self, out: list[Int16], rate_hz: int) -> None:
        self._out = out
        self.rate_hz = rate_hz

    def play(self, samples: Int16, rate_hz: int) -> None:
        self._out.append(samples)

    def end_reply(self) -> None:
        """Nothing to separate on a live device."""

