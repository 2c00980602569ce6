"""Loading the pipeline's models, each from the models directory, with clear errors.

Every model is resolved through the model store (models/manifest.yaml): a missing or corrupt
model stops start-up with the exact `cabin models` command that fixes it, before any audio runs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from daemon.audio.frontend import FrontEnd, FrontEndSettings
from daemon.config import CabinConfig
from daemon.errors import ModelError
from daemon.hearing.asr import BackendChoice, Recognizer, choose_backend, load_recognizer
from daemon.hearing.biasing import build_vocabulary
from daemon.hearing.vad import SileroVad
from daemon.hearing.wake import WakeWordDetector, WakeWordModel
from daemon.models import ModelStore, default_manifest_path, load_manifest
from daemon.speaking.speech import Lexicon
from daemon.speaking.tts import PiperTts
from daemon.understanding.intents import free_values, understander, understood

_LOG = logging.getLogger(__name__)

@dataclass(frozen=True)
class Stages:
    """The loaded models of one pipeline."""

    wake: WakeWordDetector
    vad: SileroVad
    recognizer: Recognizer
    asr_choice: BackendChoice
    tts: PiperTts
    frontend: FrontEnd

    def reset(self) -> None:
        """Start a new input stream (a new file in a batch): clocks and states to zero."""
        self.wake.reset()
        self.vad.reset()
        self.frontend.reset()



def front_end_settings(config: CabinConfig) -> FrontEndSettings:
    """The front end's DSP settings from ``frontend`` (the echo-path file is the service's)."""
    return FrontEndSettings(**config.frontend.model_dump(exclude={"echo_path_file"}))

def _single_file(directory: Path, pattern: str, model: str) -> Path:
    files = sorted(directory.glob(pattern))
    if len(files) != 1:
        raise ModelError(f"expected one {pattern} file in {directory}, found {len(files)}",
                         fix=f"run `cabin models fetch {model}`", code="model_missing")
    return files[0]


def resolve(store: ModelStore, name: str) -> Path:
    """The verified directory of model `name` (cheap when its verification stamp is fresh)."""
    directory = store.path(name)
    store.verify(name, full=False)
    return directory


def load_stages(config: CabinConfig) -> Stages:
    """Verify and load every model the config names (blocking: seconds)."""
    store = ModelStore(config.models_dir, load_manifest(default_manifest_path()))
    features = resolve(store, config.wake.features_model)
    words = [
        WakeWordModel(w.model, _single_file(resolve(store, w.model), "*.onnx", w.model),
                      w.threshold)
        for w in config.wake.words
    ]
    # store.loading: a model_corrupt from a loader forgets the stamps (B2, docs/faults.md)
    with store.loading(config.wake.features_model, *(w.model for w in config.wake.words)):
        wake = WakeWordDetector(words, features / "melspectrogram.onnx",
                                features / "embedding_model.onnx", config.wake.refractory_s)
    vad_file = _single_file(resolve(store, config.vad.model), "*.onnx", config.vad.model)
    with store.loading(config.vad.model):
        vad = SileroVad(vad_file)
    choice = choose_backend(config.asr, config.models_dir)
    _LOG.info("ASR backend: %s (%s)", choice.backend, choice.reason)
    resolve(store, choice.model_dir.name)
    with store.loading(choice.model_dir.name):
        recognizer = load_recognizer(choice, config.asr, build_vocabulary(), understood,
                                     free_values)
    voice = resolve(store, config.tts.voice)
    with store.loading(config.tts.voice):
        tts = PiperTts(voice, length_scale=config.tts.length_scale, volume=config.tts.volume,
                       lexicon=Lexicon.from_mapping(config.tts.lexicon))
    frontend = FrontEnd(front_end_settings(config))
    _LOG.info("front end: %s", frontend.settings.describe())
    understander()  # the command language compiled and warmed up now (~0.5 s), not in a turn
    return Stages(wake, vad, recognizer, choice, tts, frontend)
