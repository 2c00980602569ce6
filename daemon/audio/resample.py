"""Sample-rate conversion with a polyphase anti-aliasing filter (scipy's resample_poly)."""

from __future__ import annotations

from math import gcd

import numpy as np
import numpy.typing as npt
from scipy.signal import resample_poly


def resample(samples: npt.NDArray[np.int16], from_hz: int, to_hz: int) -> npt.NDArray[np.int16]:
    """Resample mono int16 audio from `from_hz` to `to_hz` (both in Hz), clipping to int16."""
    if from_hz == to_hz:
        return samples
    g = gcd(from_hz, to_hz)
    out = resample_poly(samples.astype(np.float32), to_hz // g, from_hz // g)
    clipped: npt.NDArray[np.int16] = np.clip(np.rint(out), -32768, 32767).astype(np.int16)
    return clipped


def to_float(samples: npt.NDArray[np.int16]) -> npt.NDArray[np.float32]:
    """int16 samples to float32 in [-1, 1)."""
    return (samples.astype(np.float32) / 32768.0).astype(np.float32)
