"""What a question asks for, by class (daemon/manual/kinds.py, daemon/manual/text.py): a
duration, a pressure or a kind asked after a light or a "how do I"; what to switch off after a
light came on; what the car does "on its own"; a loaded car's luggage; whom to ring. On real
sentences of the shipped manual."""

from __future__ import annotations

import pytest

from daemon.manual.answer import Answerer
from daemon.manual.config import ManualConfig
from daemon.manual.kinds import kind_of, which_kind
from daemon.manual.loader import load_answerer


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    loaded = load_answerer(ManualConfig())
    assert loaded is not None
    return loaded


@pytest.mark.parametrize(("question", "kind"), [
    ("the temperature light came on, how long should the engine cool", "amount"),
    ("how hard do I inflate the spare", "amount"),
    ("the battery light is on, what should I be turning off", "action"),
    ("what should I be checking when the oil light comes on", "action"),
])
def test_the_kind_asked_after_a_light_or_a_how_do_i(question: str, kind: str) -> None:
    assert kind_of(question) == kind


def test_which_kind() -> None:
    assert which_kind("what sort of battery is in the remote")
    assert not which_kind("what does the battery light mean")


@pytest.mark.parametrize(("question", "section", "fact"), [
    ("the engine temperature light came on, how long do I leave it to cool", "light-coolant",
     "30 minutes"),
    ("how hard should I pump up the space saver", "spare-wheel", "420 kPa"),
    ("what sort of battery does the key fob take", "key-battery", "CR2032"),
    ("the battery warning light came on, what should I be turning off", "light-battery",
     "heated seats"),
    ("why do the doors lock on their own", "locking", "15 km/h"),
    ("tyre pressures for a trip with the kids and bags", "tyre-pressures", "260 kPa"),
    ("we broke down, who should I ring", "hazard-breakdown", "sticker"),
])
def test_the_sentence_that_answers_what_is_asked(answerer: Answerer, question: str,
                                                 section: str, fact: str) -> None:
    answer = answerer.answer(question)
    assert answer.section_id == section, answer
    assert fact in answer.text, answer.text


def test_a_kind_with_no_code_in_the_section_gets_the_best_sentence(answerer: Answerer) -> None:
    answer = answerer.answer("what kind of washer fluid should I use in winter")
    assert "antifreeze" in answer.text
