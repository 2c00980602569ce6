"""Whose speech is it: the driver's, or someone quieter in the cabin behind them.

The VAD says "speech" for any voice: a passenger talking after the driver's command keeps the
turn open, and their words end up in the transcript. The driver is the voice closest to the
microphone, so within one turn the driver's speech is the loudest; `DriverGate` learns its level
from the turn's own speech and counts a VAD speech frame as the driver's only when its level is
within ``margin_db`` of it. Pure: feed it levels (`frame_level_db`) and VAD verdicts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FLOOR_DB = -100.0
"""Level of digital silence, dB full scale."""


def frame_level_db(samples: npt.NDArray[np.int16]) -> float:
    """RMS level of one frame, dB relative to int16 full scale (`FLOOR_DB` for silence)."""
    if samples.size == 0:
        return FLOOR_DB
    rms = math.sqrt(float(np.mean(np.square(samples.astype(np.float64)))))
    return FLOOR_DB if rms <= 0.0 else max(FLOOR_DB, 20.0 * math.log10(rms / 32768.0))


@dataclass(frozen=True)
class GateParams:
    """How the gate tells the driver from the cabin.

    Attributes:
        margin_db: speech more than this far below the driver's level is not the driver's, dB.
        smooth_s: time constant of the level's smoothing (a syllable), s: quiet consonants
            inside the driver's words are not dips.
        learn_s: speech heard before the gate judges anything (the driver's first words), s.
    """

    margin_db: float = 9.0
    smooth_s: float = 0.15
    learn_s: float = 0.3


class DriverGate:
    """One turn's gate. Create a new one (or `reset`) per turn."""

    def __init__(self, params: GateParams) -> None:
        self.params = params
        self.reset()

    def reset(self) -> None:
        """Start a new turn."""
        self._smoothed: float | None = None
        self.driver_db = FLOOR_DB
        self._heard_s = 0.0

    def is_driver(self, frame_s: float, is_speech: bool, level_db: float) -> bool:
        """Whether a frame of `frame_s` seconds at `level_db` (dBFS) that the VAD called
        `is_speech` is the driver speaking."""
        alpha = 1.0 - math.exp(-frame_s / self.params.smooth_s)
        power = 10.0 ** (level_db / 10.0)
        previous = self._smoothed if self._smoothed is not None else power
        self._smoothed = previous + alpha * (power - previous)  # pauses pull it down too
        if not is_speech:
            return False
        smoothed_db = 10.0 * math.log10(max(self._smoothed, 1e-12))
        self._heard_s += frame_s
        self.driver_db = max(self.driver_db, smoothed_db)
        if self._heard_s <= self.params.learn_s:
            return True
        return smoothed_db >= self.driver_db - self.params.margin_db
