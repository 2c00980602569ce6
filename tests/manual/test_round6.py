"""The sixth round's class (issue 22): "what should I do" answered by the instruction the
question names, not the section's first one, on the shipped manual with the real answerer
(daemon/manual/answer.py, daemon/manual/sentences.py)."""

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


@pytest.mark.parametrize(("question", "section", "fact"), [
    # the first instruction of the wipers is how to use the stalk; the question names the
    # car wash, which one instruction is about
    ("what should I do with the wipers before going through a car wash", "wipers",
     "Switch the wipers off before an automatic car wash"),
    ("the car wash is next, what do I do with the wipers", "wipers",
     "Switch the wipers off before an automatic car wash"),
    # the first instruction is replacing the fob's battery; the question asks how to start
    ("the fob battery is flat, what should I do to start the car", "key-battery",
     "marked spot on the steering column"),
])
def test_what_to_do_takes_the_instruction_the_question_names(
        answerer: Answerer, question: str, section: str, fact: str) -> None:
    answer = answerer.answer(question)
    assert answer.covered and answer.section_id == section, (question, answer.section_id)
    assert fact.lower() in answer.text.lower(), (question, answer.text)


@pytest.mark.parametrize(("question", "section", "fact"), [
    # a light's first instruction is the urgent one: it stays first
    ("the oil light is on, what should I do", "light-oil", "Stop as soon as it is safe"),
    ("the battery light came on, what should I do", "light-battery",
     "Switch off electrical loads"),
    ("the engine temperature light is on, what should I do", "light-coolant",
     "Stop as soon as it is safe"),
])
def test_what_to_do_about_a_light_keeps_the_first_instruction(
        answerer: Answerer, question: str, section: str, fact: str) -> None:
    answer = answerer.answer(question)
    assert answer.covered and answer.section_id == section, (question, answer.section_id)
    assert fact.lower() in answer.text.lower(), (question, answer.text)


def test_answers_stay_short(answerer: Answerer) -> None:
    answer = answerer.answer("what should I do with the wipers before going through a car wash")
    assert answer.text.count(". ") <= 1 and len(answer.text) <= answerer.settings.max_chars
