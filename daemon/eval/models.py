"""The models `cabin eval` runs, built from the Cabin configuration (same files as the daemon)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from daemon.audio.frontend import FrontEnd, FrontEndSettings
from daemon.config import CabinConfig
from daemon.errors import ModelError
from daemon.eval.common import Int16Array
from daemon.hearing.biasing import Vocabulary, build_vocabulary, whisper_hotwords, whisper_prompt
from daemon.hearing.moonshine import MoonshineModel
from daemon.hearing.vad import SileroVad
from daemon.hearing.wake import WakeWordDetector, WakeWordModel
from daemon.hearing.whisper_decoding import open_whisper, whisper_decode

_LOG = logging.getLogger(__name__)

FRONTEND_OFF = FrontEndSettings(aec="none", ns="none", agc=False)
"""The front end disabled (the baseline)."""


def _one(directory: Path, pattern: str) -> Path:
    files = sorted(directory.glob(pattern))
    if len(files) != 1:
        raise ModelError(f"expected one {pattern} in {directory}, found {len(files)}",
                         fix=f"run `cabin models fetch {directory.name}`", code="model_missing")
    return files[0]


RECOMMENDED_THRESHOLDS = {"wake-alexa": 0.95}
"""Thresholds for wake words evaluated without being configured (alexa is evaluated for its
real positives even when cabin.yaml lists hey_jarvis alone): the value measured to meet both
targets (docs/eval.md: 0 of 14 missed, 0 false accepts in 30 min at every SNR)."""


@dataclass(frozen=True)
class WakeSpec:
    """A wake word under evaluation: model name, spoken phrase, threshold (0-1)."""

    model: str
    phrase: str
    threshold: float


PHRASES = {"wake-hey-jarvis": "hey jarvis", "wake-alexa": "alexa",
           "wake-hey-mycroft": "hey mycroft"}


class EvalModels:
    """Loads and builds the pipeline pieces under evaluation.

    Args:
        config: the Cabin configuration (models_dir, wake words and thresholds, ASR options).
        wake_models: wake-word model names to evaluate (default: the configured ones plus
            wake-alexa, so both real positive sets count).
    """

    def __init__(self, config: CabinConfig, wake_models: tuple[str, ...] | None = None) -> None:
        self.config = config
        configured = {w.model: w.threshold for w in config.wake.words}
        names = wake_models or tuple(dict.fromkeys([*configured, "wake-alexa"]))
        self.wake_specs = tuple(
            WakeSpec(n, PHRASES.get(n, n.removeprefix("wake-").replace("-", " ")),
                     configured.get(n, RECOMMENDED_THRESHOLDS.get(n, 0.5))) for n in names)
        self._whisper: object | None = None
        self._moonshine: MoonshineModel | None = None
        self.vocabulary: Vocabulary = build_vocabulary()

    @property
    def models_dir(self) -> Path:
        """Where the models are."""
        return self.config.models_dir

    def wake_detector(self) -> WakeWordDetector:
        """A fresh detector listening for every evaluated wake word at its threshold."""
        feats = self.models_dir / self.config.wake.features_model
        words = [WakeWordModel(s.model, _one(self.models_dir / s.model, "*.onnx"), s.threshold)
                 for s in self.wake_specs]
        return WakeWordDetector(words, feats / "melspectrogram.onnx",
                                feats / "embedding_model.onnx", self.config.wake.refractory_s)

    def vad(self) -> SileroVad:
        """A fresh Silero VAD."""
        return SileroVad(_one(self.models_dir / self.config.vad.model, "*.onnx"))

    @staticmethod
    def front_end(settings: FrontEndSettings) -> FrontEnd:
        """A fresh front end."""
        return FrontEnd(settings)

    def _whisper_model(self) -> object:
        if self._whisper is None:
            path = self.models_dir / self.config.asr.whisper_model
            if not path.is_dir():
                raise ModelError(f"faster-whisper model missing: {path}",
                                 fix=f"run `cabin models fetch {path.name}`",
                                 code="model_missing")
            self._whisper = open_whisper(path, self.config.asr)
        return self._whisper

    @property
    def moonshine(self) -> MoonshineModel | None:
        """The Moonshine model when ``asr.backend`` is ``moonshine`` (loaded once), else None."""
        if self.config.asr.backend != "moonshine":
            return None
        if self._moonshine is None:
            path = self.models_dir / self.config.asr.moonshine_model
            self._moonshine = MoonshineModel(path, self.config.asr.threads)
        return self._moonshine

    def transcribe(self, audio: Int16Array, *, biased: bool) -> str:
        """faster-whisper on a whole utterance; `biased` adds the vocabulary prompt+hotwords.

        The daemon's decode (`daemon.hearing.whisper_decoding.whisper_decode`): the same window,
        budget
        and options. With ``asr.backend: moonshine``, Moonshine's decode instead (never biased).
        """
        if self.moonshine is not None:
            return self.moonshine.decode_scored(audio.astype(np.float32) / 32768.0)[0]
        prompt = whisper_prompt(self.vocabulary) if biased else None
        hotwords = whisper_hotwords(self.vocabulary) if biased else None
        return whisper_decode(self._whisper_model(), audio.astype(np.float32) / 32768.0,
                              self.config.asr, prompt, hotwords)
