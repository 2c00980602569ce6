"""The fast path: transcripts to tool calls, including ASR-style spellings."""

from __future__ import annotations

import pytest

from daemon.understanding.intents import ParsedIntent, parse
from daemon.understanding.numbers import words_to_digits


@pytest.mark.parametrize(("spoken", "digits"), [
    ("set the temperature to twenty one degrees", "set the temperature to 21 degrees"),
    ("make it twenty two and a half", "make it 22.5"),
    ("twenty-two point five", "22.5"),
    ("nineteen", "19"),
    ("open it a hundred percent", "open it 100 percent"),
    ("fifty %", "50 percent"),
    ("21.5 degrees", "21.5 degrees"),
])
def test_words_to_digits(spoken: str, digits: str) -> None:
    assert words_to_digits(spoken) == digits


@pytest.mark.parametrize(("text", "expected"), [
    ("Set the temperature to twenty one degrees.",
     ParsedIntent("set_temperature", {"celsius": 21.0, "zone": "all"})),
    ("Jarvis, set the temperature to 21 degrees.",
     ParsedIntent("set_temperature", {"celsius": 21.0, "zone": "all"})),
    ("set the temperature to 21°C",
     ParsedIntent("set_temperature", {"celsius": 21.0, "zone": "all"})),
    ("Make it 22.5 degrees on the passenger side.",
     ParsedIntent("set_temperature", {"celsius": 22.5, "zone": "passenger"})),
    ("driver side temperature nineteen",
     ParsedIntent("set_temperature", {"celsius": 19.0, "zone": "driver"})),
    ("set the temperature to 72 degrees fahrenheit",
     ParsedIntent("set_temperature", {"celsius": 22.0, "zone": "all"})),
    ("set the temperature to 45 degrees",  # out of range: the dispatcher refuses, not the parser
     ParsedIntent("set_temperature", {"celsius": 45.0, "zone": "all"})),
    ("turn the fan up to level four", ParsedIntent("set_fan", {"level": 4})),
    ("turn off the fan", ParsedIntent("set_fan", {"level": 0})),
    ("fan to max", ParsedIntent("set_fan", {"level": 7})),
    ("Turn on the air conditioning.", ParsedIntent("set_ac", {"on": True})),
    ("switch the AC off", ParsedIntent("set_ac", {"on": False})),
    ("switch the air con off", ParsedIntent("set_ac", {"on": False})),
    ("put the air con on", ParsedIntent("set_ac", {"on": True})),
    ("open the driver window",
     ParsedIntent("set_window", {"window": "driver", "position_pct": 100})),
    ("Close all the windows.", ParsedIntent("set_window", {"window": "all", "position_pct": 0})),
    ("open the passenger window halfway",
     ParsedIntent("set_window", {"window": "passenger", "position_pct": 50})),
    ("open the rear left window a bit",
     ParsedIntent("set_window", {"window": "rear_left", "position_pct": 20})),
    ("What's my range?", ParsedIntent("get_vehicle_status", {"item": "range"})),
    ("How much fuel do I have?", ParsedIntent("get_vehicle_status", {"item": "fuel"})),
    ("how fast am i going", ParsedIntent("get_vehicle_status", {"item": "speed"})),
    ("Navigate to 221 Baker Street.",
     ParsedIntent("navigate_to", {"destination": "221 Baker Street"})),
    ("take me to the airport", ParsedIntent("navigate_to", {"destination": "airport"})),
    ("navigate to The Hague", ParsedIntent("navigate_to", {"destination": "The Hague"})),
    ("play some music", ParsedIntent("media_control", {"action": "play"})),
    ("open the rear left window a quarter of the way",
     ParsedIntent("set_window", {"window": "rear_left", "position_pct": 25})),
    ("play the next song", ParsedIntent("media_control", {"action": "next"})),
    ("pause the music", ParsedIntent("media_control", {"action": "pause"})),
])
def test_parse(text: str, expected: ParsedIntent) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize("text", [
    "", "   ", "warm up the driver seat", "tell me a joke", "what is the meaning of life",
    "lay blue with z zero please",
    "open the window thirty percent",  # which window? asked, never the driver's by default
])
def test_unknown_requests_are_not_guessed(text: str) -> None:
    assert parse(text) is None


# --- completeness of a partial transcript (drives the endpointer's silence) ---

from daemon.hearing.completeness import completeness  # noqa: E402
from daemon.hearing.endpoint import Completeness  # noqa: E402


@pytest.mark.parametrize(("text", "expected"), [
    ("set the temperature to 21", Completeness.COMPLETE),
    ("Set the temperature to twenty one degrees.", Completeness.COMPLETE),
    ("turn on the air conditioning", Completeness.COMPLETE),
    ("open the driver window halfway", Completeness.COMPLETE),
    ("open the driver window", Completeness.UNKNOWN),  # "... to fifty percent" may follow
    ("open the sunroof", Completeness.UNKNOWN),
    ("open the sunroof please", Completeness.COMPLETE),
    ("open the driver window all the way", Completeness.COMPLETE),
    ("open the driver window two", Completeness.UNKNOWN),  # "to" misheard: an amount may follow
    ("open the sunroof tube", Completeness.UNKNOWN),
    ("open the driver window to", Completeness.INCOMPLETE),
    ("close the driver window", Completeness.COMPLETE),
    ("open the driver window to fifty percent", Completeness.COMPLETE),
    ("what's the range", Completeness.COMPLETE),
    ("set the temperature to", Completeness.INCOMPLETE),
    ("Set the temperature to...", Completeness.INCOMPLETE),
    ("open the", Completeness.INCOMPLETE),
    ("set the fan", Completeness.INCOMPLETE),
    ("set the temperature to twenty", Completeness.UNKNOWN),
    ("navigate to the central station", Completeness.SENTENCE),   # a whole place: 0.3 s
    ("navigate to the nearest gas station", Completeness.SENTENCE),
    ("navigate to the nearest", Completeness.UNKNOWN),             # the place is still coming
    ("navigate to King's Cross", Completeness.UNKNOWN),            # a name: may go on
    ("navigate to the station in", Completeness.INCOMPLETE),
    ("call my wife", Completeness.SENTENCE),                       # a contact by relation
    ("call mom", Completeness.SENTENCE),
    ("Call my wife", Completeness.SENTENCE),
    ("navigate to the nearest charging station, please", Completeness.SENTENCE),
    ("call Bob", Completeness.UNKNOWN),                            # "Bob Smith"?
    ("call my white", Completeness.UNKNOWN),
    ("navigate to", Completeness.INCOMPLETE),
    ("tell me a joke", Completeness.UNKNOWN),
    ("", Completeness.UNKNOWN),
    # the recogniser closed the sentence: a request for the language model, a short wait
    ("It's lovely in here.", Completeness.SENTENCE),
    ("It's stuffy in here.", Completeness.COMPLETE),   # a complaint the fast path reads
    ("When will we be there?", Completeness.COMPLETE),            # a declared command
    ("Could you put some music on?", Completeness.COMPLETE),       # particle, not dangling
    ("I can barely see out of the back window.", Completeness.SENTENCE),  # topic, unparsed
    ("Take me to the airport.", Completeness.SENTENCE),           # free text, closed
    ("take me to the airport", Completeness.SENTENCE),            # a whole place
    ("take me to Leeds", Completeness.UNKNOWN),                   # not closed: may go on
    ("What gear am I in?", Completeness.COMPLETE),                # closed, then parsed
    # ... but never after a word no sentence ends on, nor where an amount often follows
    ("Set the temperature to.", Completeness.INCOMPLETE),
    ("Set the temperature to twenty.", Completeness.UNKNOWN),
    ("Open the driver window.", Completeness.UNKNOWN),
    ("Open the driver window two.", Completeness.UNKNOWN),
    ("It's lovely in here...", Completeness.UNKNOWN),             # trailing off
    ("It's lovely in here\u2026", Completeness.UNKNOWN),
])
def test_completeness(text: str, expected: Completeness) -> None:
    assert completeness(text) is expected


@pytest.mark.parametrize("text", ["call Anna", "play some jazz"])  # "Anna Smith", "jazz from"
def test_free_text_commands_are_not_complete(text: str) -> None:
    assert completeness(text) is Completeness.UNKNOWN
