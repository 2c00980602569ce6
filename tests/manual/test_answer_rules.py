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


def test_you_in_a_contraction_is_the_assistant_too(answerer: Answerer) -> None:
    terms = answerer.index.analyzer.question_terms("I worry you're listening")
    assert terms == ["assist", "listen"], terms


@pytest.mark.parametrize(("question", "fact"), [
    # only the first sentence shares a word: the one after it goes on about the same thing
    ("I worry you're listening to everything I say in here", "Nothing is recorded"),
    ("does my voice get stored anywhere", "Nothing is recorded"),  # none shares a word
])
def test_when_one_sentence_matches_the_next_comes_along(
        answerer: Answerer, question: str, fact: str) -> None:
    answer = answerer.answer(question)
    assert answer.section_id == "assistant-privacy"
    assert answer.text == ("Cabin listens only for the wake word, and what you say is processed "
                           "inside the car; no audio leaves the car. Nothing is recorded by "
                           "default.")
    assert fact in answer.text


def test_from_the_inside_is_a_way_not_a_place(answerer: Answerer) -> None:
    answer = answerer.answer(
        "where's the switch that stops the kids opening the back doors from inside")
    assert answer.section_id == "child-locks"
    assert "on the edge of the door, below the latch" in answer.text


def test_how_do_i_gets_the_step_not_the_warning(answerer: Answerer) -> None:
    answer = answerer.answer("how do I fit an isofix seat")
    assert answer.section_id == "child-seats"
    assert answer.text.startswith("Attach a child seat to the ISOFIX anchors")
    assert "Never fit" not in answer.text


def test_a_word_only_in_one_sections_also_phrases_names_it_only_with_the_phrase(
        answerer: Answerer) -> None:
    # "glass roof" is on the sunroof's Also: line; "glass" alone is any glass
    assert answerer._names_topic("glass", {"glass", "roof"})
    assert not answerer._names_topic("glass", {"wiper", "glass", "smear"})
    # a word of several sections' topics, or of a title, names a topic on its own
    assert answerer._names_topic("rear", {"rear", "wiper"})
    assert answerer._names_topic("key", {"spare", "key"})


@pytest.mark.parametrize("question", [
    "how do I turn on the rear wiper", "where's the bonnet release", "where's the spare key",
    "how do I switch off the seat belt chime for good",
])
def test_a_word_of_several_topics_or_a_title_still_declines(
        answerer: Answerer, question: str) -> None:
    assert not answerer.answer(question).covered


def test_function_words_of_any_topic_are_stop_words(answerer: Answerer) -> None:
    terms = answerer.index.analyzer.question_terms(
        "all over the glass but of their own, because each other waits until")
    assert terms == ["glass", "wait"], terms
    # "on their own" is what the car does by itself, as the manual says it (text.PHRASES)
    assert "themselv" in answerer.index.analyzer.question_terms("they lock on their own")


def test_speed_is_a_property_asked_for_not_a_topic(answerer: Answerer) -> None:
    # "set speed" (cruise control) and "wiper speed" do not make it another section's question
    answer = answerer.answer("at what speed do the doors lock on their own")
    assert answer.covered and answer.section_id == "locking", answer.text
    assert "15 km/h" in answer.text


def test_a_purpose_said_after_the_question_is_left_out() -> None:
    from daemon.manual.kinds import without_purpose

    assert without_purpose("how do I fold the wing mirrors in for a narrow lane") == (
        "how do I fold the wing mirrors in")
    assert without_purpose("save my seat so the wife doesn't mess it up") == "save my seat"
    assert without_purpose("for a long trip, what pressure") == "for a long trip, what pressure"


@pytest.mark.parametrize("question", [
    "what's a good podcast for a long drive", "how much should I tip a taxi driver in Lagos",
])
def test_a_question_outside_the_manual_with_a_purpose_is_still_declined(
        answerer: Answerer, question: str) -> None:
    assert not answerer.answer(question).covered


def test_shut_is_close(answerer: Answerer) -> None:
    answer = answerer.answer("door open warning won't clear even though they're all shut")
    assert answer.covered and answer.section_id == "light-door", answer.text
    assert "not fully closed" in answer.text


@pytest.mark.parametrize(("question", "section", "fact"), [
    # a stop word's other form does not decline it
    ("what's the spanner symbol telling me", "light-service", "service is due"),
    ("where's the warning triangle kept", "hazard-breakdown", "warning triangle"),
    # a word of another topic's phrase alone does not decline it
    ("isofix points for the baby seat", "child-seats", "ISOFIX anchors"),  # jacking points
    ("the wiper blades are squeaking on the glass", "wiper-blades", "Replace the wiper blades"),
    ("what's the red circle with an exclamation point", "light-brake", "brake"),
    ("air con temperature range", "climate", "16 to 28 °C"),  # range left (of fuel)
    # a function word does not decline it
    ("wipers leaving streaks all over the glass", "wiper-blades", "when they streak"),
    ("car's dead and won't turn over, a mate has some cables", "jump-starting", "jumper cables"),
    # a purpose said after the question does not decline it
    ("how do I fold the wing mirrors in for a narrow lane", "mirrors", "fold symbol"),
    ("how do I save my seat position so the wife doesn't mess it up", "seats", "memory button"),
])
def test_a_covered_question_is_not_declined_for_words_that_do_not_change_it(
        answerer: Answerer, question: str, section: str, fact: str) -> None:
    answer = answerer.answer(question)
    assert answer.covered and answer.section_id == section, answer.text
    assert fact in answer.text
