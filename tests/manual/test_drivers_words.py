"""Drivers' words for the manual's (daemon/manual/text.py): terms of address and dialect
interjections name no topic; everyday words, words in pieces and the symbols as drivers see
them mean the manual's words. On real sentences of the shipped manual."""

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


@pytest.mark.parametrize(("question", "plain"), [
    ("the oil lamp is on, pet, what now", "the oil lamp is on, what now"),
    ("how far can I go on the spare, my lover", "how far can I go on the spare"),
    ("chale, the fuel light is on brah", "the fuel light is on"),
    ("uff da, the wipers are smearing", "the wipers are smearing"),
])
def test_terms_of_address_and_interjections_name_no_topic(
        answerer: Answerer, question: str, plain: str) -> None:
    analyzer = answerer.index.analyzer
    assert analyzer.question_terms(question) == analyzer.question_terms(plain)


def test_a_pet_is_still_a_pet_outside_an_address(answerer: Answerer) -> None:
    assert "pet" in answerer.index.analyzer.question_terms("can my pet ride in the boot")


@pytest.mark.parametrize(("question", "manual_words"), [
    ("the blower", "the fan"),
    ("how do I put the brights on", "how do I put the high beam on"),
    ("my screenwash", "my screen wash"),
    ("the clicker is dead", "the fob is flat"),
    ("it keeps dinging", "it keeps chiming"),
    ("pump up the tyres", "inflate the tyres"),
    ("a teapot light", "an oil can light"),
    ("a man with a big ball in front", "a person with airbag in front"),
    ("the car from the top", "the car from above"),
])
def test_drivers_words_mean_the_manuals(answerer: Answerer, question: str,
                                        manual_words: str) -> None:
    analyzer = answerer.index.analyzer
    assert set(analyzer.question_terms(manual_words)) <= set(analyzer.question_terms(question)) | {
        "person"}  # "man" stays a man: only the drawn fella, bloke, figure is a person


@pytest.mark.parametrize(("question", "section", "fact"), [
    ("the clicker's completely dead, how do I get the car going", "key-battery",
     "steering column"),
    ("how many settings has the blower got", "climate", "7 levels"),
    ("a red teapot light came on", "light-oil", "too low"),
    ("the bloke with the belt keeps dinging at my passenger", "light-seatbelt", "20 km/h"),
    ("the fuel light is on, love, how far can I go", "light-fuel", "80 km"),
])
def test_questions_in_drivers_words_are_answered(answerer: Answerer, question: str,
                                                 section: str, fact: str) -> None:
    answer = answerer.answer(question)
    assert answer.section_id == section, answer
    assert fact in answer.text, answer.text


@pytest.mark.parametrize(("question", "section", "fact"), [
    ("how much shopping fits in with the rear seats folded down", "boot", "1,250 litres"),
    ("luggage space with the back seats folded flat", "boot", "1,250 litres"),
    ("do the maps still work with no signal in the mountains", "navigation-setup",
     "without a connection"),
])
def test_folded_flat_what_fits_and_being_online_are_the_manuals_words(
        answerer: Answerer, question: str, section: str, fact: str) -> None:
    answer = answerer.answer(question)
    assert answer.section_id == section, answer
    assert fact in answer.text, answer.text
