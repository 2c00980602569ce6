"""Which sentences go to the manual: questions about the car, not commands, live readings or
questions about the conversation; with or without the wake phrase and punctuation (Vosk
writes neither case nor punctuation)."""

from __future__ import annotations

import pytest

from daemon.manual.route import for_the_manual, manual_only, reads_the_car


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
    "car in",
])
def test_live_readings_stay_with_the_vehicle_tool(text: str) -> None:
    assert reads_the_car(text) and not for_the_manual(text) and not manual_only(text)


@pytest.mark.parametrize("text", [
    "open the window", "could you open the window?", "hey jarvis turn on the AC",
    "the window is open", "my feet are freezing", "what did you say?", "tell me a joke",
])
def test_commands_chat_and_the_conversation_are_not_for_the_manual(text: str) -> None:
    assert not for_the_manual(text) and not manual_only(text)
