"""The fourth round's classes (issue 22): out-of-manual near misses declined, on the shipped
manual with the real answerer (daemon/manual/answer.py, things.py)."""

from __future__ import annotations

import pytest

from daemon.manual.answer import Answerer
from daemon.manual.config import ManualConfig
from daemon.manual.loader import load_answerer
from daemon.manual.things import CarThings


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    loaded = load_answerer(ManualConfig())
    assert loaded is not None
    return loaded


@pytest.fixture(scope="module")
def things(answerer: Answerer) -> CarThings:
    assert answerer.gate is not None
    return CarThings(answerer.gate)


@pytest.mark.parametrize("word", ["gearbox", "camshaft", "bumper", "muffler", "speedometer",
                                  "rotors"])
def test_a_car_part_is_a_car_thing(things: CarThings, word: str) -> None:
    assert things.names_a_car_thing(word), word


@pytest.mark.parametrize("word", ["hospital", "beach", "tuesday", "grandma", "supermarket",
                                  "ferry", "seaside", "fiddling", "hurry"])
def test_the_driver_s_situation_is_no_car_thing(things: CarThings, word: str) -> None:
    assert not things.names_a_car_thing(word), word


@pytest.mark.parametrize("question", [
    # each shares its other words with a section ("how often ... replaced": the services;
    # "connect my phone ... wireless": CarPlay), which answered it before this round
    "how often should the brake rotors be replaced",
    "how do I connect my phone to the wireless charger",
    "is there a wireless charger for my phone",
    "how often does the camshaft need a service",
    "how often should the gearbox be serviced",
])
def test_a_car_thing_the_manual_never_names_is_declined(
        answerer: Answerer, question: str) -> None:
    answer = answerer.answer(question)
    assert not answer.covered, (question, answer.section_id, answer.text)


@pytest.mark.parametrize(("question", "section"), [
    ("leaving the car at the ferry terminal for five weeks, what should I do about the battery",
     "battery"),
    ("the kids keep fiddling with the rear windows, how do I lock them", "windows"),
    ("how much air in the tyres for a trip to the seaside with a full load", "tyre-pressures"),
])
def test_a_word_of_the_driver_s_situation_still_lets_the_section_answer(
        answerer: Answerer, question: str, section: str) -> None:
    answer = answerer.answer(question)
    assert answer.covered, question
    assert answer.section_id == section


def test_without_the_sentence_model_the_word_rules_answer_as_before(
        answerer: Answerer) -> None:
    alone = Answerer(answerer.index, answerer.settings, gate=None)
    answer = alone.answer("how often should the brake rotors be replaced")
    assert answer.covered
    assert answer.section_id == "service-intervals"


def test_a_property_of_a_thing_the_manual_never_names_is_declined(answerer: Answerer) -> None:
    # "speed" and "limit" are the cruise control's words ("speed limiter"), "Germany" none
    answer = answerer.answer("what's the speed limit in Germany")
    assert not answer.covered, (answer.section_id, answer.text)


@pytest.mark.parametrize(("question", "section"), [
    ("what's the speed limit on the temporary spare", "spare-wheel"),
    ("how heavy is the car", "dimensions"),
])
def test_a_property_of_what_the_manual_names_is_still_answered(
        answerer: Answerer, question: str, section: str) -> None:
    answer = answerer.answer(question)
    assert answer.covered, question
    assert answer.section_id == section
