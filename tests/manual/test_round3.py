"""The third round's classes (issue 22): drivers' ways of saying what the manual says,
on real sentences of the shipped manual (daemon/manual/text.py, answer.py)."""

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


@pytest.mark.parametrize(("question", "manual_words"), [
    ("what should the front tyres be pumped to", "what should the front tyres be inflate to"),
    ("what do I pump the back tyres up to", "what do I inflate the back tyres to"),
    ("how much air for the space saver", "how much pressure for the space saver"),
    ("the skinny spare", "the space saver spare"),
    ("the temporary wheel", "the space saver wheel"),
])
def test_pumping_a_tyre_to_a_value_is_its_pressure(
        answerer: Answerer, question: str, manual_words: str) -> None:
    analyzer = answerer.index.analyzer
    assert analyzer.question_terms(question) == analyzer.question_terms(manual_words)


@pytest.mark.parametrize("question", [
    "the petrol pump only takes cards, is that ok",
    "which side of the pump do I park at",
])
def test_the_fuel_pump_is_still_a_pump(answerer: Answerer, question: str) -> None:
    assert "pump" in answerer.index.analyzer.question_terms(question)


@pytest.mark.parametrize(("question", "section", "fact"), [
    ("how much air goes in the skinny spare", "spare-wheel", "420 kPa"),
    ("what do I pump the donut spare up to", "spare-wheel", "420 kPa"),
    ("how much air should I put in my tyres", "tyre-pressures", "240 kPa"),
    ("with a full load of luggage, what should the tyres be pumped to",
     "tyre-pressures", "260 kPa"),
    ("how fast can I go on the temporary spare", "spare-wheel", "80 km/h"),
])
def test_tyre_pressure_asked_as_drivers_say_it(
        answerer: Answerer, question: str, section: str, fact: str) -> None:
    answer = answerer.answer(question)
    assert answer.covered, question
    assert answer.section_id == section
    assert fact in answer.text


@pytest.mark.parametrize(("question", "manual_words"), [
    ("leaving it parked for three weeks, what about the battery",
     "stand for weeks, what about the battery"),
    ("the car will sit for a few months", "the car stand for weeks"),
    ("how often do I change the oil on this motor", "how often do I change the oil on this car"),
    ("only my door opened when I pressed the fob", "only my door unlocks when I pressed the fob"),
    ("how do I get all the doors to open", "how do I get all the doors unlock"),
    ("the remote", "the fob"),
])
def test_drivers_words_for_the_manuals(
        answerer: Answerer, question: str, manual_words: str) -> None:
    analyzer = answerer.index.analyzer
    assert analyzer.question_terms(question) == analyzer.question_terms(manual_words)


@pytest.mark.parametrize("question", [
    "the motor light is on", "the motor is overheating", "the door is open",
    "is the boot open",
])
def test_the_engine_and_the_open_door_stay_themselves(answerer: Answerer,
                                                      question: str) -> None:
    terms = answerer.index.analyzer.question_terms(question)
    assert "car" not in terms and "unlock" not in terms


@pytest.mark.parametrize(("question", "section", "fact"), [
    ("we're away for a couple of months, will the battery be ok", "battery",
     "battery maintainer"),
    ("the key only opened my door, how do I open the rest", "locking", "twice"),
])
def test_answers_in_drivers_words(answerer: Answerer, question: str, section: str,
                                  fact: str) -> None:
    answer = answerer.answer(question)
    assert answer.covered, question
    assert answer.section_id == section
    assert fact in answer.text


@pytest.mark.parametrize(("question", "plain"), [
    ("the battery light is on, do I have to pull over", "the battery light is on"),
    ("the oil light came on, can I limp on to the next town", "the oil light came on"),
    ("orange light on, can I keep going or should I pull in", "orange light on"),
    ("red light on the dash, do I gotta stop", "red light on the dash"),
])
def test_asking_whether_to_stop_names_no_topic(answerer: Answerer, question: str,
                                               plain: str) -> None:
    analyzer = answerer.index.analyzer
    assert analyzer.question_terms(question, topic=True) == analyzer.question_terms(
        plain, topic=True)


@pytest.mark.parametrize(("question", "section", "fact"), [
    ("an orange light came on, do I need to pull over", "warning-lights",
     "have the car checked soon"),
    ("the red oil can is lit, can I limp on home", "light-oil", "Stop as soon as it is safe"),
])
def test_stop_or_go_after_a_light(answerer: Answerer, question: str, section: str,
                                  fact: str) -> None:
    answer = answerer.answer(question)
    assert answer.covered, question
    assert answer.section_id == section
    assert fact in answer.text


def test_isofix_points_are_the_manuals_anchors(answerer: Answerer) -> None:
    analyzer = answerer.index.analyzer
    for said in ("isofix points", "isofix hooks", "isofix mounts"):
        assert analyzer.question_terms(said) == analyzer.question_terms("isofix anchors")
    answer = answerer.answer("where would I find the isofix mounts")
    assert answer.section_id == "child-seats"
    assert "outer rear seats" in answer.text


@pytest.mark.parametrize(("question", "asked"), [
    ("how wide is the car, will it fit in my car port", "how wide is the car"),
    ("how tall is the car, I need to know if it fits under the barrier",
     "how tall is the car"),
    ("how long is she, would she squeeze into the space", "how long is she"),
])
def test_whether_the_car_fits_is_why_its_size_is_asked(answerer: Answerer, question: str,
                                                        asked: str) -> None:
    from daemon.manual.framing import framed

    assert framed(question, answerer.index.analyzer, answerer._idf) == asked
    answer = answerer.answer(question)
    assert answer.covered and answer.section_id == "dimensions"


@pytest.mark.parametrize("question", [
    "will it fit a roof box",  # asks, nothing before it
    "where's the spare, will it fit a full size wheel",  # not a size asked
])
def test_a_fit_question_alone_is_kept(answerer: Answerer, question: str) -> None:
    from daemon.manual.framing import framed

    assert framed(question, answerer.index.analyzer, answerer._idf) == question


@pytest.mark.parametrize(("question", "section", "fact"), [
    ("where did they hide the spare wheel", "spare-wheel", "under the boot floor"),
    ("where's the wheel brace stashed", "spare-wheel", "foam tray"),
])
def test_where_a_thing_is_hidden_is_where_it_is(answerer: Answerer, question: str,
                                                section: str, fact: str) -> None:
    answer = answerer.answer(question)
    assert answer.covered, question
    assert answer.section_id == section
    assert fact in answer.text


def test_a_button_is_named_by_what_it_does(answerer: Answerer) -> None:
    answer = answerer.answer("what is the auto hold button for")
    assert answer.section_id == "parking-brake"
    assert "traffic lights" in answer.text
    assert not answerer.answer("where is the heated steering wheel button").covered


def test_doing_is_a_stop_word_and_wet_weather_is_damp(answerer: Answerer) -> None:
    analyzer = answerer.index.analyzer
    assert analyzer.question_terms("what am I doing wrong") == []
    assert analyzer.question_terms("wet weather") == analyzer.question_terms("damp weather")
    assert "door" in analyzer.question_terms("the doors")
    answer = answerer.answer("the windows mist up whenever it's wet, what am I doing wrong")
    assert answer.section_id == "defrost"
    assert "damp weather" in answer.text
