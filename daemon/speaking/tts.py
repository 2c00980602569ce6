"""Piper text-to-speech, sentence by sentence.

`PiperTts.synthesize` is blocking (onnxruntime): callers on the event loop run it with
`asyncio.to_thread`. Each yielded `SpeechChunk` is one sentence of int16 audio at the voice's
native rate (22.05 kHz for en_US-joe-medium).
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from daemon.errors import ModelError, TtsError
from daemon.speaking.speech import Lexicon, split_for_speech

if TYPE_CHECKING:
    from piper import PiperVoice

_LOG = logging.getLogger(__name__)
CACHE_PHRASES = 64
"""Fixed phrases kept pre-rendered (see `PiperTts.warm`)."""


@dataclass(frozen=True)
class SpeechChunk:
    """One synthesized sentence.

    Attributes:
        samples: mono int16 audio.
        rate_hz: sample rate in Hz.
        text: the sentence it speaks.
    """

    samples: npt.NDArray[np.int16]
    rate_hz: int
    text: str


def _load_voice(onnx: Path) -> PiperVoice:
    """`PiperVoice.load` with our session options: onnxruntime's memory-pattern planning off.

    With it on, onnxruntime pre-plans (and keeps) one arena block per input shape it has met,
    and every sentence length is a new shape: off, the resident memory after a set of replies
    was 50 MB lower (171 MB against 194-228 MB added) at the same CPU real-time factor
    (0.13-0.15 both; tools/mem_probe.py, docs/benchmarks.md). The CPU arena stays on: off, it
    cost ~15 % CPU and did not lower the peak.
    """
    import json

    import onnxruntime
    from piper import PiperConfig, PiperVoice

    options = onnxruntime.SessionOptions()
    options.enable_mem_pattern = False
    with open(f"{onnx}.json", encoding="utf-8") as config:
        settings = PiperConfig.from_dict(json.load(config))
    session = onnxruntime.InferenceSession(str(onnx), sess_options=options,
                                           providers=["CPUExecutionProvider"])
    return PiperVoice(session=session, config=settings, download_dir=Path.cwd())


class PiperTts:
    """A loaded Piper voice.

    Args:
        model_dir: directory holding exactly one ``*.onnx`` voice and its ``.onnx.json``.
        length_scale: phoneme duration factor (> 1 speaks slower, < 1 faster).
        volume: linear gain applied to the samples (1.0 = unchanged).
        lexicon: pronunciations applied to the text before synthesis.
        variation: Piper's sampled variation of timing and timbre (VITS noise). On for the
            driver; off, the same text always gives the same samples (test audio that must
            not change between runs: tests/pipeline/test_dialogue_replay.py once failed 2 runs
            of 5 because whisper-tiny heard a varied "unlock the doors" as "I'm off the doors").
    """

    def __init__(self, model_dir: Path, *, length_scale: float = 1.0, volume: float = 1.0,
                 lexicon: Lexicon | None = None, variation: bool = True) -> None:
        from piper import SynthesisConfig

        onnx = sorted(model_dir.glob("*.onnx"))
        if len(onnx) != 1 or not Path(f"{onnx[0]}.json").is_file():
            raise ModelError(f"no Piper voice (one .onnx and its .onnx.json) in {model_dir}",
                             fix="run `cabin models fetch piper-joe-medium`", code="model_missing")
        started = time.perf_counter()
        try:
            self._voice = _load_voice(onnx[0])
        except Exception as exc:  # onnxruntime raises many types for a bad model file
            raise ModelError(f"cannot load Piper voice {onnx[0]}: {exc}",
                             fix="run `cabin models verify` and re-fetch the voice",
                             code="model_corrupt") from exc
        self._syn = SynthesisConfig(length_scale=length_scale, volume=volume) if variation \
            else SynthesisConfig(length_scale=length_scale, volume=volume, noise_scale=0.0,
                                 noise_w_scale=0.0)
        self.lexicon = lexicon or Lexicon()
        self._cache: OrderedDict[str, npt.NDArray[np.int16]] = OrderedDict()
        self.rate_hz: int = int(self._voice.config.sample_rate)
        _LOG.info("piper voice %s loaded in %.2f s (%d Hz)", onnx[0].name,
                  time.perf_counter() - started, self.rate_hz)

    def synthesize(self, text: str) -> Iterator[SpeechChunk]:
        """Synthesize `text`, one chunk per sentence (or clause of a long sentence), each
        yielded as soon as it is ready. `SpeechChunk.text` is the original wording."""
        for sentence in split_for_speech(text):
            spoken = self.lexicon.apply(sentence)
            audio = self._cache.get(spoken)
            if audio is None:
                audio = self._render(spoken)
            if len(audio):
                yield SpeechChunk(audio, self.rate_hz, sentence)

    def warm(self, phrases: list[str]) -> None:
        """Pre-render fixed phrases (acknowledgements, apologies): they then play at once.

        The cache holds at most `CACHE_PHRASES` pieces; it is filled only by this method, so
        dynamic replies never evict the fixed ones.
        """
        for phrase in phrases:
            for sentence in split_for_speech(phrase):
                spoken = self.lexicon.apply(sentence)
                if spoken not in self._cache and len(self._cache) < CACHE_PHRASES:
                    self._cache[spoken] = self._render(spoken)

    def _render(self, spoken: str) -> npt.NDArray[np.int16]:
        try:
            parts = [np.frombuffer(c.audio_int16_bytes, dtype=np.int16)
                     for c in self._voice.synthesize(spoken, syn_config=self._syn)]
        except Exception as exc:  # espeak/onnxruntime failures surface as assorted types
            raise TtsError(f"speech synthesis failed for {spoken!r}: {exc}",
                           fix="check the voice files with `cabin models verify`") from exc
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)

    def phonemes(self, text: str) -> list[list[str]]:
        """Piper's phonemes for `text` after the lexicon, per sentence (for tests and debugging)."""
        result: list[list[str]] = self._voice.phonemize(self.lexicon.apply(text))
        return result

    def synthesize_all(self, text: str) -> npt.NDArray[np.int16]:
        """Synthesize `text` into one int16 array at `rate_hz`."""
        parts = [c.samples for c in self.synthesize(text)]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)
