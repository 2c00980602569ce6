"""Reading and writing WAV files with clear errors for anything Cabin cannot use.

Cabin's pipeline runs on 16 kHz mono 16-bit PCM. `read_wav` accepts only that (or, with
``resample=True``, any PCM rate and channel count, which it converts); everything else is an
`AudioInputError` naming the file, what it is, and the command that converts it.
"""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from daemon.audio.resample import resample
from daemon.errors import AudioInputError

PIPELINE_RATE_HZ = 16000
"""Sample rate of every stage after the audio source, in Hz."""

Int16Array = npt.NDArray[np.int16]


@dataclass(frozen=True)
class WavAudio:
    """Decoded WAV content.

    Attributes:
        samples: mono int16 samples.
        rate_hz: sample rate in Hz.
    """

    samples: Int16Array
    rate_hz: int

    @property
    def seconds(self) -> float:
        """Duration in seconds."""
        return len(self.samples) / self.rate_hz


def _convert_hint(path: Path) -> str:
    return f"convert it with: sox '{path}' -r 16000 -c 1 -b 16 -e signed-integer out.wav"


MIN_RATE_HZ = 1000
"""Lowest sample rate a WAV header may declare and still be read (or resampled), Hz."""
MAX_RATE_HZ = 384000
"""Highest such rate, Hz: above it the header is corrupt (resampling would need gigabytes)."""
_FORMATS = {3: "32/64-bit float samples", 6: "A-law samples", 7: "mu-law samples",
            0xFFFE: "the WAVE_FORMAT_EXTENSIBLE layout"}
"""WAV format tags people meet, by what Python's wave module calls them (unknown format: N)."""


def _wave_problem(exc: Exception) -> str:
    """What is wrong with the file, from the wave module's terse error."""
    text = str(exc)
    if isinstance(exc, EOFError) or not text:
        return "it ends inside its header (empty or truncated file)"
    if text.startswith("unknown format: "):
        tag = text.removeprefix("unknown format: ")
        what = _FORMATS.get(int(tag)) if tag.isdigit() else None
        return f"it holds {what or f'compressed audio (format tag {tag})'}; " \
            "Cabin needs 16-bit PCM"
    return text


def read_wav(path: Path, *, expect_rate_hz: int | None = PIPELINE_RATE_HZ,
             resample_to: int | None = None) -> WavAudio:
    """Read a PCM WAV file as mono int16.

    Args:
        path: the file.
        expect_rate_hz: refuse any other rate (and more than one channel) with a clear error;
            None accepts any rate.
        resample_to: convert to this rate (Hz) and down-mix to mono instead of refusing.

    Raises:
        AudioInputError: missing file, not a WAV, not 16-bit PCM, wrong rate, or empty.
    """
    try:
        is_dir, is_file = path.is_dir(), path.is_file()
    except OSError as exc:  # EACCES on a directory on the way: not "not found", no traceback
        raise AudioInputError(f"cannot read {path}: {exc.strerror or exc}",
                              fix="check the permissions of the file and its directories",
                              code="audio_missing") from None
    if is_dir:
        raise AudioInputError(f"{path} is a directory, not a WAV file",
                              fix="give the path of one WAV file (e.g. one inside it)",
                              code="audio_missing")
    if not is_file:
        raise AudioInputError(f"audio file not found: {path}", fix="check the path",
                              code="audio_missing")
    try:
        with wave.open(str(path), "rb") as wav:
            channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
            raw = wav.readframes(wav.getnframes())
    except OSError as exc:
        raise AudioInputError(f"cannot read {path}: {exc.strerror or exc}",
                              fix="check the file's permissions", code="audio_missing") from exc
    except (wave.Error, EOFError) as exc:
        raise AudioInputError(
            f"{path} is not a readable PCM WAV file: {_wave_problem(exc)}",
            fix=f"check the file is a WAV recording; {_convert_hint(path)}", code="audio_format",
        ) from exc
    if not MIN_RATE_HZ <= rate <= MAX_RATE_HZ:
        raise AudioInputError(
            f"{path} declares a sample rate of {rate} Hz (a WAV header error; usable rates are "
            f"{MIN_RATE_HZ}-{MAX_RATE_HZ} Hz)", fix=_convert_hint(path), code="audio_rate")
    if width != 2:
        raise AudioInputError(
            f"{path} has {8 * width}-bit samples; Cabin needs 16-bit PCM",
            fix=_convert_hint(path), code="audio_format")
    samples = np.frombuffer(raw[: len(raw) - len(raw) % (2 * channels)], dtype="<i2")
    if channels > 1:
        if resample_to is None:
            raise AudioInputError(f"{path} has {channels} channels; Cabin needs mono",
                                  fix=_convert_hint(path), code="audio_format")
        samples = samples.reshape(-1, channels).mean(axis=1).astype(np.int16)
    if len(samples) == 0:
        raise AudioInputError(f"{path} contains no audio samples",
                              fix="record or choose a non-empty file", code="audio_empty")
    if resample_to is not None and rate != resample_to:
        return WavAudio(resample(samples.astype(np.int16), rate, resample_to), resample_to)
    if resample_to is None and expect_rate_hz is not None and rate != expect_rate_hz:
        raise AudioInputError(
            f"{path} is sampled at {rate} Hz; Cabin's pipeline needs {expect_rate_hz} Hz",
            fix=_convert_hint(path), code="audio_rate")
    return WavAudio(samples.astype(np.int16, copy=True), rate)


def write_wav(path: Path, samples: Int16Array, rate_hz: int) -> None:
    """Write mono int16 samples to a WAV file, creating parent directories."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate_hz)
        wav.writeframes(np.ascontiguousarray(samples, dtype="<i2").tobytes())
