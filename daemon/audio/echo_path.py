"""The cabin's echo path (speaker -> microphone impulse response): learned while the assistant
speaks, kept across restarts, and used to prime the echo canceller at start-up.

A car's echo path does not change from one drive to the next, but an adaptive canceller starts
from nothing: over its first two seconds of playback it removes only 4-9 dB of echo (small
room, docs/frontend.md). Priming it with 2 s of synthetic playback through the stored path
makes it start converged.

- `EchoPathEstimator` accumulates the cross-spectrum of what the speaker played and what the
  microphone heard (Welch, 1 s Hann windows, half overlap), only while the far end plays, and
  turns it into an impulse response. Nothing but the two averaged spectra is kept: no audio.
- `save_echo_path` / `load_echo_path` keep the impulse response (16 KB) in an ``.npz`` file.
  It is a property of the car's acoustics, not of anything said (docs/privacy.md).
- `priming_signals` makes the synthetic far end (seeded white noise) and its echo.
"""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from daemon.errors import CabinError

_LOG = logging.getLogger(__name__)

FORMAT_VERSION = 1
MIN_BLOCKS = 4
"""Windows of playback (0.5 s apart) needed before an estimate is made (about 2.5 s)."""
MIN_FIT_DB = 6.0
"""An estimate that explains less of the microphone than this (no speaker, a muted mic) is
not kept, dB."""
ACTIVE_RMS = 100.0
"""A window whose far end is quieter than this (int16 RMS, about -50 dBFS) is not used."""
PRIME_S = 2.0
"""Synthetic playback used to prime a canceller, s."""
PRIME_RMS = 3000.0
"""Level of the synthetic far end (int16 RMS, about -21 dBFS)."""

FloatArray = npt.NDArray[np.float32]
Int16Array = npt.NDArray[np.int16]


class EchoPathError(CabinError):
    """A stored echo path cannot be used."""


@dataclass(frozen=True)
class EchoPath:
    """An estimated speaker-to-microphone impulse response.

    Attributes:
        taps: the impulse response, one tap per sample (linear gain).
        rate_hz: sample rate of `taps`, Hz.
        seconds: far-end playback it was learned from, s.
        fit_db: how much of the microphone signal it explains, dB (10 log10 of mic power over
            the power it leaves unexplained, during playback).
    """

    taps: FloatArray
    rate_hz: int
    seconds: float
    fit_db: float


class EchoPathEstimator:
    """Learns the echo path from (far end, microphone) frames, while the far end plays.

    Args:
        taps: impulse response length, samples (the canceller's tail).
        rate_hz: sample rate, Hz.
    """

    def __init__(self, taps: int, rate_hz: int = 16000) -> None:
        self.taps = taps
        self.rate_hz = rate_hz
        self.nfft = max(8192, 1 << (4 * taps - 1).bit_length())
        self._hop = self.nfft // 2
        self._window = np.hanning(self.nfft)
        self._far = np.zeros(self.nfft)
        self._mic = np.zeros(self.nfft)
        self._filled = 0
        bins = self.nfft // 2 + 1
        self._sxy = np.zeros(bins, dtype=np.complex128)
        self._sxx = np.zeros(bins)
        self._syy = np.zeros(bins)
        self.blocks = 0

    def add(self, far: Int16Array, mic: Int16Array) -> None:
        """Add one frame of what the speaker played and what the microphone heard (aligned)."""
        n = len(far)
        if self._filled + n > len(self._far):  # room for one more frame beyond a window
            grown = self._filled + n
            self._far = np.resize(self._far, grown)
            self._mic = np.resize(self._mic, grown)
        self._far[self._filled:self._filled + n] = far
        self._mic[self._filled:self._filled + n] = mic
        self._filled += n
        while self._filled >= self.nfft:
            self._block(self._far[:self.nfft], self._mic[:self.nfft])
            rest = self._filled - self._hop
            self._far[:rest] = self._far[self._hop:self._filled]
            self._mic[:rest] = self._mic[self._hop:self._filled]
            self._filled = rest

    def _block(self, far: npt.NDArray[np.float64], mic: npt.NDArray[np.float64]) -> None:
        if float(np.sqrt(np.mean(far ** 2))) < ACTIVE_RMS:
            return
        x = np.fft.rfft(far * self._window)
        y = np.fft.rfft(mic * self._window)
        self._sxy += np.conj(x) * y
        self._sxx += np.abs(x) ** 2
        self._syy += np.abs(y) ** 2
        self.blocks += 1

    def estimate(self) -> EchoPath | None:
        """The impulse response learned so far, or None before `MIN_BLOCKS` windows."""
        if self.blocks < MIN_BLOCKS:
            return None
        h_f = self._sxy / (self._sxx + 1e-3 * float(np.max(self._sxx)))
        taps = np.fft.irfft(h_f, self.nfft)[:self.taps].astype(np.float32)
        explained = float(np.sum(np.abs(self._sxy) ** 2 / np.maximum(self._sxx, 1e-12)))
        total = float(np.sum(self._syy))
        left = max(total - explained, 1e-12 * max(total, 1.0))
        fit_db = 10.0 * float(np.log10(max(total, 1e-12) / left))
        return EchoPath(taps, self.rate_hz, self.blocks * self._hop / self.rate_hz, fit_db)


def priming_signals(path: EchoPath, seconds: float = PRIME_S, seed: int = 0
                    ) -> tuple[Int16Array, Int16Array]:
    """(far end, microphone) of `seconds` of seeded white noise played through `path`."""
    rng = np.random.default_rng(seed)
    far = np.clip(rng.standard_normal(round(seconds * path.rate_hz)) * PRIME_RMS, -32767, 32767)
    n = 1 << (len(far) + len(path.taps)).bit_length()
    mic = np.fft.irfft(np.fft.rfft(far, n) * np.fft.rfft(path.taps.astype(np.float64), n),
                       n)[:len(far)]
    return far.astype(np.int16), np.clip(mic, -32767, 32767).astype(np.int16)


def save_echo_path(file: Path, path: EchoPath) -> None:
    """Write `path` to `file` atomically (a temporary file renamed over it).

    Raises:
        OSError: the directory is missing or not writable.
    """
    file.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.", suffix=".npz")
    try:
        with os.fdopen(fd, "wb") as out:
            np.savez(out, version=np.int32(FORMAT_VERSION), taps=path.taps,
                     rate_hz=np.int32(path.rate_hz), seconds=np.float64(path.seconds),
                     fit_db=np.float64(path.fit_db))
        os.replace(tmp, file)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_echo_path(file: Path, *, rate_hz: int, max_taps: int) -> EchoPath:
    """Read an echo path written by `save_echo_path`.

    Raises:
        EchoPathError: the file is unreadable, of another version or sample rate, longer than
            the canceller's tail, or holds non-finite values.
    """
    fix = f"delete {file}; the echo path is learned again while the assistant speaks"
    try:
        with np.load(file, allow_pickle=False) as data:
            version = int(data["version"])
            taps = np.asarray(data["taps"], dtype=np.float32)
            rate = int(data["rate_hz"])
            seconds, fit_db = float(data["seconds"]), float(data["fit_db"])
    except (OSError, ValueError, KeyError, EOFError) as exc:
        raise EchoPathError(f"cannot read the stored echo path {file}: {exc}", fix=fix,
                            code="echo_path_unreadable") from exc
    problem = None
    if version != FORMAT_VERSION:
        problem = f"format version {version}, expected {FORMAT_VERSION}"
    elif rate != rate_hz:
        problem = f"sample rate {rate} Hz, expected {rate_hz}"
    elif taps.ndim != 1 or not 0 < len(taps) <= max_taps:
        problem = f"{taps.size} taps, expected 1-{max_taps} (frontend.tail_ms)"
    elif not np.all(np.isfinite(taps)):
        problem = "non-finite values"
    if problem is not None:
        raise EchoPathError(f"stored echo path {file} not usable: {problem}", fix=fix,
                            code="echo_path_unreadable")
    return EchoPath(taps, rate, seconds, fit_db)
