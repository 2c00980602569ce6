"""Which sentences of the right section answer a question (the fifth answer round,
docs/manual.md): each class on real sentences of the shipped manual, in phrasings of our own."""

from __future__ import annotations

import pytest

from daemon.manual.answer import Answerer
from daemon.manual.config import ManualConfig
from daemon.manual.kinds import kind_of, value_of
from daemon.manual.loader import load_answerer


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    loaded = load_answerer(ManualConfig())
    assert loaded is not None
    return loaded


def _said(answerer: Answerer, question: str, section_id: str) -> str:
    return answerer.extract(question, answerer.index.manual.get(section_id))


@pytest.mark.parametrize(("question", "section", "fact"), [
    # a light described, not asked about: what it means and what to do, not its looks
    ("there's steam coming out and the thermometer thing is red", "light-coolant",
     "at least 30 minutes"),
    ("airbag light with the little man stays lit", "light-airbag", "as soon as possible"),
    ("the red steering wheel symbol and it's hard to turn", "light-steering",
     "call for assistance"),
    ("orange ABS letters, have I lost my brakes", "light-abs", "wheels can lock"),
    # no instruction after what it means: the sentence after it
    ("the belt man keeps pinging at my passenger", "light-seatbelt", "Above 20 km/h"),
])
def test_a_light_described_gets_its_meaning_and_what_to_do(
        answerer: Answerer, question: str, section: str, fact: str) -> None:
    said = _said(answerer, question, section)
    assert fact in said, said
    assert "It means" in said or "it means" in said, said
    assert " shows " not in said and "shaped like" not in said, said  # not what it looks like


def test_how_a_light_looks_keeps_the_sentence_naming_it(answerer: Answerer) -> None:
    said = _said(answerer, "what colour is the thermometer warning", "light-coolant")
    assert said.startswith("The engine temperature warning light is red"), said


@pytest.mark.parametrize(("question", "section", "fact"), [
    ("the pump light is on, how far will the rest of the tank get me", "light-fuel", "80 km"),
    ("fuel light on, how many kilometres can I still do", "light-fuel", "80 km"),
    ("once the sealant is in, how far should I go", "tyre-repair-kit", "10 km"),
])
def test_how_far_wants_a_distance(
        answerer: Answerer, question: str, section: str, fact: str) -> None:
    assert kind_of(question) == "amount"
    assert fact in _said(answerer, question, section)


@pytest.mark.parametrize(("question", "section", "fact"), [
    ("how many fan settings are there", "climate", "7 levels"),
    ("how many mobiles will it store", "phone-pairing", "5 phones"),
])
def test_how_many_wants_a_number_said_with_a_noun(
        answerer: Answerer, question: str, section: str, fact: str) -> None:
    assert kind_of(question) == "amount"
    value = value_of(question)
    assert value is not None and value.search("from 16 to 28 °C") is None  # not a range
    assert fact in _said(answerer, question, section)


@pytest.mark.parametrize(("question", "left"), [
    # pronouns' other forms, interjections, terms of address, hedges: no topic's words
    ("can he open it himself, eh", ["open"]),
    ("uh, how much diesel does her tank take, bro", ["diesel", "tank"]),
    ("is the wiper basically totally broken, lah", ["wiper", "broken"]),
    # the driver's people and stance count for no topic, like "little"
    ("my wife says the wee orange light matters", ["orange"]),
])
def test_words_of_the_drivers_talk_name_no_topic(
        answerer: Answerer, question: str, left: list[str]) -> None:
    analyzer = answerer.index.analyzer
    assert set(answerer._content(question)) == set(analyzer.stems(left)), question


def test_by_itself_is_kept_the_manual_says_it_of_the_car(answerer: Answerer) -> None:
    assert "itself" in answerer.index.analyzer.question_terms("does the sunroof close by itself")


@pytest.mark.parametrize(("question", "section"), [
    ("the oil can light just came on, what do I do now eh", "light-oil"),
    ("uh, so what can you basically do, mate", "assistant"),
    ("would it matter if my husband put diesel in by mistake", "fuel"),
])
def test_a_question_with_such_words_is_answered(
        answerer: Answerer, question: str, section: str) -> None:
    answer = answerer.answer(question)
    assert answer.covered and answer.section_id == section, answer


@pytest.mark.parametrize(("question", "section"), [
    # BM25 finds the services (they change the oil); the section titled with the question's
    # word answers it
    ("how often should the oil be checked", "engine-oil"),
    ("how often should I look at the oil", "engine-oil"),
])
def test_a_covering_section_titled_with_more_of_the_question_answers(
        answerer: Answerer, question: str, section: str) -> None:
    assert answerer.index.search(question, k=1)[0].section.id != section
    answer = answerer.answer(question)
    assert answer.section_id == section, answer


def test_no_light_is_taken_for_a_question_about_no_light(answerer: Answerer) -> None:
    # "door" and "open" are the door open warning's title, but nothing says a light is on
    answer = answerer.answer("my rear doors will not open from the inside")
    assert answer.section_id == "child-locks", answer


def test_the_back_of_the_car_is_its_rear(answerer: Answerer) -> None:
    terms = answerer.index.analyzer.question_terms("the back seats, in the back, lower back")
    assert terms.count("rear") == 2 and "back" in terms, terms  # "back" alone is a weak word
    answer = answerer.answer("how much air should the back tyres have")
    assert answer.section_id == "tyre-pressures", answer
    assert "220 kPa" in answer.text


def test_a_rear_part_the_manual_does_not_have_is_declined(answerer: Answerer) -> None:
    # the manual has the front USB port only
    assert not answerer.answer("is there a USB port at the back").covered


def test_how_many_is_not_answered_by_a_section_without_a_number(answerer: Answerer) -> None:
    # the airbag light's section counts nothing
    assert not answerer.answer("how many airbags does it have").covered
    # "level 1, 2 or 3" is a number: answered
    answer = answerer.answer("how many levels does the seat heating have")
    assert answer.section_id == "seat-heating" and "level 1, 2 or 3" in answer.text, answer


def test_every_form_of_a_synonym_is_the_manuals_word(answerer: Answerer) -> None:
    terms = answerer.index.analyzer.terms
    assert terms("blinked flickered blink") == terms("flashing flashing flashing")
    assert terms("trunks hoods") == terms("boot bonnet")


def test_a_light_that_blinked_then_stayed_on(answerer: Answerer) -> None:
    answer = answerer.answer("my tyre warning blinked for a minute and then stayed lit")
    assert answer.section_id == "light-tyre-pressure", answer
    assert "monitoring system itself has a fault" in answer.text, answer
