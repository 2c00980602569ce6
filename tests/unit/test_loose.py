"""The loose reading (daemon/understanding/loose.py): the declared words in another order,
never a reading the templates would contradict, never an action from a sentence whose meaning
a bag of words cannot hold (a negation, a question, a number with no place, free text)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from daemon.understanding.intents import understander
from daemon.understanding.sample import every_template
from daemon.understanding.text import normalize

STATE = {"TempDriver": 21.0, "TempPassenger": 22.0, "FanLevel": 3, "media.Volume": 40,
         "voice.volume_pct": 80}


def _calls(text: str) -> list[tuple[str, dict[str, Any]]] | None:
    plan = understander().understand(text, STATE)
    if plan is None:
        return None
    return [(c.tool, dict(c.args)) for c in plan.calls]


def test_a_loose_reading_never_contradicts_the_templates() -> None:
    """Three draws of every template (~900 sentences): wherever the loose reading reads a
    sentence the templates cover, it reads it the same way (tool and every argument)."""
    matcher = understander().matcher
    read = agreed = 0
    for seed in range(3):
        for drawn in every_template(matcher.grammar, random.Random(seed)):
            text = normalize(drawn.text)
            strict = matcher.clause(text, drawn.text)
            loose = matcher.loose.read(text)
            if strict is None or loose is None:
                continue
            read += 1
            assert (loose.block.tool, dict(loose.args)) == (strict.tool, dict(strict.args)), \
                drawn.text
            agreed += 1
    assert read > 400  # the loose reader reads most of what the templates say


@pytest.mark.parametrize(("text", "calls"), [
    ("the sunroof close it please", [("set_sunroof", {"position_pct": 0})]),
    ("passenger window down halfway could you",
     [("set_window", {"position_pct": 50, "window": "passenger"})]),
    ("fan to level three set it", [("set_fan", {"level": 3})]),
    ("the temperature twenty one degrees", [("set_temperature", {"celsius": 21.0,
                                                                  "zone": "all"})]),
    ("the music volume to forty percent", [("set_media_volume", {"volume_pct": 40})]),
    ("my seat heater off", [("set_seat_heating", {"level": 0, "seat": "driver"})]),
    ("the air con off", [("set_ac", {"on": False})]),
    ("the ac on", [("set_ac", {"on": True})]),
    ("the next track play", [("media_control", {"action": "next"})]),
    ("bring the heat up a degree", [("set_temperature", {"celsius": 22.0, "zone": "all"})]),
    ("all windows close", [("set_window", {"position_pct": 0, "window": "all"})]),
    ("the rear demister switch on", [("set_defrost", {"on": True, "screen": "rear"})]),
    ("for the passenger the seat heating on level two",
     [("set_seat_heating", {"level": 2, "seat": "passenger"})]),
    ("what is the fuel level currently", [("get_vehicle_status", {"item": "fuel"})]),
    ("tell me the range", [("get_vehicle_status", {"item": "range"})]),
    ("sunroof open a crack", [("set_sunroof", {"position_pct": 20})]),
    ("interior light on at 30 percent",
     [("set_lights", {"on": True, "light": "interior", "brightness_pct": 30})]),
    ("the volume of your voice to 80 percent", [("set_assistant_voice", {"volume_pct": 80})]),
    ("set temp 18 degree", [("set_temperature", {"celsius": 18.0, "zone": "all"})]),
    ("driver window open 30 percent",
     [("set_window", {"position_pct": 30, "window": "driver"})]),
    # a piece of several commands, read loosely
    ("the ac on and the rear demister switch on",
     [("set_ac", {"on": True}), ("set_defrost", {"on": True, "screen": "rear"})]),
])
def test_the_declared_words_in_another_order_are_understood(
        text: str, calls: list[tuple[str, dict[str, Any]]]) -> None:
    assert _calls(text) == calls


@pytest.mark.parametrize("text", [
    "open the boot",                        # the status query says "open": not a command
    "open the trunk",
    "is the window open",                   # a question asks nothing of the window
    "what should my tyre pressure be",      # advice: the manual's, never a reading or call
    "open the driver window two",           # a number with no "percent"
    "the passenger window 2",               # nor "to" before it
    "lower the window for the passenger 30",
    "volume down ten",                      # a step, which only the relative templates read
    "the back right window",                # no verb, no amount: open? close? (was: opened)
    "plus the back right window",           # "close" misheard: never opened
    "navigate the uh the uh",               # a fixed free-text argument ("home") never loose
    "I need directions",                    # the template "we dont need the directions"
    "dont open the window",                 # a negation
    "the window not open",
    "at 0.8 speed",                         # no fan level has a decimal
    "lock all of the doors or unlock them",
    "bring the heat up a few",              # a step with no size is no step of 0
])
def test_what_a_bag_of_words_cannot_hold_is_not_acted_on(text: str) -> None:
    calls = _calls(text)
    plan = understander().understand(text, STATE)
    assert not calls or (plan is not None and plan.question is not None and not plan.calls), \
        (text, calls)
