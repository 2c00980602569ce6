"""Live microphone capture through sounddevice, surviving a missing or vanishing device.

`DeviceSource` is an `AudioSource`: it yields 16 kHz mono int16 chunks from an input stream.
PortAudio's callback runs on its own thread; it hands blocks to the event loop through a
bounded queue whose overflow policy is *drop oldest and count* (fresh audio matters more than
stale audio, and the callback must never block). A device that cannot be opened, or stops
delivering audio, is reported once per outage as a typed error and reopened with capped
exponential backoff: the daemon keeps running (typed requests from the head unit still work),
never a crash loop. Silence is yielded while the device is away, so the rest of the pipeline
(speaker clock, watchdog heartbeat) keeps its pace.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from typing import Protocol

import numpy as np
import numpy.typing as npt

from daemon.audio.outage import AudioDeviceError, Outage, close_quietly
from daemon.audio.resample import resample
from daemon.errors import CabinError

_LOG = logging.getLogger(__name__)
RATE_HZ = 16000
Int16 = npt.NDArray[np.int16]
BlockCallback = Callable[[Int16], None]


class InputStream(Protocol):
    """The part of a sounddevice input stream Cabin uses (started, then closed)."""

    def start(self) -> None: ...
    def close(self) -> None: ...


InputFactory = Callable[[BlockCallback], InputStream]
"""Opens an input stream that calls the callback with each block (mono int16 at 16 kHz)."""


def sounddevice_input(device: str | int | None, block_ms: int) -> InputFactory:
    """A factory opening a mono int16 capture stream on `device`, resampled to 16 kHz.

    The device's own default rate is used (many cabin codecs only do 44.1/48 kHz).
    """

    def open_stream(on_block: BlockCallback) -> InputStream:
        try:
            import sounddevice as sd

            info = sd.query_devices(device, "input")
            rate = int(info["default_samplerate"])

            def callback(indata: npt.NDArray[np.int16], _frames: int, _time: object,
                         status: object) -> None:
                if status:
                    _LOG.debug("capture status: %s", status)
                on_block(resample(indata[:, 0].copy(), rate, RATE_HZ))

            stream = sd.InputStream(device=device, samplerate=rate, channels=1, dtype="int16",
                                    blocksize=rate * block_ms // 1000, callback=callback)
        except Exception as exc:  # sd.PortAudioError (an Exception), OSError, ValueError
            raise AudioDeviceError(
                f"cannot open audio input {device if device is not None else '(default)'}: "
                f"{exc}", fix="check the microphone against `cabin devices` (and that the "
                "service user is in the audio group); Cabin retries by itself") from exc
        return stream  # type: ignore[no-any-return]  # sounddevice is untyped

    return open_stream


class DeviceSource:
    """Microphone chunks for the pipeline; see the module docstring.

    Args:
        factory: opens the input stream (called again after a failure).
        block_ms: chunk length, ms.
        queue_blocks: capacity of the hand-off queue, blocks (overflow drops the oldest).
        stall_s: no block for this long means the device is gone, s.
        backoff_s: (first, maximum) delay between reopening attempts, s.
        on_error: called with the typed error when the device fails or cannot be opened.
    """

    def __init__(self, factory: InputFactory, *, block_ms: int = 20, queue_blocks: int = 50,
                 stall_s: float = 1.0, backoff_s: tuple[float, float] = (0.5, 30.0),
                 on_error: Callable[[CabinError], None] | None = None) -> None:
        self._factory = factory
        self._block = RATE_HZ * block_ms // 1000
        self._queue: asyncio.Queue[Int16] = asyncio.Queue(queue_blocks)
        self._stall_s = stall_s
        self._backoff = backoff_s
        self._outage = Outage("audio input", "check the device; Cabin reopens it by itself",
                              on_error)
        self._stream: InputStream | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self.dropped = 0
        """Blocks discarded because the pipeline fell behind."""

    @property
    def outages(self) -> int:
        """Times the device failed or could not be opened (an outage counts once)."""
        return self._outage.count

    @property
    def open(self) -> bool:
        """True while a device is delivering audio."""
        return self._stream is not None

    async def chunks(self) -> AsyncIterator[Int16]:
        """Microphone audio until `close()`; silence while the device is away."""
        self._loop = asyncio.get_running_loop()
        delay = self._backoff[0]
        try:
            while not self._closed:
                if self._stream is None and not self._try_open():
                    async for silence in self._silence(delay):
                        yield silence
                    delay = min(delay * 2.0, self._backoff[1])
                    continue
                try:
                    block = await asyncio.wait_for(self._queue.get(), self._stall_s)
                except TimeoutError:
                    self._fail(AudioDeviceError(
                        f"the microphone delivered no audio for {self._stall_s:.1f} s",
                        fix="check the device and its cable; Cabin reopens it by itself"))
                    continue
                delay = self._backoff[0]
                self._outage.working()
                yield block
        finally:
            self._close_stream()

    def close(self) -> None:
        """End the stream of chunks (the pipeline's input ends)."""
        self._closed = True

    def _try_open(self) -> bool:
        try:
            stream = self._factory(self._on_block)
            stream.start()
        except Exception as exc:  # any failure at the device boundary (PortAudioError...)
            self._fail(exc)
            return False
        self._stream = stream
        _LOG.info("audio input open")
        return True

    async def _silence(self, seconds: float) -> AsyncIterator[Int16]:
        """`seconds` of silence at the real-time pace (the device is away)."""
        block_s = self._block / RATE_HZ
        for _ in range(max(1, round(seconds / block_s))):
            if self._closed:
                return
            await asyncio.sleep(block_s)
            yield np.zeros(self._block, dtype=np.int16)

    def _on_block(self, block: Int16) -> None:
        """PortAudio thread: hand the block to the loop (never blocks)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._put, block)

    def _put(self, block: Int16) -> None:
        while self._queue.full():
            self._queue.get_nowait()
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 100 == 0:
                _LOG.warning("microphone queue full: dropped %d blocks so far", self.dropped)
        self._queue.put_nowait(block)

    def _fail(self, exc: Exception) -> None:
        self._outage.failed(exc)
        self._close_stream()

    def _close_stream(self) -> None:
        close_quietly(self._stream)
        self._stream = None
