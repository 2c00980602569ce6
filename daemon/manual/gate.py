"""Whether the manual answers a question the word rules decline, judged by meaning.

The word rules of daemon/manual/answer.py (`Answerer.covers`) decline a question unless the
section uses most of its rare words: safe against "how do I calibrate the 360 camera" (the
manual has no such section), but they also decline drivers who say it their way ("tight street
ahead, how do I tuck the side mirrors in", "can it pull a braked horse trailer of about a
tonne"): on questions written by people who never saw the manual, right answers fell to 44 %
(docs/manual.md).

`Gate` adds the sentence model (daemon/manual/sentence_model.py): the section whose meaning is
closest to the question (its whole text, and its best sentence), how far ahead of the next it
is, whether BM25 agrees, and whether the word rules took it. A logistic score of these
`Features` (weights `GateWeights`, fitted on the development splits of
tools/eval_sets/manual_questions.yaml by tools/fit_manual_gate.py, each split scored by
weights fitted without it) decides: a question the word rules decline is answered from the
section closest in meaning at or above `GateWeights.threshold`; one they answer could be
declined below `GateWeights.keep_above` (0: never, as measured best); otherwise "The manual
doesn't cover that." Pure once the model and the manual's vectors are loaded (`Gate.warm`).
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from daemon.errors import ModelError
from daemon.manual.document import Manual
from daemon.manual.index import Hit
from daemon.manual.sentence_model import SentenceModel, load_sentence_model
from daemon.manual.vectors import ManualVectors, compute, read

_LOG = logging.getLogger(__name__)

_KEPT = 4
"""Texts whose closeness `Gate.closeness` keeps."""


@dataclass(frozen=True)
class Features:
    """What the gate weighs for one question (all plain numbers, for tests and the fit tool).

    Attributes:
        closest: the best section's closeness in meaning, 0-1 (the mean of the cosine with
            its whole text and with its closest sentence).
        ahead: how far it is ahead of the second section (same scale).
        bm25_first: 1.0 when BM25's best section is the same one.
        bm25_top3: 1.0 when it is among BM25's three best.
        bm25: BM25's best score, divided by 10 and capped at 1.
        covered: 1.0 when the word rules answer the question.
        covered_same: 1.0 when they answer it from the same section.
        covered_close: the closeness in meaning of the section they answer from (0.0 when
            they decline).
    """

    closest: float
    ahead: float
    bm25_first: float
    bm25_top3: float
    bm25: float
    covered: float
    covered_same: float
    covered_close: float

    def values(self) -> tuple[float, ...]:
        """The features in declaration order."""
        return tuple(float(getattr(self, f.name)) for f in fields(self))


@dataclass(frozen=True)
class GateWeights:
    """The logistic gate: one weight per `Features` field, a bias, and two thresholds (0-1).

    Attributes:
        threshold: a question the word rules decline is answered (from the closest section in
            meaning) at or above this score.
        keep_above: a question the word rules answer is still declined below this score; 0.0
            never (a veto at 0.4-0.5 declined one more out-of-manual question in 152 and lost
            more right answers, among them "is a red light bad").

    Fitted by tools/fit_manual_gate.py on the splits tune, heldout..heldout7 (2026-12-07);
    scored split by split with weights fitted without that split, the dev splits' (heldout..
    heldout7) right answers rose from 72.4 to 77.8 % and their out-of-manual questions
    declined went from 93.8 to 93.1 % (one question of 152); the threshold was chosen there
    among 0.6-0.8 (0.8: 74.6 % and 93.8 %; docs/manual.md)."""

    closest: float = 2.61
    ahead: float = 4.84
    bm25_first: float = 0.77
    bm25_top3: float = 0.87
    bm25: float = 3.88
    covered: float = 1.34
    covered_same: float = 0.85
    covered_close: float = 0.99
    bias: float = -4.92
    threshold: float = 0.7
    keep_above: float = 0.0

    def score(self, features: Features) -> float:
        """The probability, 0-1, that the manual answers the question."""
        z = self.bias + sum(getattr(self, f.name) * v
                            for f, v in zip(fields(features), features.values(), strict=True))
        return 1.0 / (1.0 + math.exp(-z))


class Gate:
    """Decides whether, and from which section, the manual answers a question.

    The sentence model and the manual's vectors are loaded at the first question that needs
    them (`warm` loads them sooner), so a daemon that is never asked such a question never
    holds them (~0.5 s and ~28 MB on one x86 core): the vectors from ``stored`` when it holds
    this manual's (daemon/manual/vectors.py), else embedded then (~3-4 s). A model that cannot
    be loaded then (missing, not the pinned file) is logged with its fix once, and the word
    rules answer alone.

    Args:
        manual: the manual.
        weights: the logistic weights and thresholds.
        stored: the file its vectors may be kept in (`vectors.stored_path`); None: none.
        model: gives the sentence model (`load_sentence_model`; a stand-in in tests).
    """

    def __init__(self, manual: Manual, weights: GateWeights = GateWeights(), *,
                 stored: Path | None = None,
                 model: Callable[[], SentenceModel] = load_sentence_model) -> None:
        self.weights = weights
        self._manual = manual
        self._sections = manual.sections
        self._vectors = None if stored is None else read(stored, manual)
        self._load = model
        self._model: SentenceModel | None = None
        self._broken = False
        self._lock = threading.Lock()
        self._last: dict[str, np.ndarray] = {}

    def warm(self) -> tuple[SentenceModel, ManualVectors]:
        """The model and the manual's vectors, loaded (or embedded) now if not yet.

        Raises:
            ModelError: the sentence model cannot be loaded.
        """
        with self._lock:
            if self._model is None:
                self._model = self._load()
            if self._vectors is None:
                _LOG.info("embedding the manual's %d sections (tools/index_manual.py keeps "
                          "them beside the manual for the next start)", len(self._sections))
                self._vectors = compute(self._model, self._manual)
            return self._model, self._vectors

    def closeness(self, question: str) -> np.ndarray:
        """Each section's closeness in meaning to ``question``, in the manual's order (the
        last few texts' kept: the word rules ask for the question's and its asking clause's,
        then the gate for the question's again)."""
        kept = self._last.get(question)
        if kept is not None:
            return kept
        model, vectors = self.warm()
        vector = model.embed([question])[0]
        best_sentence = np.full(len(self._sections), -1.0)
        np.maximum.at(best_sentence, vectors.owner, vectors.sentences @ vector)
        close = np.asarray((vectors.whole @ vector + best_sentence) / 2.0, dtype=np.float64)
        if len(self._last) >= _KEPT:
            self._last.pop(next(iter(self._last)))
        self._last[question] = close
        return close

    def closest(self, question: str) -> str | None:
        """The id of the section closest in meaning to ``question``; None when the sentence
        model cannot be used."""
        if self._broken:
            return None
        try:
            return self._sections[int(np.argmax(self.closeness(question)))].id
        except ModelError:
            return None

    def features(self, question: str, hits: list[Hit], covered: Hit | None) -> tuple[
            int, Features]:
        """The closest section's index, and the features for ``question`` (``hits``: BM25's
        best three; ``covered``: the word rules' answer, if any)."""
        close = self.closeness(question)
        order = np.argsort(-close, kind="stable")
        first = int(order[0])
        sid = self._sections[first].id
        ids = [h.section.id for h in hits]
        return first, Features(
            closest=float(close[first]), ahead=float(close[first] - close[int(order[1])]),
            bm25_first=float(bool(ids) and ids[0] == sid), bm25_top3=float(sid in ids),
            bm25=min(hits[0].score, 10.0) / 10.0 if hits else 0.0,
            covered=float(covered is not None),
            covered_same=float(covered is not None and covered.section.id == sid),
            covered_close=0.0 if covered is None else float(close[next(
                i for i, s in enumerate(self._sections) if s.id == covered.section.id)]))

    def decide(self, question: str, hits: list[Hit], covered: Hit | None) -> Hit | None:
        """The hit to answer ``question`` from, or None: the manual doesn't cover it."""
        if self._broken:
            return covered
        try:
            first, features = self.features(question, hits, covered)
        except ModelError as exc:
            self._broken = True
            _LOG.error("manual: the sentence model cannot be used (%s; fix: %s): the word "
                       "rules answer alone", exc, exc.fix)
            return covered
        w = self.weights
        if w.score(features) < (w.threshold if covered is None else w.keep_above):
            return None
        if covered is not None:
            return covered
        section = self._sections[first]
        return next((h for h in hits if h.section.id == section.id), Hit(section, 0.0))
