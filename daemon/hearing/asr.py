"""Speech recognition behind one interface, with three backends.

- Vosk (the product default): streaming; every chunk is decoded as it arrives and partial
  transcripts are available while the driver speaks.
- faster-whisper (CTranslate2): decodes the whole utterance at the end; used for English on
  machines without an English Vosk model.
- Moonshine base (onnxruntime, daemon/hearing/moonshine.py): only when ``asr.backend`` names it
  (measured against tiny.en in docs/eval.md; no vocabulary biasing).

Both are blocking native code: the pipeline calls `accept` and `finish` through
`asyncio.to_thread`. `choose_backend` implements ``asr.backend: auto`` and says why.
faster-whisper's decode of one utterance (encoder window, token budget, retry, repetition cut,
confidence) is daemon/hearing/whisper_decoding.py, shared with `cabin eval`.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from daemon.config import AsrConfig
from daemon.errors import ModelError
from daemon.hearing.biasing import Vocabulary, whisper_hotwords, whisper_prompt
from daemon.hearing.whisper_decoding import (
    open_whisper,
    take_encoded,
    understood_or_alternative,
    value_doubted,
    whisper_decode_scored,
)

_LOG = logging.getLogger(__name__)
RATE_HZ = 16000
Values = Callable[[str], tuple[tuple[str, str], ...] | None]
"""The free-text values of the fast path's plan of a text (`intents.free_values`)."""


@dataclass(frozen=True)
class BackendChoice:
    """Which recogniser runs and why (logged at start-up and in the `ready` event)."""

    backend: str
    model_dir: Path
    reason: str


class RecognizerStream(Protocol):
    """One utterance being recognised.

    Attributes:
        confidence: how sure the recogniser is of the last `finish` (or `peek`) transcript;
            None before it, for an empty transcript, or when the backend gives none. The unit
            is the backend's: faster-whisper, the lowest ``avg_logprob`` of the decoded
            segments (natural-log probability per token, <= 0; -0.3 is sure, below -1 is a
            guess); Moonshine, the mean token log-probability (natural log, <= 0); Vosk,
            the mean word ``conf`` (0-1). Set by the stream's own thread, with
            the transcript it belongs to.
    """

    confidence: float | None

    def accept(self, samples: npt.NDArray[np.int16]) -> str | None:
        """Feed 16 kHz int16 audio; returns a new partial transcript when there is one."""

    def peek(self) -> str:
        """The best transcript of the audio so far, without ending the utterance."""

    def finish(self) -> str:
        """End of utterance: returns the final transcript."""

    def settle(self, text: str) -> str:
        """End of utterance when the last `peek` (``text``) is kept as the transcript: the
        final transcript (``text``, or what the backend prefers to it)."""


class Recognizer(Protocol):
    """A loaded recogniser that opens one stream per utterance.

    Attributes:
        name: backend name in events.
        streaming: decodes as audio arrives (finishing is cheap); False when `finish` decodes
            the whole utterance (then a `peek` at the start of the final silence is the result).
    """

    name: str
    streaming: bool

    def stream(self) -> RecognizerStream:
        """Start recognising a new utterance."""


def choose_backend(config: AsrConfig, models_dir: Path) -> BackendChoice:
    """Resolve ``asr.backend`` (``auto`` prefers Vosk when its model is installed)."""
    vosk_dir = models_dir / config.vosk_model
    whisper_dir = models_dir / config.whisper_model
    if config.backend == "vosk":
        return BackendChoice("vosk", vosk_dir, "asr.backend is vosk")
    if config.backend == "faster_whisper":
        return BackendChoice("faster_whisper", whisper_dir, "asr.backend is faster_whisper")
    if config.backend == "moonshine":
        return BackendChoice("moonshine", models_dir / config.moonshine_model,
                             "asr.backend is moonshine")
    if (vosk_dir / "am").is_dir():
        return BackendChoice("vosk", vosk_dir, f"auto: Vosk model {config.vosk_model} installed")
    return BackendChoice(
        "faster_whisper", whisper_dir,
        f"auto: Vosk model {config.vosk_model} not installed in {models_dir}; "
        f"using faster-whisper {config.whisper_model}")


def load_recognizer(choice: BackendChoice, config: AsrConfig,
                    vocabulary: Vocabulary | None = None,
                    understands: Callable[[str], bool] | None = None,
                    values: Values | None = None) -> Recognizer:
    """Load the chosen backend's model (seconds; call it off the event loop). ``understands``
    and ``values``: the fast path's views of a text the beam is judged by (faster-whisper:
    `daemon.understanding.intents.understood`, `free_values`)."""
    if not choice.model_dir.is_dir():
        raise ModelError(f"ASR model directory missing: {choice.model_dir}",
                         fix=f"run `cabin models fetch {choice.model_dir.name}`",
                         code="model_missing")
    if choice.backend == "vosk":
        return VoskRecognizer(choice.model_dir)
    if choice.backend == "moonshine":  # no biasing: Moonshine has no prompt (moonshine.py)
        from daemon.hearing.moonshine import MoonshineRecognizer

        return MoonshineRecognizer(choice.model_dir, config)
    return WhisperRecognizer(choice.model_dir, config, vocabulary, understands, values)


class VoskRecognizer:
    """Vosk (Kaldi) streaming recogniser."""

    name = "vosk"
    streaming = True

    def __init__(self, model_dir: Path, grammar: list[str] | None = None) -> None:
        import vosk

        vosk.SetLogLevel(-1)
        started = time.perf_counter()
        try:
            self._model = vosk.Model(str(model_dir))  # a path: never let Vosk download
        except Exception as exc:  # Vosk raises a bare Exception for a bad model dir
            raise ModelError(f"cannot load Vosk model {model_dir}: {exc}",
                             fix=f"run `cabin models verify {model_dir.name}`",
                             code="model_corrupt") from exc
        self._grammar = grammar
        _LOG.info("vosk model %s loaded in %.2f s", model_dir.name, time.perf_counter() - started)

    def stream(self) -> VoskStream:
        """Start recognising a new utterance."""
        import vosk

        if self._grammar:
            rec = vosk.KaldiRecognizer(self._model, RATE_HZ, json.dumps(self._grammar))
        else:
            rec = vosk.KaldiRecognizer(self._model, RATE_HZ)
        if hasattr(rec, "SetWords"):
            rec.SetWords(True)  # per-word `conf` in the results, for `VoskStream.confidence`
        return VoskStream(rec)


class VoskStream:
    """One utterance through Vosk; decodes as audio arrives.

    `confidence` after `finish`: the mean word ``conf`` (0-1) of the utterance's results, None
    when they carry none.
    """

    def __init__(self, rec: Any) -> None:
        self._rec = rec
        self._final_parts: list[str] = []
        self._last_partial = ""
        self._confs: list[float] = []
        self.confidence: float | None = None

    def accept(self, samples: npt.NDArray[np.int16]) -> str | None:
        """Decode `samples`; returns the partial transcript when it changed."""
        if self._rec.AcceptWaveform(samples.astype("<i2").tobytes()):
            result = json.loads(self._rec.Result())
            self._confs += word_confidences(result)
            text = str(result.get("text", ""))
            if text:
                self._final_parts.append(text)
            partial = " ".join(self._final_parts)
        else:
            partial = " ".join([*self._final_parts,
                                str(json.loads(self._rec.PartialResult()).get("partial", ""))])
        partial = partial.strip()
        if partial and partial != self._last_partial:
            self._last_partial = partial
            return partial
        return None

    def peek(self) -> str:
        """The latest partial transcript (no extra decoding)."""
        return self._last_partial

    def finish(self) -> str:
        """Flush the decoder; returns the whole utterance's text."""
        result = json.loads(self._rec.FinalResult())
        self._confs += word_confidences(result)
        self.confidence = sum(self._confs) / len(self._confs) if self._confs else None
        text = str(result.get("text", ""))
        return " ".join([*self._final_parts, text]).strip()

    def settle(self, text: str) -> str:
        """Vosk streams its words: a peek is never kept as the transcript; ``text`` as it is."""
        return text


def word_confidences(result: dict[str, Any]) -> list[float]:
    """The per-word ``conf`` values of one Vosk result (``result[].conf``; none without
    `SetWords`)."""
    words = result.get("result")
    if not isinstance(words, list):
        return []
    return [float(w["conf"]) for w in words
            if isinstance(w, dict) and isinstance(w.get("conf"), int | float)]


class WhisperRecognizer:
    """faster-whisper (CTranslate2, int8 on CPU); decodes the utterance at the end.

    The vehicle vocabulary (daemon/hearing/biasing.py) is given to the decoder as an initial prompt
    and
    hotwords, which bias it towards the words the tools understand (measured by `cabin eval`).
    """

    name = "faster_whisper"
    streaming = False

    def __init__(self, model_dir: Path, config: AsrConfig,
                 vocabulary: Vocabulary | None = None,
                 understands: Callable[[str], bool] | None = None,
                 values: Values | None = None) -> None:
        started = time.perf_counter()
        self._model = open_whisper(model_dir, config)
        self._config = config
        self._understands = understands
        self._values = values
        self._prompt = whisper_prompt(vocabulary) if vocabulary else None
        self._hotwords = whisper_hotwords(vocabulary) if vocabulary else None
        _LOG.info("faster-whisper model %s loaded in %.2f s", model_dir.name,
                  time.perf_counter() - started)

    def stream(self) -> WhisperStream:
        """Start buffering a new utterance."""
        return WhisperStream(self)

    def transcribe(self, audio: npt.NDArray[np.float32]) -> str:
        """Decode a whole utterance (float32, 16 kHz) to text."""
        return self.transcribe_scored(audio)[0]

    def settle_scored(self, audio: npt.NDArray[np.float32], heard: tuple[str, float | None],
                      *, encoded: Any = None) -> tuple[str, float | None]:
        """``heard``, the best decode of ``audio`` already made, or a beam hypothesis the fast
        path understands when it does not understand that one (`understood_or_alternative`;
        ``encoded``: that decode's encoder output, when it was just made on this thread)."""
        return understood_or_alternative(self._model, audio, self._config, self._prompt,
                                         self._hotwords, understands=self._understands,
                                         heard=heard, encoded=encoded)

    def doubts_value(self, audio: npt.NDArray[np.float32], heard: tuple[str, float | None],
                     *, encoded: Any = None) -> bool:
        """Whether the beam doubts the free text of ``heard``, the settled decode of ``audio``
        (`value_doubted`)."""
        return value_doubted(self._model, audio, self._config, self._prompt, self._hotwords,
                             values=self._values, heard=heard, encoded=encoded)

    def transcribe_scored(self, audio: npt.NDArray[np.float32]) -> tuple[str, float | None]:
        """(text, confidence) of a whole utterance (`whisper_decode_scored`)."""
        return whisper_decode_scored(self._model, audio, self._config, self._prompt,
                                     self._hotwords)


class WhisperStream:
    """Buffers one utterance for faster-whisper (no partials).

    `confidence` after `finish` (or `peek`, which decodes the same way): the lowest segment
    ``avg_logprob`` of that decode (natural-log probability per token), None when nothing was
    heard.
    """

    def __init__(self, owner: WhisperRecognizer) -> None:
        self._owner = owner
        self._chunks: list[npt.NDArray[np.int16]] = []
        self.confidence: float | None = None
        self.alternative = False
        """Whether the transcript is a beam hypothesis taken for the best text (`settle`)."""
        self.doubted = False
        """Whether the beam named another free text as likely (`WhisperRecognizer.doubts_value`):
        the plan is asked about before it acts."""

    def accept(self, samples: npt.NDArray[np.int16]) -> str | None:
        """Buffer `samples`; faster-whisper gives no partial transcripts."""
        self._chunks.append(samples)
        return None

    def peek(self) -> str:
        """Decode what is buffered so far (a quick partial for semantic endpointing: the best
        text only)."""
        return self._decode()

    def finish(self) -> str:
        """Decode everything buffered, then `settle` on that text (the decode's encoder output
        reused for the beam); sets `confidence`."""
        return self._settle(self.peek(), take_encoded())

    def settle(self, text: str) -> str:
        """The last peek (``text``) kept as the transcript: it, or a beam hypothesis the fast
        path understands when it does not understand ``text``; sets `confidence`."""
        return self._settle(text, None)

    def _settle(self, text: str, encoded: Any) -> str:
        if not self._chunks or not text:
            return text
        audio = self._audio()
        settled, self.confidence = self._owner.settle_scored(
            audio, (text, self.confidence), encoded=encoded)
        self.alternative = settled != text
        self.doubted = not self.alternative and self._owner.doubts_value(
            audio, (settled, self.confidence), encoded=encoded)
        return settled

    def _audio(self) -> npt.NDArray[np.float32]:
        return np.concatenate(self._chunks).astype(np.float32) / 32768.0

    def _decode(self) -> str:
        if not self._chunks:
            self.confidence = None
            return ""
        text, self.confidence = self._owner.transcribe_scored(self._audio())
        return text
