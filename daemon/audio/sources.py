"""Audio sources (where the pipeline's 16 kHz frames come from) and sinks (where replies go)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from daemon.audio.resample import resample
from daemon.audio.wavio import PIPELINE_RATE_HZ, read_wav, write_wav


class AudioSource(Protocol):
    """Yields 16 kHz mono int16 chunks until the input ends."""

    def chunks(self) -> AsyncIterator[npt.NDArray[np.int16]]:
        """The audio, chunk by chunk."""


class WavFileSource:
    """Replays a WAV file (16 kHz mono 16-bit PCM).

    Args:
        path: the recording.
        chunk_ms: chunk length in ms (the pipeline's frame; stages are chunk-size invariant).
        realtime: pace the chunks at 1x (True) or deliver them as fast as they are consumed.
    """

    def __init__(self, path: Path, *, chunk_ms: float = 20.0, realtime: bool = False) -> None:
        self.audio = read_wav(path)
        self._chunk = max(1, int(PIPELINE_RATE_HZ * chunk_ms / 1000.0))
        self._realtime = realtime

    async def chunks(self) -> AsyncIterator[npt.NDArray[np.int16]]:
        """Yield the file's audio in fixed-size chunks (the last may be shorter)."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        samples = self.audio.samples
        for start in range(0, len(samples), self._chunk):
            if self._realtime:
                due = started + start / PIPELINE_RATE_HZ
                await asyncio.sleep(max(0.0, due - loop.time()))
            else:
                await asyncio.sleep(0)  # let the other tasks run between chunks
            yield samples[start:start + self._chunk]


class AudioSink(Protocol):
    """Where the assistant's speech goes."""

    def play(self, samples: npt.NDArray[np.int16], rate_hz: int) -> None:
        """Queue `samples` (mono int16 at `rate_hz`) for output."""

    def end_reply(self) -> None:
        """The current reply is complete."""


class WavSink:
    """Collects every reply into one WAV file (replies separated by `gap_s` of silence).

    Args:
        rate_hz: the file's sample rate (audio at other rates is resampled).
        gap_s: silence between replies, seconds.
    """

    def __init__(self, rate_hz: int = 22050, gap_s: float = 0.4) -> None:
        self.rate_hz = rate_hz
        self._gap = np.zeros(int(rate_hz * gap_s), dtype=np.int16)
        self._parts: list[npt.NDArray[np.int16]] = []

    def play(self, samples: npt.NDArray[np.int16], rate_hz: int) -> None:
        """Append `samples` to the current reply."""
        self._parts.append(resample(samples, rate_hz, self.rate_hz))

    def end_reply(self) -> None:
        """Separate the next reply from this one."""
        self._parts.append(self._gap)

    @property
    def samples(self) -> npt.NDArray[np.int16]:
        """Everything played so far."""
        return np.concatenate(self._parts) if self._parts else np.zeros(0, dtype=np.int16)

    def save(self, path: Path) -> None:
        """Write everything played to `path`."""
        write_wav(path, self.samples, self.rate_hz)
