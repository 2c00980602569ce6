"""Moonshine base (English) behind the recogniser interface of daemon/hearing/asr.py.

The model is three files (models/manifest.yaml, ``moonshine-base-en``): an encoder that takes
the raw 16 kHz waveform, a merged decoder (first step without, later steps with its cached
self-attention keys and values, as Hugging Face's optimum exports it) and a token list. Both
networks are ONNX Runtime's ``.ort`` format, which stock ``onnxruntime`` loads: moonshine-cpp's
own C library is not used, only the files its wheel carries.

Decoding is greedy, one utterance at a time at its end (no partials, like faster-whisper), with
a token budget per second of audio (a loop stops there and is cut to its first pass,
`collapse_repeats`). There is no prompt or hotword biasing: Moonshine has no prompt input, so
the vehicle vocabulary is not given to it, and no beam or n-best alternatives.

The confidence is the mean natural-log probability of the decoded tokens, end-of-text included
(greedy, so each token's probability under the softmax of its step); the same unit and spirit
as faster-whisper's ``avg_logprob`` of one segment, so ``asr.confirm_below`` applies, though the
two models are not calibrated alike (`cabin eval corpus-audio` prints the confidence table).
Blocking native code: call it off the event loop (the pipeline uses `asyncio.to_thread`).
"""

from __future__ import annotations

import logging
import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from daemon.config import AsrConfig
from daemon.errors import ModelError
from daemon.hearing.whisper_decoding import collapse_repeats

_LOG = logging.getLogger(__name__)

RATE_HZ = 16000
FILES = ("encoder_model.ort", "decoder_model_merged.ort", "tokenizer.bin")
"""What a Moonshine model directory holds."""
START_TOKEN = 1
END_TOKEN = 2
BYTE_TOKENS = range(3, 259)
"""Tokens 3-258 are the bytes 0x00-0xFF (sentencepiece byte fallback)."""
SPACE = "\u2581".encode()
"""Sentencepiece's word-start mark."""
TOKENS_PER_S = 6.5
"""Token budget per second of audio (useful-moonshine's own bound is 6; fast speech is ~5)."""
MIN_TOKENS = 10
MIN_SAMPLES = RATE_HZ // 4
"""Shorter audio is padded with silence to this (the encoder needs some frames)."""


def read_tokens(path: Path) -> list[bytes]:
    """The token list of a Moonshine ``tokenizer.bin``: each token is its byte length (one
    byte, or two as a little-endian base-128 varint when >= 128) then its UTF-8 bytes, in id
    order. Not a Hugging Face tokenizers file (no JSON, no merges): only decoding is needed."""
    data = path.read_bytes()
    tokens: list[bytes] = []
    pos = 0
    while pos < len(data):
        length = data[pos]
        pos += 1
        if length >= 128:
            length = (length & 0x7F) | (data[pos] << 7)
            pos += 1
        if pos + length > len(data):
            raise ValueError(f"truncated token {len(tokens)} at byte {pos}")
        tokens.append(data[pos:pos + length])
        pos += length
    return tokens


def detokenize(ids: list[int], tokens: list[bytes]) -> str:
    """Text of decoded token ids: the special tokens dropped, byte tokens as their byte, the
    word-start mark as a space."""
    out = bytearray()
    for i in ids:
        if i in BYTE_TOKENS:
            out.append(i - BYTE_TOKENS.start)
        elif START_TOKEN < i < len(tokens) and i != END_TOKEN:
            out += tokens[i]
    return bytes(out).replace(SPACE, b" ").decode("utf-8", errors="replace").strip()


def token_budget(seconds: float) -> int:
    """The most tokens decoded for `seconds` of audio."""
    return max(MIN_TOKENS, math.ceil(seconds * TOKENS_PER_S))


def check_files(model_dir: Path) -> None:
    """Raise `ModelError` (``model_missing``, the fetch command as the fix) when a file is
    missing."""
    missing = [f for f in FILES if not (model_dir / f).is_file()]
    if missing:
        raise ModelError(f"Moonshine model incomplete in {model_dir}: missing "
                         + ", ".join(missing),
                         fix=f"run `cabin models fetch {model_dir.name}` (PyPI carrier: "
                             "moonshine-cpp==0.1.4; models/manifest.yaml)",
                         code="model_missing")


class MoonshineModel:
    """The two ONNX Runtime sessions and the token list of one Moonshine model directory."""

    def __init__(self, model_dir: Path, threads: int) -> None:
        import onnxruntime as ort

        check_files(model_dir)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        try:
            self._encoder = ort.InferenceSession(str(model_dir / FILES[0]), options,
                                                 providers=["CPUExecutionProvider"])
            self._decoder = ort.InferenceSession(str(model_dir / FILES[1]), options,
                                                 providers=["CPUExecutionProvider"])
            self._tokens = read_tokens(model_dir / FILES[2])
        except Exception as exc:  # onnxruntime raises its own exception types for bad files
            raise ModelError(f"cannot load Moonshine model {model_dir}: {exc}",
                             fix=f"run `cabin models verify {model_dir.name}`",
                             code="model_corrupt") from exc
        self._past = [i.name for i in self._decoder.get_inputs()
                      if i.name.startswith("past_key_values.")]
        self._present = [o.name for o in self._decoder.get_outputs()
                         if o.name.startswith("present.")]
        shape = next(i.shape for i in self._decoder.get_inputs() if i.name == self._past[0])
        self._heads, self._head_dim = int(shape[1]), int(shape[3])

    def decode_scored(self, audio: npt.NDArray[np.float32]) -> tuple[str, float | None]:
        """(text, confidence) of one utterance (float32 in [-1, 1], 16 kHz): greedy, at most
        `token_budget` tokens, a repetition loop cut to its first pass; the confidence is the
        mean log-probability per token (None for an empty text)."""
        if len(audio) == 0:
            return "", None
        budget = token_budget(len(audio) / RATE_HZ)
        if len(audio) < MIN_SAMPLES:
            audio = np.pad(audio, (0, MIN_SAMPLES - len(audio)))
        hidden = self._encoder.run(None, {"input_values": audio[np.newaxis, :]})[0]
        empty = np.zeros((1, self._heads, 0, self._head_dim), dtype=np.float32)
        past: dict[str, Any] = dict.fromkeys(self._past, empty)
        ids: list[int] = []
        logprobs: list[float] = []
        token = START_TOKEN
        for step in range(budget):
            cached = step > 0
            outputs = self._decoder.run(None, {
                "input_ids": np.array([[token]], dtype=np.int64),
                "encoder_hidden_states": hidden,
                "use_cache_branch": np.array([cached]), **past})
            logits = outputs[0][0, -1].astype(np.float64)
            token = int(np.argmax(logits))
            top = logits[token]
            logprobs.append(float(-np.log(np.exp(logits - top).sum())))
            if token == END_TOKEN:
                break
            ids.append(token)
            for name, value in zip(self._past, outputs[1:], strict=True):
                if not cached or ".decoder." in name:  # the encoder's keys are made once
                    past[name] = value
        text = detokenize(ids, self._tokens)
        collapsed = collapse_repeats(text)
        if collapsed != text:
            _LOG.info("moonshine repeated itself; kept the first pass: %d -> %d words",
                      len(text.split()), len(collapsed.split()))  # the words are private
        if not collapsed:
            return "", None
        return collapsed, sum(logprobs) / len(logprobs)


class MoonshineRecognizer:
    """Moonshine base through onnxruntime; decodes the utterance at the end (no partials, no
    biasing: the vehicle vocabulary is not used)."""

    name = "moonshine"
    streaming = False

    def __init__(self, model_dir: Path, config: AsrConfig) -> None:
        started = time.perf_counter()
        self._model = MoonshineModel(model_dir, config.threads)
        _LOG.info("moonshine model %s loaded in %.2f s (no vocabulary biasing: Moonshine has "
                  "no prompt)", model_dir.name, time.perf_counter() - started)

    def stream(self) -> MoonshineStream:
        """Start buffering a new utterance."""
        return MoonshineStream(self)

    def transcribe(self, audio: npt.NDArray[np.float32]) -> str:
        """Decode a whole utterance (float32, 16 kHz) to text."""
        return self.transcribe_scored(audio)[0]

    def transcribe_scored(self, audio: npt.NDArray[np.float32]) -> tuple[str, float | None]:
        """(text, confidence) of a whole utterance (`MoonshineModel.decode_scored`)."""
        return self._model.decode_scored(audio)


class MoonshineStream:
    """Buffers one utterance for Moonshine (no partials).

    `confidence` after `finish` (or `peek`, which decodes the same way): the mean token
    log-probability of that decode, None when nothing was heard.
    """

    def __init__(self, owner: MoonshineRecognizer) -> None:
        self._owner = owner
        self._chunks: list[npt.NDArray[np.int16]] = []
        self.confidence: float | None = None

    def accept(self, samples: npt.NDArray[np.int16]) -> str | None:
        """Buffer `samples`; Moonshine gives no partial transcripts here."""
        self._chunks.append(samples)
        return None

    def peek(self) -> str:
        """Decode what is buffered so far; sets `confidence`."""
        if not self._chunks:
            self.confidence = None
            return ""
        audio = np.concatenate(self._chunks).astype(np.float32) / 32768.0
        text, self.confidence = self._owner.transcribe_scored(audio)
        return text

    def finish(self) -> str:
        """Decode everything buffered; sets `confidence`."""
        return self.peek()

    def settle(self, text: str) -> str:
        """The last peek (``text``) kept as the transcript, its confidence with it (no
        alternatives to trade it for)."""
        return text
