"""The second answer round's classes (issue 22), each on the shipped manual: the answer
chosen, not only the section. The questions are made up for these tests, in the shape of the
failures found on the dev splits, never copied from the question set."""

from __future__ import annotations

import pytest

from daemon.manual.answer import Answerer
from daemon.manual.config import ManualConfig
from daemon.manual.framing import framed
from daemon.manual.loader import load_answerer
from daemon.manual.types import NOT_COVERED


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    loaded = load_answerer(ManualConfig())
    assert loaded is not None
    return loaded


def _framed(answerer: Answerer, question: str) -> str:
    return framed(question, answerer.index.analyzer, answerer._idf)


@pytest.mark.parametrize(("question", "left"), [
    ("how long is the warranty, bruv", "how long is the warranty"),
    ("yaar, how long is the warranty", "how long is the warranty"),
    ("the oil can light came on, shonky, what should I do",
     "the oil can light came on, what should I do"),
    ("how long is the warranty, oh my gosh", "how long is the warranty"),
])
def test_a_term_of_address_or_filler_is_no_part_of_the_question(
        answerer: Answerer, question: str, left: str) -> None:
    assert _framed(answerer, question) == left


@pytest.mark.parametrize("question", [
    "what now, the engine light",  # it asks
    "how long is the warranty, the paintwork",  # the manual's words
    "how do I fit a roof box",  # one piece
    "how long is the warranty, and will the dealer honour it abroad",  # too long for an aside
])
def test_what_may_be_asked_is_kept(answerer: Answerer, question: str) -> None:
    assert _framed(answerer, question) == question


def test_an_aside_no_longer_declines_a_covered_question(answerer: Answerer) -> None:
    answer = answerer.answer("what petrol octane should I use, bruv")
    assert answer.section_id == "fuel"
    assert "95 RON" in answer.text


def test_an_aside_keeps_an_unknown_topic_unknown(answerer: Answerer) -> None:
    # the asking part still names what the manual lacks
    assert answerer.answer("how do I turn on the massage seats, bruv").text == NOT_COVERED
    assert answerer.answer("can I watch netflix on the screen, oh my gosh").text == NOT_COVERED


@pytest.mark.parametrize("question", [
    "what am I meant to do when the oil can light comes on",
    "what should the rear tyre pressure be normally",
])
def test_how_the_driver_frames_it_names_no_topic(answerer: Answerer, question: str) -> None:
    terms = answerer.index.analyzer.question_terms(question)
    assert not {"meant", "normal"} & set(terms), terms
    assert answerer.answer(question).covered


@pytest.mark.parametrize(("question", "section", "fact"), [
    # the situation around the question is closer in meaning to another section (the boot,
    # the locks): the asking clause, judged on its own meaning, finds the one asked about
    ("seven of us and the boot packed for the trip, how much air in the front tyres",
     "tyre-pressures", "240 kPa"),
    ("the boot is packed for the holidays, how much air for the rear tyres",
     "tyre-pressures", "220 kPa"),
    ("how wide is the car, the door of my garage is narrow", "dimensions", "1,810 mm wide"),
])
def test_the_asking_clause_is_judged_by_its_own_meaning(
        answerer: Answerer, question: str, section: str, fact: str) -> None:
    gate = answerer.gate
    assert gate is not None
    assert gate.closest(question) != section  # the whole question leans elsewhere
    answer = answerer.answer(question)
    assert answer.section_id == section
    assert fact in answer.text


@pytest.mark.parametrize(("question", "section", "want", "not_want"), [
    # the situation shares words with one sentence ("move the seat", "thermometer in
    # waves"), the asking clause with another: the clause's words count twice
    ("my partner keeps moving the seat, how do I get it to remember my position", "seats",
     "memory button", "upright switch"),
    ("thermometer in waves on the dash, can I open the reservoir cap to check it",
     "light-coolant", "Never open the coolant reservoir cap", "30 minutes"),
])
def test_the_asking_clause_picks_the_sentence(
        answerer: Answerer, question: str, section: str, want: str, not_want: str) -> None:
    answer = answerer.answer(question)
    assert answer.section_id == section
    assert want in answer.text
    assert not_want not in answer.text


@pytest.mark.parametrize("question", [
    "what's the coldest and hottest for the climate",
    "hottest the climate can go",
    "the climate, what's the coldest it goes",
])
def test_a_superlative_asks_for_the_value(answerer: Answerer, question: str) -> None:
    # "hottest", "coldest": the extreme of a property, like "how hot"; the section states it
    assert "coldest" in answerer.index.analyzer.attribute_terms
    answer = answerer.answer(question)
    assert answer.section_id == "climate"
    assert "from 16 to 28 °C" in answer.text
