"""The fourth answer round's rules (docs/manual.md), each on real sentences of the shipped
manual: the answer chosen, not only the section."""

from __future__ import annotations

import pytest

from daemon.manual.answer import Answerer
from daemon.manual.config import ManualConfig
from daemon.manual.loader import load_answerer


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    loaded = load_answerer(ManualConfig())
    assert loaded is not None
    return loaded


def test_other_forms_of_a_stop_word_are_stop_words(answerer: Answerer) -> None:
    analyzer = answerer.index.analyzer
    terms = analyzer.question_terms("what sorts of things is it telling me, it needs what happened")
    assert terms == [], terms
    assert "kept" in analyzer.weak_terms  # like "keep": names no topic
    assert "time" in analyzer.question_terms("the timing belt")  # a part, not "time"


@pytest.mark.parametrize(("question", "section", "fact"), [
    ("what's the spanner symbol telling me", "light-service", "service is due"),
    ("where's the warning triangle kept", "hazard-breakdown", "warning triangle"),
])
def test_a_stop_words_other_form_does_not_decline_a_covered_question(
        answerer: Answerer, question: str, section: str, fact: str) -> None:
    answer = answerer.answer(question)
    assert answer.covered and answer.section_id == section, answer.text
    assert fact in answer.text
