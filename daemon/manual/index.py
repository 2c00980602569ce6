"""BM25 over the manual's sections (bm25s), built in memory when the manual is loaded.

Each section is indexed as its title (repeated ``title_weight`` times: a question usually
names the topic the title names), its ``Also:`` words and its sentences. With ~60 sections the
index takes a few milliseconds to build and a query well under one (docs/manual.md).
With an `Embedder` (daemon/manual/meaning.py) sections are ranked by BM25 (scaled to the best
section's score) plus the cosine between the question's and the section's embeddings, times
`IndexSettings.meaning_weight`: a driver's words that are not the manual's ("the temp gauge
warning") still find the section whose meaning is closest.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import bm25s  # type: ignore[import-untyped]  # no type information
import numpy as np

from daemon.manual.document import Manual, Section
from daemon.manual.meaning import Embedder
from daemon.manual.text import Analyzer

_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class IndexSettings:
    """How sections are indexed and scored.

    Attributes:
        k1: BM25 term-frequency saturation.
        b: BM25 length normalisation (0 = none, 1 = full).
        title_weight: how many times the title's words count.
        also_weight: how many times the ``Also:`` words count.
        stem: Snowball stemming of every word.
        synonyms: one spelling per synonym (tire/tyre, trunk/boot).
        meaning_weight: how much the embedding cosine (-1..1) counts against BM25 scaled to
            0..1 (the best section 1), when an embedder is given; 0: BM25 alone.
    """

    k1: float = 1.2
    b: float = 0.75
    title_weight: int = 3
    also_weight: int = 1
    stem: bool = True
    synonyms: bool = True
    meaning_weight: float = 0.6


@dataclass(frozen=True)
class Hit:
    """A section and its BM25 score for a question (higher is better, unbounded), and the
    cosine of their embeddings (0.0 without an embedder)."""

    section: Section
    score: float
    meaning: float = 0.0


class ManualIndex:
    """The BM25 index of one manual.

    Args:
        manual: the parsed manual.
        settings: indexing and scoring settings.
        embedder: ranks by meaning too (daemon/manual/meaning.py); None: BM25 alone.
    """

    def __init__(self, manual: Manual, settings: IndexSettings = IndexSettings(),
                 embedder: Embedder | None = None) -> None:
        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every build at DEBUG
        started = time.perf_counter()
        self.manual = manual
        self.settings = settings
        self.analyzer = Analyzer(stem=settings.stem, synonyms=settings.synonyms)
        corpus = [self._document(s) for s in manual.sections]
        self._bm25 = bm25s.BM25(k1=settings.k1, b=settings.b)
        self._bm25.index(corpus, show_progress=False)
        self.embedder = embedder
        self._vectors = None if embedder is None else embedder.embed(
            [f"{s.title}. {', '.join(s.also)}. {s.text}" for s in manual.sections])
        self.build_ms = (time.perf_counter() - started) * 1000.0
        """Wall-clock ms the index took to build."""
        _LOG.info("manual %s: %d sections indexed in %.1f ms", manual.source,
                  len(manual.sections), self.build_ms)

    def _document(self, section: Section) -> list[str]:
        s = self.settings
        title = self.analyzer.terms(section.title)
        also = self.analyzer.terms(" ".join(section.also))
        return title * s.title_weight + also * s.also_weight + self.analyzer.terms(section.text)

    def search(self, question: str, k: int = 3) -> list[Hit]:
        """The ``k`` best sections for ``question``, best first: by BM25, plus meaning when
        there is an embedder (sections sharing no word with the question left out)."""
        terms = self.analyzer.question_terms(question)
        if not terms:
            return []
        scores = np.asarray(self._bm25.get_scores(terms), dtype=np.float64)
        meaning = self.meaning(question)
        ranked = scores / max(float(scores.max()), 1e-9)
        if meaning is not None:
            ranked = ranked + self.settings.meaning_weight * meaning
        order = np.argsort(-ranked, kind="stable")
        hits = [Hit(self.manual.sections[int(i)], float(scores[i]),
                    0.0 if meaning is None else float(meaning[i]))
                for i in order if scores[i] > 0.0]
        return hits[:k]

    def meaning(self, question: str) -> np.ndarray | None:
        """The cosine between ``question`` and each section (in the manual's order), or None
        without an embedder."""
        if self.embedder is None or self._vectors is None:
            return None
        vector = self.embedder.embed([question])[0]
        return np.asarray(self._vectors @ vector, dtype=np.float64)
