"""A question with the driver's situation around it (daemon/manual/clauses.py): covered by
its asking clause, on real sentences of the shipped manual."""

from __future__ import annotations

import pytest

from daemon.manual.answer import Answerer
from daemon.manual.clauses import asking_clause
from daemon.manual.config import ManualConfig
from daemon.manual.loader import load_answerer


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    loaded = load_answerer(ManualConfig())
    assert loaded is not None
    return loaded


@pytest.mark.parametrize(("question", "clause"), [
    ("full van of kids and their bags, how much air in the back tyres",
     "how much air in the back tyres"),
    ("what octane is it, I don't want to ruin it", "what octane is it"),
    ("we're away for a month, anything to do about the battery?",
     "anything to do about the battery"),
    ("how much air in the back tyres", None),  # one clause
    ("why is it on, what does it mean", None),  # two clauses ask
    ("the light is on, pet", None),  # none asks
])
def test_the_asking_clause(question: str, clause: str | None) -> None:
    assert asking_clause(question) == clause


@pytest.mark.parametrize(("question", "section", "fact"), [
    ("taking the whole rugby team and their kit bags, how much air in the back tyres",
     "tyre-pressures", "280 kPa"),
    ("which octane does it need, I don't want to damage the engine", "fuel", "95 RON"),
])
def test_the_situation_around_a_question_does_not_decline_it(
        answerer: Answerer, question: str, section: str, fact: str) -> None:
    answer = answerer.answer(question)
    assert answer.section_id == section, answer
    assert fact in answer.text


def test_a_clause_that_names_no_topic_is_not_enough(answerer: Answerer) -> None:
    # "how do I start the car" alone is jump-starting; the fob said before it is not
    answer = answerer.answer("the key fob died on me, how do I start the car")
    assert answer.section_id != "jump-starting"


@pytest.mark.parametrize("question", [
    "I'm at the cinema tonight, what time does the last showing start",
    "we're off to Spain, what's the speed limit on Spanish roads",
])
def test_a_situation_never_makes_an_out_of_manual_question_covered(
        answerer: Answerer, question: str) -> None:
    assert not answerer.answer(question).covered


def test_without_the_gate_a_clause_needs_no_other_topic_named() -> None:
    without = load_answerer(ManualConfig(judge=False))
    assert without is not None
    answer = without.answer("the lane's narrow up here, how do i tuck the side mirrors in")
    assert answer.section_id == "mirrors"
    assert without.answer("the key fob died on me, how do I start the car").section_id != (
        "jump-starting")


def test_the_closest_section_is_found_once_per_question(answerer: Answerer) -> None:
    gate = answerer.gate
    assert gate is not None
    question = "full van of kids and their bags, how much air in the back tyres"
    first = gate.closeness(question)
    assert gate.closeness(question) is first  # kept, not embedded again
    assert gate.closeness("how do I pair my phone") is not first
