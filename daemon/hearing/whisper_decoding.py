"""Decoding one utterance with faster-whisper, the same for the daemon and `cabin eval`.

The recogniser (`daemon.hearing.asr.WhisperRecognizer`) and `cabin eval` (daemon/eval/models.py)
both
decode here: a short utterance is encoded in a short window of whisper's 30 s input
(`encoder_frames`), the new tokens are bounded per second of audio (`token_budget`), a
repetition loop is cut to its first pass (`collapse_repeats`), a short-window decode that
used its whole budget without one is decoded again in the full window, and the confidence is
the lowest segment ``avg_logprob`` (natural-log probability per token, <= 0). Blocking native
code (seconds on a slow CPU): call it off the event loop.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from daemon.audio.wavio import PIPELINE_RATE_HZ as RATE_HZ
from daemon.config import AsrConfig
from daemon.errors import AsrError, ModelError
from daemon.hearing.nbest import Hypothesis, beam_hypotheses, choose, values_doubted

_LOG = logging.getLogger(__name__)

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
            _window.encoded = super().encode(features[..., :frames])  # for the beam's
            return _window.encoded  # alternatives of the same utterance (`beam_hypotheses`)

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


def whisper_decode_understood(model: Any, audio: npt.NDArray[np.float32], config: AsrConfig,
                              prompt: str | None, hotwords: str | None, *,
                              understands: Callable[[str], bool] | None
                              ) -> tuple[str, float | None]:
    """`whisper_decode_scored`, then `understood_or_alternative` of its text (the encoder's
    output reused for the beam)."""
    take_encoded()
    heard = whisper_decode_scored(model, audio, config, prompt, hotwords)
    encoded = take_encoded()
    return understood_or_alternative(model, audio, config, prompt, hotwords,
                                     understands=understands, heard=heard, encoded=encoded)


def encode_utterance(model: Any, audio: npt.NDArray[np.float32], frames: int) -> Any:
    """The encoder's output for one utterance (float32, 16 kHz) in a window of ``frames``
    log-mel frames, as `whisper_decode_scored`'s decode encodes it."""
    from faster_whisper.audio import pad_or_trim

    try:
        features = model.feature_extractor(audio)
        segment = pad_or_trim(features[:, :model.feature_extractor.nb_max_frames])
        _window.frames = frames
        try:
            return model.encode(segment)
        finally:
            _window.frames = WHISPER_FRAMES
    except Exception as exc:  # CTranslate2 errors are RuntimeError subclasses, mostly
        raise AsrError(f"faster-whisper failed to encode: {exc}", code="asr_failed",
                       fix="check the model with `cabin models verify`") from exc


def take_encoded() -> Any:
    """The encoder output of the last decode on this thread, once (None when taken or none):
    taken right after a decode, it is that utterance's, for the beam's alternatives of it."""
    encoded, _window.encoded = getattr(_window, "encoded", None), None
    return encoded


def understood_or_alternative(model: Any, audio: npt.NDArray[np.float32], config: AsrConfig,
                              prompt: str | None, hotwords: str | None, *,
                              understands: Callable[[str], bool] | None,
                              heard: tuple[str, float | None], encoded: Any = None
                              ) -> tuple[str, float | None]:
    """``heard`` (text, confidence of the best decode of ``audio``) when ``understands`` (the
    fast path) understands its text; else the first beam hypothesis it understands
    (`daemon.hearing.nbest`), with that hypothesis' own confidence. ``asr.alternatives``
    below 2, or ``understands`` None: ``heard`` as it is. ``encoded``: the encoder's output
    of the best decode, when at hand."""
    text, confidence = heard
    if understands is None or config.alternatives < 2 or not text or understands(text):
        return heard
    hypotheses = _beam(model, audio, config, prompt, hotwords, encoded=encoded)
    chosen = choose(text, hypotheses, understands, floor=config.alternatives_floor)
    if chosen is None:
        return heard
    _LOG.info("the best text was not understood; a beam hypothesis is (confidence %.2f, "
              "best %s)", chosen.confidence,
              "none" if confidence is None else f"{confidence:.2f}")  # the words are private
    return collapse_repeats(chosen.text), chosen.confidence


def value_doubted(model: Any, audio: npt.NDArray[np.float32], config: AsrConfig,
                  prompt: str | None, hotwords: str | None, *,
                  values: Callable[[str], tuple[tuple[str, str], ...] | None] | None,
                  heard: tuple[str, float | None], encoded: Any = None) -> bool:
    """Whether the beam doubts the free text of ``heard`` (text, confidence of the decode of
    ``audio`` whose plan acts on it; `daemon.hearing.nbest.values_doubted` with
    ``asr.value_margin``): the beam is decoded only when the plan has a free text (``values``:
    its (tool, value) pairs, `daemon.understanding.intents.free_values`). Off (False) with
    ``asr.value_margin`` None, ``asr.alternatives`` below 2, no ``values`` or no confidence.
    ``encoded``: the best decode's encoder output, when at hand."""
    text, confidence = heard
    if values is None or config.value_margin is None or config.alternatives < 2 \
            or confidence is None or not text or not values(text):
        return False
    hypotheses = _beam(model, audio, config, prompt, hotwords, encoded=encoded)
    doubted = values_doubted(Hypothesis(text, confidence), hypotheses, values,
                             margin=config.value_margin)
    if doubted:
        _LOG.info("the beam names another value as likely (best %.2f): asked first",
                  confidence)  # the words are private
    return doubted


def _beam(model: Any, audio: npt.NDArray[np.float32], config: AsrConfig, prompt: str | None,
          hotwords: str | None, *, encoded: Any) -> list[Hypothesis]:
    """The beam's hypotheses of ``audio`` (`beam_hypotheses`), on ``encoded`` (the best
    decode's encoder output) or, when None, on the utterance encoded again."""
    seconds = len(audio) / RATE_HZ
    if encoded is None:
        encoded = encode_utterance(model, audio, encoder_frames(seconds, config.window_s))
    return beam_hypotheses(model, encoded, config, prompt, hotwords,
                           max_new_tokens=token_budget(model, seconds, prompt, hotwords))


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
