"""Resident memory: each model's share, measured as the RSS it adds when it is loaded.

The models are loaded one after the other (the same models and order as
`daemon.stages.load_stages`), after the native runtimes are imported, so each share is the
model's own weights and buffers; the runtimes (onnxruntime, CTranslate2, Piper, llama.cpp) are
reported as one share of their own. The language model is the daemon's router, loaded as the
daemon loads it: the GGUF memory-mapped and the system prompt evaluated and cached.
"""

from __future__ import annotations

import importlib
import logging
import resource
import time
from dataclasses import dataclass
from pathlib import Path

from daemon.audio.frontend import FrontEnd
from daemon.config import CabinConfig
from daemon.conversation.decide import Agent
from daemon.errors import CabinError, ModelError
from daemon.hearing.asr import choose_backend, load_recognizer
from daemon.hearing.biasing import build_vocabulary
from daemon.hearing.vad import SileroVad
from daemon.hearing.wake import WakeWordDetector, WakeWordModel, openwakeword_model
from daemon.models import ModelStore, default_manifest_path, load_manifest
from daemon.speaking.speech import Lexicon
from daemon.speaking.tts import PiperTts
from daemon.stages import Stages, front_end_settings, resolve

_LOG = logging.getLogger(__name__)
RUNTIMES = ("onnxruntime", "ctranslate2", "faster_whisper", "piper", "llama_cpp")
"""Native runtimes imported before the models, so their code is not charged to a model
(openWakeWord too, through `daemon.hearing.wake.openwakeword_model`)."""


def rss_mb() -> float:
    """This process's resident set size now, MB (Linux /proc; else the peak so far)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return peak_rss_mb()


def rss_split_mb() -> dict[str, float]:
    """Resident memory now by kind, MB: ``anon`` (heap, KV cache, buffers) and ``file``
    (memory-mapped files such as the GGUF weights: clean pages the kernel can drop and reload)."""
    out: dict[str, float] = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(("RssAnon:", "RssFile:", "RssShmem:")):
                key, value = line.split(":", 1)
                out[key[3:].lower()] = round(int(value.split()[0]) / 1024.0, 1)
    except OSError:
        pass
    return out


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


@dataclass(frozen=True)
class Share:
    """What loading one thing added to the resident memory.

    Attributes:
        name: the model (or ``baseline``, ``runtimes``).
        mb: resident memory it added, MB.
        load_s: wall time it took to load, s.
    """

    name: str
    mb: float
    load_s: float


class RssProbe:
    """Records the RSS added by each step since the previous one."""

    def __init__(self) -> None:
        self.shares: list[Share] = [Share("baseline", round(rss_mb(), 1), 0.0)]
        self._last = rss_mb()
        self._started = time.perf_counter()

    def mark(self, name: str) -> None:
        """The step `name` has just finished."""
        now, clock = rss_mb(), time.perf_counter()
        self.shares.append(Share(name, round(now - self._last, 1),
                                 round(clock - self._started, 2)))
        self._last, self._started = now, clock

    def restart(self) -> None:
        """Start timing the next step now (its memory still counts from the last mark)."""
        self._started = time.perf_counter()


def _onnx(directory: Path, model: str) -> Path:
    files = sorted(directory.glob("*.onnx"))
    if len(files) != 1:
        raise ModelError(f"expected one .onnx file in {directory}, found {len(files)}",
                         fix=f"run `cabin models fetch {model}`", code="model_missing")
    return files[0]


def load_measured(config: CabinConfig, probe: RssProbe) -> Stages:
    """Load the pipeline's models one by one, marking each one's share on `probe`."""
    for module in RUNTIMES:
        try:
            importlib.import_module(module)
        except ImportError as exc:  # llama-cpp-python is optional (requirements-llm.txt)
            _LOG.warning("runtime %s not importable (%s): not counted", module, exc)
    openwakeword_model()  # as the daemon imports it (without the verifier's SciPy)
    probe.mark("runtimes")
    store = ModelStore(config.models_dir, load_manifest(default_manifest_path()))
    features = resolve(store, config.wake.features_model)
    words = [WakeWordModel(w.model, _onnx(resolve(store, w.model), w.model), w.threshold)
             for w in config.wake.words]
    probe.restart()
    wake = WakeWordDetector(words, features / "melspectrogram.onnx",
                            features / "embedding_model.onnx", config.wake.refractory_s)
    probe.mark("wake word (openWakeWord)")
    vad = SileroVad(_onnx(resolve(store, config.vad.model), config.vad.model))
    probe.mark("VAD (Silero)")
    choice = choose_backend(config.asr, config.models_dir)
    resolve(store, choice.model_dir.name)
    probe.restart()
    recognizer = load_recognizer(choice, config.asr, build_vocabulary())
    probe.mark(f"ASR ({choice.model_dir.name})")
    tts = PiperTts(resolve(store, config.tts.voice), length_scale=config.tts.length_scale,
                   volume=config.tts.volume, lexicon=Lexicon.from_mapping(config.tts.lexicon))
    probe.mark(f"TTS ({config.tts.voice})")
    frontend = FrontEnd(front_end_settings(config))
    probe.mark("front end (Speex AEC)")
    return Stages(wake, vad, recognizer, choice, tts, frontend)


def load_llm(config: CabinConfig, probe: RssProbe) -> Agent | None:
    """Load the language-model router (daemon/llm/router.py) as the daemon does: the GGUF model
    with its system prompt evaluated and cached. Returns it to be the replays' agent (and to
    keep it resident for the peak); None when the LLM is disabled or cannot be loaded."""
    if not config.llm.enabled:
        return None
    try:
        from daemon.llm.router import Router
        from vehicle_tools.tools import default_registry
    except ImportError as exc:  # llama-cpp-python is optional (requirements-llm.txt)
        _LOG.warning("no language model (%s): its share is not measured", exc)
        return None
    probe.restart()
    router = Router(config.llm, default_registry(), config.models_dir)
    try:
        router.load()
    except CabinError as exc:
        _LOG.warning("language model not loaded: %s", exc)
        return None
    probe.mark(f"LLM ({config.llm.model}, prompt cached)")
    return router
