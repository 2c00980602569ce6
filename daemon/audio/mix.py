"""Level measurement and mixing for building and evaluating test audio (pure numpy).

All functions work on mono float64 signals in full-scale units (1.0 = 0 dBFS, i.e. int16 values
divided by 32768). Levels are in dBFS (RMS relative to a full-scale square wave, so a full-scale
sine measures -3 dBFS), gains and SNRs in dB, rates in Hz, times in seconds. Randomness comes
only from the `numpy.random.Generator` the caller passes in, so results are deterministic given
a seed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

_LOG = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
Int16Array = npt.NDArray[np.int16]

SILENCE_DBFS = -200.0
"""Level reported for an all-zero signal, in dBFS."""

FRAME_S = 0.010
"""Frame length of the active-speech gate, in seconds."""

ACTIVE_GATE_DB = 30.0
"""A frame counts as active speech if it is within this many dB of the loudest frame."""

ACTIVE_FLOOR_DBFS = -70.0
"""Frames quieter than this (dBFS) never count as active speech."""

NOISE_MARGIN_DB = 10.0
"""Active frames must be this many dB above the recording's background level."""

MIN_RUN_S = 0.05
"""Active stretches shorter than this (s) are clicks, not speech, for `active_span`."""

CLIP_LIMIT = 32767.0 / 32768.0
"""Largest magnitude (full-scale units) that survives conversion to int16 unclipped."""


def to_float(samples: Int16Array) -> FloatArray:
    """int16 samples to float64 full-scale units in [-1, 1)."""
    return samples.astype(np.float64) / 32768.0


def to_int16(signal: FloatArray) -> Int16Array:
    """Full-scale float samples to int16 (rounded, saturating at the int16 limits)."""
    return np.clip(np.rint(signal * 32768.0), -32768, 32767).astype(np.int16)


def seconds_to_samples(seconds: float, rate_hz: int) -> int:
    """Duration in seconds to a whole number of samples at `rate_hz` (rounded)."""
    return round(seconds * rate_hz)


def samples_to_seconds(samples: int, rate_hz: int) -> float:
    """Sample count to seconds at `rate_hz`."""
    return samples / rate_hz


def power_to_db(power: float) -> float:
    """Mean power (full-scale units squared) to dBFS; `SILENCE_DBFS` for zero."""
    return 10.0 * float(np.log10(power)) if power > 0.0 else SILENCE_DBFS


def rms_dbfs(signal: FloatArray) -> float:
    """RMS level of the whole signal, in dBFS."""
    return power_to_db(float(np.mean(np.square(signal)))) if len(signal) else SILENCE_DBFS


def frame_powers(signal: FloatArray, rate_hz: int, frame_s: float = FRAME_S) -> FloatArray:
    """Mean power of consecutive non-overlapping frames of `frame_s` seconds (last one partial)."""
    n = max(1, seconds_to_samples(frame_s, rate_hz))
    padded = np.zeros(-(-len(signal) // n) * n)
    padded[: len(signal)] = np.square(signal)
    counts = np.full(len(padded) // n, float(n))
    if len(signal) % n:
        counts[-1] = float(len(signal) % n)
    return np.asarray(padded.reshape(-1, n).sum(axis=1) / counts, dtype=np.float64)


def active_mask(signal: FloatArray, rate_hz: int, gate_db: float = ACTIVE_GATE_DB,
                floor_dbfs: float = ACTIVE_FLOOR_DBFS) -> npt.NDArray[np.bool_]:
    """Per-frame flags (frames of `FRAME_S` s): True where the frame is active speech.

    A frame is active when its level is above all of: `gate_db` dB below the loudest frame;
    `floor_dbfs` dBFS; and `NOISE_MARGIN_DB` dB above the recording's own background (its
    10th-percentile frame level), capped at `NOISE_MARGIN_DB` dB below the loudest frame so a
    signal without pauses (a tone, continuous speech) stays active.
    """
    powers = frame_powers(signal, rate_hz)
    if len(powers) == 0 or powers.max() <= 0.0:
        return np.zeros(len(powers), dtype=bool)
    loudest = float(powers.max())
    margin = 10.0 ** (NOISE_MARGIN_DB / 10.0)
    background = min(float(np.percentile(powers, 10.0)) * margin, loudest / margin)
    threshold = max(loudest * 10.0 ** (-gate_db / 10.0), 10.0 ** (floor_dbfs / 10.0),
                    background)
    return np.asarray(powers >= threshold, dtype=bool)


def active_level_dbfs(signal: FloatArray, rate_hz: int) -> float:
    """Active speech level in dBFS: the RMS over the frames `active_mask` flags.

    A simplified ITU-T P.56: pauses and leading/trailing silence do not lower the level.
    """
    mask = active_mask(signal, rate_hz)
    if not mask.any():
        return SILENCE_DBFS
    return power_to_db(float(frame_powers(signal, rate_hz)[mask].mean()))


def active_span(signal: FloatArray, rate_hz: int) -> tuple[int, int]:
    """(first, end) sample indices spanning the speech; (0, 0) if there is none.

    Speech is every active frame (`active_mask`) except isolated stretches shorter than
    `MIN_RUN_S` s (clicks), unless nothing longer exists.
    """
    mask = active_mask(signal, rate_hz)
    n = max(1, seconds_to_samples(FRAME_S, rate_hz))
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.astype(np.int8), [0]))))
    runs = [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]
    if not runs:
        return 0, 0
    min_frames = max(1, seconds_to_samples(MIN_RUN_S, rate_hz) // n)
    speech = [r for r in runs if r[1] - r[0] >= min_frames] or runs
    return speech[0][0] * n, min(len(signal), speech[-1][1] * n)


def trim_to_active(signal: FloatArray, rate_hz: int, margin_s: float = 0.05,
                   fade_s: float = 0.01) -> FloatArray:
    """Cut leading and trailing silence, keeping `margin_s` s around the speech, with fades.

    Linear fades of `fade_s` s at both ends avoid clicks where the recording's own background
    is cut off.
    """
    first, end = active_span(signal, rate_hz)
    margin = seconds_to_samples(margin_s, rate_hz)
    out = signal[max(0, first - margin): min(len(signal), end + margin)].copy()
    fade = min(seconds_to_samples(fade_s, rate_hz), len(out) // 2)
    if fade > 0:
        ramp = np.linspace(0.0, 1.0, fade, endpoint=False)
        out[:fade] *= ramp
        out[len(out) - fade:] *= ramp[::-1]
    return out


def gain(signal: FloatArray, db: float) -> FloatArray:
    """`signal` amplified by `db` dB."""
    return np.asarray(signal * 10.0 ** (db / 20.0), dtype=np.float64)


def normalize_to_dbfs(signal: FloatArray, rate_hz: int, target_dbfs: float) -> FloatArray:
    """Scale `signal` so its active speech level is `target_dbfs` dBFS (silence is unchanged)."""
    level = active_level_dbfs(signal, rate_hz)
    if level <= SILENCE_DBFS:
        return signal.copy()
    return gain(signal, target_dbfs - level)


def silence(seconds: float, rate_hz: int) -> FloatArray:
    """`seconds` s of zeros at `rate_hz`."""
    return np.zeros(seconds_to_samples(seconds, rate_hz))


def concat_with_gaps(parts: Sequence[FloatArray], gap_s: float | Sequence[float],
                     rate_hz: int) -> tuple[FloatArray, list[tuple[int, int]]]:
    """Join `parts` with silent gaps between them.

    Args:
        parts: the signals, in order.
        gap_s: silence between consecutive parts in seconds: one value for every gap, or one per
            gap (``len(parts) - 1`` values).
        rate_hz: sample rate in Hz.

    Returns:
        The joined signal and, per part, its (start, end) sample indices in it.
    """
    gaps = [float(gap_s)] * max(0, len(parts) - 1) if isinstance(gap_s, float | int) \
        else [float(g) for g in gap_s]
    if len(gaps) != max(0, len(parts) - 1):
        raise ValueError(f"need {len(parts) - 1} gaps for {len(parts)} parts, got {len(gaps)}")
    pieces: list[FloatArray] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    for i, part in enumerate(parts):
        if i > 0:
            pieces.append(silence(gaps[i - 1], rate_hz))
            pos += len(pieces[-1])
        spans.append((pos, pos + len(part)))
        pieces.append(np.asarray(part, dtype=np.float64))
        pos += len(part)
    return (np.concatenate(pieces) if pieces else np.zeros(0)), spans


def noise_segment(noise: FloatArray, length: int, rng: np.random.Generator) -> FloatArray:
    """`length` samples of `noise` from a random offset, looping the noise if it is too short."""
    if len(noise) == 0:
        raise ValueError("noise signal is empty")
    start = int(rng.integers(0, len(noise)))
    reps = -(-(start + length) // len(noise))
    return np.tile(noise, reps)[start: start + length].copy()


@dataclass(frozen=True)
class MixResult:
    """A speech + noise mix and how it was made.

    Attributes:
        mix: the mixed signal (full-scale units, peak at most `CLIP_LIMIT`).
        speech: the speech component exactly as it is contained in `mix`.
        noise: the noise component exactly as it is contained in `mix`.
        snr_db: the SNR that was asked for, in dB (active speech level vs noise RMS).
        noise_gain_db: gain applied to the noise before any anti-clipping scale, in dB.
        headroom_db: gain applied to the whole mix to prevent clipping, in dB (0.0 = none;
            negative when the mix had to be scaled down).
    """

    mix: FloatArray
    speech: FloatArray
    noise: FloatArray
    snr_db: float
    noise_gain_db: float
    headroom_db: float

    @property
    def scaled_down(self) -> bool:
        """True when the whole mix was scaled down to avoid clipping."""
        return self.headroom_db < 0.0


def mix_at_snr(speech: FloatArray, noise: FloatArray, snr_db: float, rng: np.random.Generator,
               rate_hz: int = 16000) -> MixResult:
    """Add `noise` to `speech` at `snr_db` dB SNR, without clipping.

    The SNR is the speech's active level (`active_level_dbfs`) minus the RMS level of the noise
    segment actually used (in dB). The noise is cropped from a random offset (looped if shorter)
    to the speech length. If the sum would exceed full scale, the whole mix is scaled down (the
    SNR is unchanged) and `MixResult.headroom_db` reports by how much.

    Args:
        speech: the speech signal (full-scale units).
        noise: the noise recording (full-scale units), any length.
        snr_db: wanted SNR in dB.
        rng: source of the noise offset.
        rate_hz: sample rate in Hz (used by the active-speech gate's frame length).
    """
    segment = noise_segment(noise, len(speech), rng)
    speech_db = active_level_dbfs(speech, rate_hz)
    noise_db = rms_dbfs(segment)
    if speech_db <= SILENCE_DBFS or noise_db <= SILENCE_DBFS:
        raise ValueError("cannot set an SNR: speech or noise is silent")
    noise_gain_db = speech_db - snr_db - noise_db
    scaled_noise = gain(segment, noise_gain_db)
    mixed = speech + scaled_noise
    peak = float(np.max(np.abs(mixed))) if len(mixed) else 0.0
    headroom_db = 0.0
    scale = 1.0
    if peak > CLIP_LIMIT:
        scale = CLIP_LIMIT / peak
        headroom_db = 20.0 * float(np.log10(scale))
        _LOG.warning("mix at %.1f dB SNR would clip (peak %.2f dBFS); scaled down by %.2f dB",
                     snr_db, 20.0 * np.log10(peak), -headroom_db)
    return MixResult(mix=mixed * scale, speech=speech * scale, noise=scaled_noise * scale,
                     snr_db=snr_db, noise_gain_db=noise_gain_db, headroom_db=headroom_db)


def measured_snr_db(speech: FloatArray, noise: FloatArray, rate_hz: int = 16000) -> float:
    """SNR in dB of separately known components: active speech level minus noise RMS level."""
    return active_level_dbfs(speech, rate_hz) - rms_dbfs(noise)
