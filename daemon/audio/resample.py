"""Sample-rate conversion with a polyphase anti-aliasing filter, in numpy alone.

The filter and the arithmetic are scipy's `resample_poly` defaults (a Kaiser-windowed sinc,
beta 5, 10 zero crossings per side of the slower rate; the output aligned to the input), so
the results match it to float rounding (tests/unit/test_resample.py compares them). Importing
anything from `scipy.signal` loads the whole package, 77 MB resident and 0.6 s, for this one
function: the daemon does not pay that.
"""

from __future__ import annotations

from functools import lru_cache
from math import gcd

import numpy as np
import numpy.typing as npt

BLOCK_OUT = 16384
"""Output samples computed per step (bounds the gather matrix to ~BLOCK_OUT x taps/phase)."""

KAISER_BETA = 5.0
ZERO_CROSSINGS = 10


@lru_cache(maxsize=16)
def _polyphase(up: int, down: int) -> tuple[npt.NDArray[np.float32], int]:
    """The filter bank (`up` phases x taps, float32 like scipy's for float32 input) and the
    output offset of the filter."""
    max_rate = max(up, down)
    half_len = ZERO_CROSSINGS * max_rate
    taps = 2 * half_len + 1
    m = np.arange(taps) - half_len
    cutoff = 1.0 / max_rate  # of Nyquist
    h = cutoff * np.sinc(cutoff * m) * np.kaiser(taps, KAISER_BETA)
    h = h / h.sum() * up
    pre_pad = down - half_len % down  # puts the output samples at the filter's centre
    h = np.concatenate((np.zeros(pre_pad), h))
    per_phase = -(-len(h) // up)
    bank = np.zeros(up * per_phase)
    bank[: len(h)] = h
    offset = (half_len + pre_pad) // down
    return bank.reshape(per_phase, up).T.astype(np.float32), offset


def resample_float(x: npt.NDArray[np.floating], up: int, down: int) -> npt.NDArray[np.float32]:
    """`x` (1-D) at `up`/`down` times its rate: ceil(len(x) * up / down) samples."""
    g = gcd(up, down)
    up, down = up // g, down // g
    if up == down:
        return np.asarray(x, dtype=np.float32).copy()
    bank, offset = _polyphase(up, down)
    per_phase = bank.shape[1]
    n_in = len(x)
    n_out = -(-n_in * up // down)
    padded = np.concatenate((np.zeros(per_phase, np.float32), np.asarray(x, dtype=np.float32),
                             np.zeros(per_phase, np.float32)))
    out = np.empty(n_out, np.float32)
    lags = np.arange(per_phase)
    for start in range(0, n_out, BLOCK_OUT):
        m = np.arange(start, min(start + BLOCK_OUT, n_out)) + offset  # full-convolution index
        phase = (m * down) % up
        newest = (m * down - phase) // up  # input index met by the filter's first tap of phase
        index = newest[:, None] - lags[None, :] + per_phase
        np.clip(index, 0, len(padded) - 1, out=index)  # beyond the input: the zero padding
        out[start:start + len(m)] = np.einsum("ij,ij->i", bank[phase], padded[index])
    return out


def resample(samples: npt.NDArray[np.int16], from_hz: int, to_hz: int) -> npt.NDArray[np.int16]:
    """Resample mono int16 audio from `from_hz` to `to_hz` (both in Hz), clipping to int16."""
    if from_hz == to_hz:
        return samples
    g = gcd(from_hz, to_hz)
    out = resample_float(samples.astype(np.float32), to_hz // g, from_hz // g)
    clipped: npt.NDArray[np.int16] = np.clip(np.rint(out), -32768, 32767).astype(np.int16)
    return clipped


def to_float(samples: npt.NDArray[np.int16]) -> npt.NDArray[np.float32]:
    """int16 samples to float32 in [-1, 1)."""
    return (samples.astype(np.float32) / 32768.0).astype(np.float32)
