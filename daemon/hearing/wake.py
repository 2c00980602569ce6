"""Wake-word detection with openWakeWord (ONNX), chunk-size invariant.

Audio of any chunk size goes in; it is cut into the 80 ms (1280-sample) blocks openWakeWord
works on, so the scores do not depend on how the caller chunks the stream. `process` returns
the detections (at most one per refractory period) with the input time of the block's end.
"""

from __future__ import annotations

import logging
import sys
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from daemon.errors import ModelError

_LOG = logging.getLogger(__name__)

BLOCK_SAMPLES = 1280
"""openWakeWord's block: 80 ms at 16 kHz."""
RATE_HZ = 16000


@dataclass(frozen=True)
class WakeWordModel:
    """One wake word to listen for.

    Attributes:
        name: the name reported in events (the model name, e.g. ``wake-hey-jarvis``).
        path: the ONNX model file.
        threshold: score (0-1) at or above which it fires.
    """

    name: str
    path: Path
    threshold: float


_VERIFIER = "openwakeword.custom_verifier_model"


def _no_verifier(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("openWakeWord's custom verifier training is not available in Cabin")


def openwakeword_model() -> type[Any]:
    """openWakeWord's `Model` class, without its training-only verifier module.

    ``openwakeword/__init__.py`` imports `custom_verifier_model`, which imports scikit-learn and
    SciPy: ~80 MB resident and ~1 s at start-up, for training a custom verifier, which Cabin
    never does (it passes no verifier models). A placeholder module stands in for it unless
    the real one was imported already; everything Cabin calls is in `openwakeword.model` and
    `openwakeword.utils`. tests/unit/test_resample.py checks that the loaded daemon holds no
    SciPy or scikit-learn module.
    """
    if _VERIFIER not in sys.modules:
        placeholder = types.ModuleType(_VERIFIER, "placeholder: verifier training not shipped")
        placeholder.train_custom_verifier = _no_verifier  # type: ignore[attr-defined]
        sys.modules[_VERIFIER] = placeholder
    from openwakeword.model import Model

    return Model  # type: ignore[no-any-return]  # untyped library


@dataclass(frozen=True)
class Detection:
    """A wake word fired.

    Attributes:
        name: which wake word.
        score: the model's score (0-1).
        t_ms: input time of the end of the 80 ms block that fired, ms.
    """

    name: str
    score: float
    t_ms: float


class WakeWordDetector:
    """Streaming detector for one or more wake words.

    Args:
        words: the wake words and their thresholds.
        melspec_path: openWakeWord's melspectrogram.onnx.
        embedding_path: openWakeWord's embedding_model.onnx.
        refractory_s: seconds after a detection during which no wake word fires again.
    """

    def __init__(self, words: list[WakeWordModel], melspec_path: Path, embedding_path: Path,
                 refractory_s: float = 2.0) -> None:
        Model = openwakeword_model()  # noqa: N806  # a class

        for path in [melspec_path, embedding_path, *(w.path for w in words)]:
            if not path.is_file():
                raise ModelError(f"wake-word model file missing: {path}",
                                 fix="run `cabin models fetch`", code="model_missing")
        try:
            self._model = Model(
                wakeword_models=[str(w.path) for w in words], inference_framework="onnx",
                melspec_model_path=str(melspec_path), embedding_model_path=str(embedding_path))
        except Exception as exc:  # onnxruntime raises assorted types for a bad file
            raise ModelError(f"cannot load openWakeWord models: {exc}",
                             fix="run `cabin models verify` and re-fetch", code="model_corrupt"
                             ) from exc
        self._words = {w.path.stem: w for w in words}
        self._refractory_ms = refractory_s * 1000.0
        self._pending = np.zeros(0, dtype=np.int16)
        self._samples_done = 0
        self._last_fire_ms = -1e12

    def reset(self) -> None:
        """Start a new stream: model state, buffered audio and the input clock back to zero."""
        self._model.reset()
        self._pending = np.zeros(0, dtype=np.int16)
        self._samples_done = 0
        self._last_fire_ms = -1e12

    def process(self, samples: npt.NDArray[np.int16]) -> list[Detection]:
        """Feed 16 kHz int16 audio; returns the wake words that fired in it."""
        buf = np.concatenate([self._pending, samples]) if len(self._pending) else samples
        fired: list[Detection] = []
        n_blocks = len(buf) // BLOCK_SAMPLES
        for i in range(n_blocks):
            block = buf[i * BLOCK_SAMPLES:(i + 1) * BLOCK_SAMPLES]
            scores = self._model.predict(block)
            self._samples_done += BLOCK_SAMPLES
            t_ms = self._samples_done * 1000.0 / RATE_HZ
            hit = self._best_hit(scores, t_ms)
            if hit is not None:
                fired.append(hit)
        self._pending = buf[n_blocks * BLOCK_SAMPLES:].copy()
        return fired

    def _best_hit(self, scores: dict[str, float], t_ms: float) -> Detection | None:
        if t_ms - self._last_fire_ms < self._refractory_ms:
            return None
        best: Detection | None = None
        for key, score in scores.items():
            word = self._words.get(key)
            if word is not None and score >= word.threshold and (
                    best is None or score > best.score):
                best = Detection(word.name, float(score), t_ms)
        if best is not None:
            self._last_fire_ms = t_ms
            _LOG.debug("wake %s score=%.2f at %.0f ms", best.name, best.score, t_ms)
        return best
