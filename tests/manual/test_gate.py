"""The manual's meaning gate (daemon/manual/gate.py) and its sentence model
(daemon/manual/sentence_model.py): the decision fed with numbers and a stand-in model, the real
model's vectors, and a model file that is missing or not the pinned one."""

from __future__ import annotations

import io
import json
import struct
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from daemon.errors import ModelError
from daemon.manual.config import ManualConfig
from daemon.manual.document import Manual, load_manual
from daemon.manual.gate import Features, Gate, GateWeights
from daemon.manual.index import Hit
from daemon.manual.loader import load_answerer
from daemon.manual.sentence_model import (
    TOKENIZER,
    WEIGHTS,
    Int8,
    SentenceModel,
    load_sentence_model,
)
from daemon.manual.vectors import ManualVectors, read, stored_path, write


@pytest.fixture(scope="module")
def manual() -> Manual:
    return load_manual(ManualConfig().manual_path())


class _TitleModel:
    """A stand-in sentence model: a text is close to the section whose title it says (or
    whose sentence it is), and to nothing else."""

    def __init__(self, manual: Manual) -> None:
        self.sections = manual.sections

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), len(self.sections)), dtype=np.float32)
        for row, text in enumerate(texts):
            for i, s in enumerate(self.sections):
                if s.title.lower() in text.lower() or text in s.sentences:
                    out[row, i] = 1.0
                    break
        return out


def _gate(manual: Manual) -> Gate:
    stand_in = _TitleModel(manual)
    return Gate(manual, model=lambda: stand_in)  # type: ignore[arg-type,return-value]


def test_the_score_is_the_logistic_of_the_weighted_features() -> None:
    weights = GateWeights()
    nothing = Features(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    assert weights.score(nothing) == pytest.approx(1.0 / (1.0 + np.exp(-weights.bias)))
    sure = Features(1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)
    assert weights.score(sure) > weights.threshold > weights.score(nothing)


def test_a_question_close_to_one_section_alone_is_answered_from_it(manual: Manual) -> None:
    section = next(s for s in manual.sections if s.id == "mirrors")
    hit = Hit(section, 6.0)
    decided = _gate(manual).decide(f"something about the {section.title} please", [hit], None)
    assert decided is not None and decided.section.id == "mirrors"


def test_a_question_close_to_nothing_is_declined(manual: Manual) -> None:
    assert _gate(manual).decide("when does the ferry leave", [], None) is None


def test_what_the_word_rules_answer_is_kept(manual: Manual) -> None:
    """``keep_above`` 0.0: the gate only adds answers (a veto was measured and left out)."""
    section = next(s for s in manual.sections if s.id == "fuel")
    covered = Hit(section, 3.0)
    assert _gate(manual).decide("when does the ferry leave", [covered], covered) is covered


@pytest.fixture(scope="module")
def model() -> SentenceModel:
    return load_sentence_model()


def test_vectors_are_unit_length_and_meaning_orders_them(model: SentenceModel) -> None:
    spare, tyre, ramen = model.embed(["where is the spare wheel",
                                      "where do I find the spare tyre",
                                      "a good ramen place in osaka"])
    assert np.linalg.norm(spare) == pytest.approx(1.0, abs=1e-5)
    assert float(spare @ tyre) > 0.6
    assert float(spare @ ramen) < 0.2


def test_texts_encoded_together_are_encoded_as_alone(model: SentenceModel) -> None:
    texts = ["fold the mirrors", "how much air goes in the rear tyres with a full load"]
    together = model.embed(texts)
    for i, text in enumerate(texts):
        assert float(together[i] @ model.embed([text])[0]) == pytest.approx(1.0, abs=1e-4)


def test_int8_keeps_a_matrix_within_half_a_step_per_row() -> None:
    matrix = np.random.default_rng(0).normal(size=(8, 16)).astype(np.float32)
    q = Int8.of(matrix)
    assert np.abs(q.rows(list(range(8))) - matrix).max() <= float(q.scale.max()) / 2 + 1e-6
    x = np.ones((1, 16), dtype=np.float32)
    assert np.allclose(q.apply(x), x @ matrix.T, atol=float(q.scale.max()) * 16)


def _archive(tmp_path: Path, weights: bytes, tokenizer: bytes) -> Path:
    path = tmp_path / "model.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(WEIGHTS.path, weights)
        z.writestr(TOKENIZER.path, tokenizer)
    return path


def _tiny_safetensors() -> bytes:
    data = np.zeros(4, dtype=np.float32).tobytes()
    header = json.dumps({"embeddings.LayerNorm.bias": {
        "dtype": "F32", "shape": [4], "data_offsets": [0, len(data)]}}).encode()
    out = io.BytesIO()
    out.write(struct.pack("<Q", len(header)))
    out.write(header)
    out.write(data)
    return out.getvalue()


def test_a_model_file_that_is_not_the_pinned_one_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as caught:
        load_sentence_model(_archive(tmp_path, _tiny_safetensors(), b"{}"))
    assert caught.value.code == "model_corrupt"
    assert "reinstall" in (caught.value.fix or "")


def test_a_missing_model_says_how_to_install_it(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as caught:
        load_sentence_model(tmp_path / "nowhere" / "model.zip")
    assert caught.value.code == "model_missing"


@pytest.mark.parametrize(("question", "section"), [
    # ("the lane's narrow up here, how do i tuck the side mirrors in": the word rules now
    # answer it by its asking clause, tests/manual/test_clauses.py)
    ("could it pull a braked horse trailer of about a tonne", "towing"),
])
def test_the_answerer_answers_what_the_word_rules_declined(question: str, section: str) -> None:
    answerer = load_answerer(ManualConfig())
    assert answerer is not None
    without = load_answerer(ManualConfig(judge=False))
    assert without is not None and not without.answer(question).covered
    assert answerer.answer(question).section_id == section


@pytest.mark.parametrize("question", ["how do i calibrate the three sixty camera",
                                      "what's a good ramen place in osaka"])
def test_what_the_manual_does_not_cover_is_still_declined(question: str) -> None:
    answerer = load_answerer(ManualConfig())
    assert answerer is not None and not answerer.answer(question).covered


def test_the_shipped_manual_s_vectors_are_current(manual: Manual) -> None:
    """tools/index_manual.py was run after the manual last changed (else every start embeds
    it at the first question the word rules decline)."""
    assert read(stored_path(ManualConfig().manual_path()), manual) is not None


def test_stored_vectors_of_other_texts_are_not_used(manual: Manual, tmp_path: Path) -> None:
    path = tmp_path / "m.vectors.npz"
    vectors = ManualVectors(np.ones((len(manual.sections), 384), dtype=np.float32),
                            np.ones((sum(len(s.sentences) for s in manual.sections), 384),
                                    dtype=np.float32), np.zeros(1, dtype=np.int64))
    write(path, manual, vectors)
    assert read(path, manual) is not None
    shorter = Manual(manual.sections[1:], manual.source)
    assert read(path, shorter) is None
    assert read(tmp_path / "none.npz", manual) is None


def test_a_model_that_fails_when_first_needed_leaves_the_word_rules(manual: Manual) -> None:
    def broken() -> SentenceModel:
        raise ModelError("gone", fix="reinstall", code="model_corrupt")

    gate = Gate(manual, model=broken)
    section = next(s for s in manual.sections if s.id == "fuel")
    covered = Hit(section, 3.0)
    assert gate.decide("what fuel does it take", [covered], covered) is covered
    assert gate.decide("anything at all", [], None) is None
