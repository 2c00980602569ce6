"""Speech recognition behind one interface, with two backends.

- Vosk (the product default): streaming; every chunk is decoded as it arrives and partial
  transcripts are available while the driver speaks.
- faster-whisper (CTranslate2): decodes the whole utterance at the end; used for English on
  machines without an English Vosk model.

Both are blocking native code: the pipeline calls `accept` and `finish` through
`asyncio.to_thread`. `choose_backend` implements ``asr.backend: auto`` and says why.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from daemon.biasing import Vocabulary, whisper_hotwords, whisper_prompt
from daemon.config import AsrConfig
from daemon.errors import AsrError, ModelError

_LOG = logging.getLogger(__name__)
RATE_HZ = 16000


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
            guess); Vosk, the mean word ``conf`` (0-1). Set by the stream's own thread, with
            the transcript it belongs to.
    """

    confidence: float | None

    def accept(self, samples: npt.NDArray[np.int16]) -> str | None:
        """Feed 16 kHz int16 audio; returns a new partial transcript when there is one."""

    def peek(self) -> str:
        """The best transcript of the audio so far, without ending the utterance."""

    def finish(self) -> str:
        """End of utterance: returns the final transcript."""


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
    if (vosk_dir / "am").is_dir():
        return BackendChoice("vosk", vosk_dir, f"auto: Vosk model {config.vosk_model} installed")
    return BackendChoice(
        "faster_whisper", whisper_dir,
        f"auto: Vosk model {config.vosk_model} not installed in {models_dir}; "
        f"using faster-whisper {config.whisper_model}")


def load_recognizer(choice: BackendChoice, config: AsrConfig,
                    vocabulary: Vocabulary | None = None) -> Recognizer:
    """Load the chosen backend's model (seconds; call it off the event loop)."""
    if not choice.model_dir.is_dir():
        raise ModelError(f"ASR model directory missing: {choice.model_dir}",
                         fix=f"run `cabin models fetch {choice.model_dir.name}`",
                         code="model_missing")
    if choice.backend == "vosk":
        return VoskRecognizer(choice.model_dir)
    return WhisperRecognizer(choice.model_dir, config, vocabulary)


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

    The vehicle vocabulary (daemon/biasing.py) is given to the decoder as an initial prompt and
    hotwords, which bias it towards the words the tools understand (measured by `cabin eval`).
    """

    name = "faster_whisper"
    streaming = False

    def __init__(self, model_dir: Path, config: AsrConfig,
                 vocabulary: Vocabulary | None = None) -> None:
        started = time.perf_counter()
        self._model = open_whisper(model_dir, config)
        self._config = config
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

    def transcribe_scored(self, audio: npt.NDArray[np.float32]) -> tuple[str, float | None]:
        """(text, confidence) of a whole utterance (`whisper_decode_scored`)."""
        return whisper_decode_scored(self._model, audio, self._config, self._prompt,
                                     self._hotwords)


WHISPER_FRAMES = 3000
"""Log-mel frames of whisper's own 30 s window (100 per second)."""
FRAMES_PER_S = 100
MAX_TOKENS_PER_S = 8
"""Token budget per second of audio (fast speech is ~5); a loop stops at the budget."""

_window = threading.local()
"""The encoder window (log-mel frames) of the decode running on this thread."""


def encoder_frames(seconds: float, window_s: float) -> int:
    """How many log-mel frames the encoder is given for an utterance of `seconds`.

    The short window (`window_s` seconds) when the utterance fills at most a third of it, else
    whisper's 30 s. The encoder's cost is proportional to the frames: 15 s halves it. With less
    silence after the utterance whisper-tiny tends to repeat it (measured on the command set:
    a 10 s window repeated 8 of 32 commands, 15 s 2 of 32, and an 8.3 s recording looped in
    15 s).
    """
    window = min(WHISPER_FRAMES, round(window_s * FRAMES_PER_S))
    return window if seconds * 3 <= window_s else WHISPER_FRAMES


def open_whisper(model_dir: Path, config: AsrConfig) -> Any:
    """Load faster-whisper (int8, CPU) whose encoder window `whisper_decode` chooses."""
    from faster_whisper import WhisperModel

    class WindowedWhisperModel(WhisperModel):  # type: ignore[misc]  # untyped library
        """faster-whisper whose encoder sees only this thread's window of its 30 s input."""

        def encode(self, features: npt.NDArray[np.float32]) -> Any:
            frames = getattr(_window, "frames", WHISPER_FRAMES)
            return super().encode(features[..., :frames])

    try:
        return WindowedWhisperModel(str(model_dir), device="cpu", compute_type="int8",
                                    cpu_threads=config.threads)
    except Exception as exc:  # CTranslate2 raises RuntimeError/ValueError for bad files
        raise ModelError(f"cannot load faster-whisper model {model_dir}: {exc}",
                         fix=f"run `cabin models verify {model_dir.name}`",
                         code="model_corrupt") from exc


def whisper_decode(model: Any, audio: npt.NDArray[np.float32], config: AsrConfig,
                   prompt: str | None, hotwords: str | None) -> str:
    """Decode one utterance (float32, 16 kHz) with `model` from `open_whisper`
    (`whisper_decode_scored` without the confidence)."""
    return whisper_decode_scored(model, audio, config, prompt, hotwords)[0]


def whisper_decode_scored(model: Any, audio: npt.NDArray[np.float32], config: AsrConfig,
                          prompt: str | None, hotwords: str | None
                          ) -> tuple[str, float | None]:
    """(text, confidence) of one utterance (float32, 16 kHz) with `model` from `open_whisper`.

    The daemon and `cabin eval` both decode here. A short utterance is encoded in the
    ``asr.window_s`` window (`encoder_frames`). A repetition loop is cut to its first pass
    (`collapse_repeats`); a short-window decode that used its whole token budget without a
    clean repetition is decoded again in the full 30 s window.

    The confidence is the lowest ``avg_logprob`` (natural-log probability per token, <= 0) of
    the segments of the decode whose text is returned (the retry's when there is one), as
    faster-whisper computed it while decoding (no extra cost); None when there is no segment.
    """
    seconds = len(audio) / RATE_HZ
    budget = token_budget(model, seconds, prompt, hotwords)
    frames = encoder_frames(seconds, config.window_s)
    text, tokens, confidence = _decode(model, audio, config, prompt, hotwords, budget=budget,
                                       frames=frames)
    collapsed = collapse_repeats(text)
    if collapsed != text:
        _LOG.info("faster-whisper repeated itself; kept the first pass: %d -> %d words",
                  len(text.split()), len(collapsed.split()))  # the words are private
    elif tokens >= budget and frames < WHISPER_FRAMES:
        _LOG.info("faster-whisper used its whole budget in the %d s window; decoding again in "
                  "30 s (%d words)", frames // FRAMES_PER_S, len(text.split()))
        text, _, confidence = _decode(model, audio, config, prompt, hotwords, budget=budget,
                                      frames=WHISPER_FRAMES)
        collapsed = collapse_repeats(text)
    return collapsed, confidence if collapsed else None


def _decode(model: Any, audio: npt.NDArray[np.float32], config: AsrConfig, prompt: str | None,
            hotwords: str | None, *, budget: int, frames: int
            ) -> tuple[str, int, float | None]:
    """(text, tokens generated, lowest segment ``avg_logprob``) of one decode in a window of
    `frames`."""
    _window.frames = frames
    try:
        segments, _info = model.transcribe(
            audio, **whisper_options(config, prompt, hotwords), max_new_tokens=budget)
        parts = list(segments)
    except Exception as exc:  # CTranslate2 errors are RuntimeError subclasses, mostly
        raise AsrError(f"faster-whisper failed: {exc}", code="asr_failed",
                       fix="check the model with `cabin models verify`") from exc
    finally:
        _window.frames = WHISPER_FRAMES
    logprobs = [float(p.avg_logprob) for p in parts
                 if isinstance(getattr(p, "avg_logprob", None), int | float)]
    return (" ".join(p.text.strip() for p in parts).strip(),
            sum(len(p.tokens) for p in parts), min(logprobs) if logprobs else None)


def token_budget(model: Any, seconds: float, prompt: str | None, hotwords: str | None) -> int:
    """New tokens allowed for `seconds` of audio, within whisper's 448-token context.

    The prompt takes its share of the context first (faster-whisper keeps at most 223 tokens of
    each of the initial prompt and the hotwords, plus 3 special tokens).
    """
    context = int(model.max_length)
    used = 3 + sum(min(_token_count(model.hf_tokenizer, text), context // 2 - 1)
                   for text in (prompt, hotwords) if text)
    return max(1, min(int(seconds * MAX_TOKENS_PER_S) + 12, context - used - 1))


@functools.lru_cache(maxsize=16)
def _token_count(tokenizer: Any, text: str) -> int:
    """Tokens faster-whisper's prompt gives `text` (the prompt is the same every decode)."""
    return len(tokenizer.encode(" " + text.strip(), add_special_tokens=False).ids)


_NOT_WORD = re.compile(r"[^\w']+")


def _norm(word: str) -> str:
    return _NOT_WORD.sub("", word.lower())


def _repeats(norm: list[str], start: int, period: int) -> bool:
    """Whether every word from `start` + `period` on repeats the word `period` places before
    it; the last word may be a cut-short start of its counterpart."""
    last = len(norm) - 1
    for i in range(start + period, len(norm)):
        earlier = norm[i - period]
        if norm[i] != earlier and not (i == last and norm[i] and earlier.startswith(norm[i])):
            return False
    return True


def collapse_repeats(text: str) -> str:
    """The first pass of a repetition loop: "call my wife, call my wife, call my" -> "call my wife".

    whisper sometimes transcribes an utterance and then repeats it, or its last words, until its
    token budget ends. Case and punctuation are ignored, and the last word may be cut short.
    - The whole utterance again: when at least two words repeat, the first pass is kept.
    - Its last words again ("set the temperature to twenty one degrees twenty one degrees twenty
      one degrees"): when they come three times or more, once is kept (twice can be speech).
    One word said again and again ("no, no, no") is left alone.
    """
    words = text.split()
    norm = [_norm(w) for w in words]
    n = len(words)
    for start in range(n):
        copies = 2 if start == 0 else 3
        for period in range(2, (n - start) // 2 + 1):
            enough = n - start - period >= (2 if start == 0 else (copies - 1) * period)
            if enough and len(set(norm[start:start + period])) > 1 and _repeats(
                    norm, start, period):
                return " ".join(words[:start + period]).rstrip(",;:")
    return text


def whisper_options(config: AsrConfig, prompt: str | None, hotwords: str | None
                    ) -> dict[str, Any]:
    """faster-whisper's decoding options, the same for the daemon and `cabin eval`.

    ``asr.no_repeat_ngram`` (off by default): whisper-tiny sometimes loops on one phrase ("take
    me to the airport, take me to the airport, ..." for 800 characters, seen in the soak), and
    forbidding a repeated trigram ends such a loop; measured with `cabin eval`, 3 also raised
    the WER on the real recordings by 0.8-1.4 points (18.1 -> 18.9 % clean), so it stays off.

    ``asr.temperatures`` (0.0, 0.5) and one sampled hypothesis per retry (``best_of`` 1):
    faster-whisper's defaults (six temperatures, five hypotheses each) re-decode every
    low-confidence utterance up to five times; a driver talking over the reply took 1.5 s to
    decode instead of 0.28 s, for the same words. Measured: no command-set utterance needed a
    retry, and the WER on the real recordings is the same with no retry at all.
    """
    return {"language": config.language, "beam_size": config.beam_size, "vad_filter": False,
            "condition_on_previous_text": False, "without_timestamps": True,
            "initial_prompt": prompt, "hotwords": hotwords,
            "no_repeat_ngram_size": config.no_repeat_ngram,
            "temperature": list(config.temperatures), "best_of": 1}


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

    def accept(self, samples: npt.NDArray[np.int16]) -> str | None:
        """Buffer `samples`; faster-whisper gives no partial transcripts."""
        self._chunks.append(samples)
        return None

    def peek(self) -> str:
        """Decode what is buffered so far (a quick partial for semantic endpointing)."""
        return self.finish()

    def finish(self) -> str:
        """Decode everything buffered; sets `confidence`."""
        if not self._chunks:
            self.confidence = None
            return ""
        audio = np.concatenate(self._chunks).astype(np.float32) / 32768.0
        text, self.confidence = self._owner.transcribe_scored(audio)
        return text
