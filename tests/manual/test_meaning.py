"""The manual's embedding model (daemon/manual/meaning.py): pinned, verified, and ranking by
meaning where the words differ; and the driver-vocabulary classes of text.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from daemon.errors import ModelError
from daemon.manual.config import ManualConfig
from daemon.manual.document import load_manual
from daemon.manual.index import ManualIndex
from daemon.manual.loader import load_answerer
from daemon.manual.meaning import TOKENIZER, WEIGHTS, load_embedder, package_dir
from daemon.manual.text import Analyzer

ROOT = package_dir()
pytestmark = pytest.mark.skipif(ROOT is None, reason="wordllama (requirements.txt) missing")


def _copy(tmp_path: Path) -> Path:
    assert ROOT is not None
    for file in (WEIGHTS, TOKENIZER):
        (tmp_path / file.path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / file.path, tmp_path / file.path)
    return tmp_path


def test_a_changed_weight_file_is_refused(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    weights = root / WEIGHTS.path
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF  # same size, one byte different
    weights.write_bytes(bytes(data))
    with pytest.raises(ModelError) as caught:
        load_embedder(root)
    assert caught.value.code == "model_corrupt"


def test_a_missing_tokenizer_is_refused_with_the_fix(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / TOKENIZER.path).unlink()
    with pytest.raises(ModelError) as caught:
        load_embedder(root)
    assert caught.value.code == "model_missing" and "wordllama" in str(caught.value)


def test_sentences_close_in_meaning_are_closer_than_unrelated_ones() -> None:
    embedder = load_embedder()
    v = embedder.embed(["the engine is overheating", "the motor is running too hot",
                        "how do I pair my phone", ""])
    assert v.shape == (4, embedder.dims)
    assert float(v[0] @ v[1]) > float(v[0] @ v[2]) + 0.1
    assert np.allclose(np.linalg.norm(v[:3], axis=1), 1.0, atol=1e-4)
    assert not v[3].any()  # no tokens, no direction


def test_meaning_finds_the_section_when_the_words_point_elsewhere() -> None:
    manual = load_manual(ManualConfig().manual_path())
    lexical = ManualIndex(manual)
    both = ManualIndex(manual, embedder=load_embedder())
    question = "the brake warning light won't go off"  # "warning light" ties to ABS by words
    assert lexical.search(question, k=1)[0].section.id == "light-abs"
    hit = both.search(question, k=1)[0]
    assert hit.section.id == "light-brake" and 0.0 < hit.meaning <= 1.0
    assert hit.score == pytest.approx(lexical.search(question, k=3)[1].score)  # BM25 kept


def test_meaning_can_be_switched_off() -> None:
    answerer = load_answerer(ManualConfig(meaning=False))
    assert answerer is not None and answerer.index.embedder is None


@pytest.mark.parametrize(("question", "section"), [
    ("sorry to bother you, the oil lamp is showing red", "light-oil"),
    ("quick question, how do I pair my phone", "phone-pairing"),
    ("the car broke down, what's the helpline", "hazard-breakdown"),
    ("does android auto need a lead", "phone-projection"),
    ("the slippy road light keeps flickering", "light-stability"),
])
def test_polite_wrappers_and_drivers_words_are_answered(question: str, section: str) -> None:
    answerer = load_answerer(ManualConfig())
    assert answerer is not None
    answer = answerer.answer(question)
    assert answer.covered and answer.section_id == section


def test_a_polite_wrapper_leaves_no_words() -> None:
    analyzer = Analyzer()
    assert analyzer.question_terms("sorry to bother you, excuse me, quick question") == []
    assert analyzer.terms("the wheel bolts") == analyzer.terms("the wheel nuts")
