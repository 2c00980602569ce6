"""The last moments of processed audio, so an utterance detected late (barge-in, follow-up) is
heard from its onset (the listener keeps the VAD frames over the same span, daemon/listener.py)."""

from __future__ import annotations

from collections import deque

import numpy as np
import numpy.typing as npt

RATE_HZ = 16000
PRE_ROLL_S = 0.6
"""Audio kept before a barge-in is detected, so the new utterance starts at its onset, s."""


class PreRoll:
    """Keeps at least `seconds` of the latest audio.

    Args:
        seconds: how much to keep, s.
    """

    def __init__(self, seconds: float = PRE_ROLL_S) -> None:
        self._seconds = seconds
        self._chunks: deque[npt.NDArray[np.int16]] = deque()
        self._samples = 0

    def add(self, chunk: npt.NDArray[np.int16]) -> None:
        """Remember a processed chunk (16 kHz)."""
        self._chunks.append(chunk)
        self._samples += len(chunk)
        while self._samples - len(self._chunks[0]) > self._seconds * RATE_HZ:
            self._samples -= len(self._chunks.popleft())

    def last(self, ms: float) -> npt.NDArray[np.int16] | None:
        """The latest `ms` milliseconds of audio (as much as is kept); None for none."""
        keep = int(max(0.0, ms) * RATE_HZ / 1000.0)
        if not keep or not self._chunks:
            return None
        return np.concatenate(list(self._chunks))[-keep:]
