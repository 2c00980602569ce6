"""Which sentences go to the manual: questions about the car, not commands, live readings or
questions about the conversation; with or without the wake phrase and punctuation (Vosk
writes neither case nor punctuation)."""

from __future__ import annotations

import pytest

from daemon.manual.route import (
    for_the_manual,
    manual_first,
    manual_only,
    reads_the_car,
    yields_to_manual,
)


@pytest.mark.parametrize("text", [
    "how do I pair my phone with the car?", "hey jarvis how do i pair my phone",
    "Hey Jarvis, what does the orange engine light on the dashboard mean?",
    "what should my tyre pressure be", "where's the spare tyre", "is it safe to drive with the "
    "ABS light on",
])
def test_advice_questions_go_to_the_manual_first(text: str) -> None:
    assert manual_only(text) and for_the_manual(text)


@pytest.mark.parametrize("text", [
    "the oil can light came on what do I do", "my battery is dead, how do I jump it",
    "do you record what I say", "the brake warning light won't go off",
    "there's a red light with an oil can on my dash", "Hey Jarvis, the wipers are smearing.",
    "my key fob doesn't work", "what's the warranty on this car", "what can you do",
    "abs light", "oil type", "the electric handbrake won't release",
    "could you tell me how the child locks work", "do the doors lock by themselves",
])
def test_other_questions_go_to_the_manual_when_it_covers_them(text: str) -> None:
    assert for_the_manual(text) and not manual_only(text)


@pytest.mark.parametrize("text", [
    "what's my tyre pressure", "hey jarvis what's my tyre pressure", "how much fuel do I have",
    "are the doors locked", "is the sunroof open", "how far can I drive", "what gear is the "
    "car in", "I'm on reserve, how many miles left",
])
def test_live_readings_stay_with_the_vehicle_tool(text: str) -> None:
    assert reads_the_car(text) and not for_the_manual(text) and not manual_only(text)


@pytest.mark.parametrize("text", [
    "open the window", "could you open the window?", "hey jarvis turn on the AC",
    "the window is open", "my feet are freezing", "what did you say?", "tell me a joke",
])
def test_commands_chat_and_the_conversation_are_not_for_the_manual(text: str) -> None:
    assert not for_the_manual(text) and not manual_only(text)


@pytest.mark.parametrize("text", [
    "the oil light came on", "my dash shows a red battery", "spare wheel location",
    "tyre pressure numbers?", "speed limit on the temporary spare",
    "the steering feels really stiff", "going away for a month, will the battery die",
])
def test_statements_and_terse_topics_go_to_the_manual_when_it_covers_them(text: str) -> None:
    assert for_the_manual(text) and manual_first(text) == "no"


@pytest.mark.parametrize("text", [
    "I need to get to the 12 volt battery, where is it hiding",
    "booster cables, which one goes on first", "I'd like to know how the seat heating works",
])
def test_a_question_inside_a_sentence_is_heard_before_the_fast_path(text: str) -> None:
    assert manual_first(text) == "if_covered"


@pytest.mark.parametrize("text", [
    "how do I get to King's Cross", "where is the nearest dealer", "play where is my mind",
    "turn on the wipers", "central locking on", "I'm cold", "open the boot",
])
def test_directions_and_commands_stay_with_the_fast_path(text: str) -> None:
    assert manual_first(text) == "no"


def test_free_text_read_by_the_fast_path_is_checked_against_the_manual() -> None:
    text = "how do I get to the 12 volt battery"
    assert yields_to_manual(text, [("navigate_to", {"destination": "the 12 volt battery"})]) \
        == "the 12 volt battery"
    assert yields_to_manual(text, [("set_window", {"position": 0})]) == ""
    assert yields_to_manual("navigate to Leeds", [("navigate_to", {"destination": "Leeds"})]) \
        == ""
    assert yields_to_manual("tyre light came on after a cold night", [], gave_up=True)
    assert yields_to_manual("I'm cold", [], gave_up=True) == ""


@pytest.mark.parametrize("text", [
    "red oil light while driving to work", "the coolant warning has gone red again today",
    "engine warning turned orange this morning", "my key fob died this morning",
    "the phone battery went flat overnight", "could you explain the tyre repair kit",
    "would you describe how cruise control works",
])
def test_a_light_in_a_state_a_part_that_died_and_explain_are_for_the_manual(text: str) -> None:
    assert for_the_manual(text) and not manual_only(text)


@pytest.mark.parametrize("text", [
    "turn the lights on while driving", "could you open the window", "set the fan to orange",
])
def test_commands_with_those_words_stay_commands(text: str) -> None:
    assert manual_first(text) == "no" and not manual_only(text)


@pytest.mark.parametrize("text", [
    # a symbol described rather than named
    "an orange exclamation mark in a circle", "little green car picture on the cluster",
    "amber padlock next to the speedo", "the fuel needle is in the red",
    "some triangle thing showing",
    # what the car does by itself, or when the driver does something
    "the mirrors fold in on their own", "the boot opened by itself",
    "the radio goes quiet every time we reverse", "the seat slides back when I switch off",
    # a problem with a question tagged on after a comma
    "flat tyre on a country lane, who should I phone", "long trip tomorrow, anything to check",
    "spare wheel, when can I use it", "the headlights keep dazzling people",
    "we broke down near the services", "engine won't turn over in the cold",
    "front tyre is losing pressure", "the fan is really weak",
    # a property with its condition
    "width of the car with the mirrors folded", "correct psi for a full load",
])
def test_described_symbols_behaviour_and_tagged_problems_are_for_the_manual(text: str) -> None:
    assert for_the_manual(text) and not manual_only(text)


@pytest.mark.parametrize("text", [
    "turn the dash lights down when I reverse", "open the sunroof every time I start the car",
    "lock the doors by themselves", "set the fan to blue",
])
def test_commands_said_with_those_words_stay_commands(text: str) -> None:
    assert manual_first(text) == "no" and not for_the_manual(text)


@pytest.mark.parametrize("text", [
    "the back window is frosted over again", "I'm worried the sat nav shares where I go",
    "I'm not sure the child lock is working",
])
def test_frost_and_a_doubt_said_are_for_the_manual(text: str) -> None:
    assert for_the_manual(text) and not manual_only(text)


@pytest.mark.parametrize("text", ["I'm cold", "I'm bored", "I am hungry"])
def test_how_the_driver_feels_is_not_a_doubt(text: str) -> None:
    assert not for_the_manual(text)
