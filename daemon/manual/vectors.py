"""The manual's sections and sentences as sentence-model vectors, computed once and kept beside
the manual (``<manual>.vectors.npz``, written by ``tools/index_manual.py``).

Embedding the simulated car's 57 sections and their ~200 sentences takes ~3-4 s on one x86
core: paid at every start it would slow every start and every `cabin replay`. The file holds
the vectors and a key (the sha256 of the model's weights and of every text embedded), so a
manual that changed, or another model, is never read with stale vectors: it is embedded at its
first question instead (and `tools/index_manual.py` writes the file for next time). Pure but
for the file read and write.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from daemon.manual.document import Manual
from daemon.manual.sentence_model import WEIGHTS, SentenceModel

_LOG = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]


@dataclass(frozen=True)
class ManualVectors:
    """A manual's vectors (384 floats, unit length).

    Attributes:
        whole: one per section, of its title, ``Also:`` words and text.
        sentences: one per sentence, all sections' in order.
        owner: for each sentence, its section's index.
    """

    whole: Vectors
    sentences: Vectors
    owner: npt.NDArray[np.int64]


def texts_of(manual: Manual) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What is embedded: each section whole, and each sentence."""
    whole = tuple(f"{s.title}. {', '.join(s.also)}. {s.text}" for s in manual.sections)
    return whole, tuple(t for s in manual.sections for t in s.sentences)


def key_of(manual: Manual) -> str:
    """The sha256 of the model's weights and every text embedded."""
    whole, sentences = texts_of(manual)
    return hashlib.sha256("\n".join((WEIGHTS.sha256, *whole, "", *sentences)).encode()
                          ).hexdigest()


def stored_path(manual_path: Path) -> Path:
    """Where a manual's vectors are kept: beside it."""
    return manual_path.with_suffix(".vectors.npz")


def _owner(manual: Manual) -> npt.NDArray[np.int64]:
    return np.asarray([i for i, s in enumerate(manual.sections) for _ in s.sentences],
                      dtype=np.int64)


def compute(model: SentenceModel, manual: Manual) -> ManualVectors:
    """The manual embedded now (seconds: see the module docstring)."""
    whole, sentences = texts_of(manual)
    return ManualVectors(model.embed(whole), model.embed(sentences), _owner(manual))


def read(path: Path, manual: Manual) -> ManualVectors | None:
    """The vectors kept at ``path`` for ``manual``; None when there are none, or they were
    made for other texts or another model."""
    try:
        with np.load(path) as stored:
            if str(stored["key"]) != key_of(manual):
                _LOG.info("manual vectors %s are for another manual or model: not used", path)
                return None
            whole = stored["whole"].astype(np.float32)
            sentences = stored["sentences"].astype(np.float32)
    except (OSError, KeyError, ValueError) as exc:
        _LOG.debug("no manual vectors at %s (%s)", path, exc)
        return None
    if len(whole) != len(manual.sections) or len(sentences) != len(_owner(manual)):
        return None
    return ManualVectors(whole, sentences, _owner(manual))


def write(path: Path, manual: Manual, vectors: ManualVectors) -> None:
    """Keep ``vectors`` at ``path`` (float16: ~200 KB for the simulated car's manual)."""
    with path.open("wb") as out:
        np.savez_compressed(out, key=np.asarray(key_of(manual)),
                            whole=vectors.whole.astype(np.float16),
                            sentences=vectors.sentences.astype(np.float16))
