"""A second command said with words left out (daemon/understanding/ellipsis.py), a step said
as a bare number past its limits (daemon/understanding/resolve.py), and the language added
with them: every reading checked call by call, every refusal to guess checked as a question
or as nothing understood."""

from __future__ import annotations

from typing import Any

import pytest

from daemon.understanding.intents import understander

STATE = {"TempDriver": 21.0, "TempPassenger": 22.0, "FanLevel": 3, "media.Volume": 40,
         "voice.volume_pct": 80}
Calls = list[tuple[str, dict[str, Any]]]


def _calls(text: str) -> Calls | None:
    plan = understander().understand(text, STATE)
    if plan is None:
        return None
    assert not plan.inferred, text
    return [(c.tool, dict(c.args)) for c in plan.calls]


def _question(text: str) -> str:
    plan = understander().understand(text, STATE)
    assert plan is not None and plan.question is not None, text
    return plan.question.text


@pytest.mark.parametrize(("text", "calls"), [
    # gapping: the piece takes the place of words of the command before it
    ("turn the music down and your voice too",
     [("set_media_volume", {"volume_pct": 30}), ("set_assistant_voice", {"volume_pct": 70})]),
    ("open my window and the passenger one",
     [("set_window", {"position_pct": 100, "window": "driver"}),
      ("set_window", {"position_pct": 100, "window": "passenger"})]),
    ("rear defrost on and the front one too",  # "too": each asked for on its own
     [("set_defrost", {"on": True, "screen": "rear"}),
      ("set_defrost", {"on": True, "screen": "front"})]),
    ("turn the fog lights on and the radio off",
     [("set_lights", {"on": True, "light": "fog_lights"}), ("media_control", {"action": "pause"})]),
    ("close the windows and the sunroof too",
     [("set_window", {"position_pct": 0, "window": "all"}), ("set_sunroof", {"position_pct": 0})]),
    ("turn the fan down and the music",
     [("set_fan", {"level": 2}), ("set_media_volume", {"volume_pct": 30})]),
    # "it" is what the command before acted on; a next step said as such runs after it
    ("open the back left window and then close it halfway",
     [("set_window", {"position_pct": 100, "window": "rear_left"}),
      ("set_window", {"position_pct": 50, "window": "rear_left"})]),
    ("fan up one and temp down one",
     [("set_fan", {"level": 4}), ("set_temperature", {"celsius": 20.0, "zone": "all"})]),
    ("set my side to 22 and her side to 20",
     [("set_temperature", {"celsius": 22.0, "zone": "driver"}),
      ("set_temperature", {"celsius": 20.0, "zone": "passenger"})]),
])
def test_words_left_out_are_those_of_the_command_before(text: str, calls: Calls) -> None:
    assert _calls(text) == calls


def test_the_verb_kept_is_the_one_with_its_particle() -> None:
    """The shortest run is replaced: "the demister" after "turn off the seat heating" is
    "turn off the demister", never "turn the demister" (which would switch it on)."""
    plan = understander().understand("please turn off the seat heating and the demister", STATE)
    assert plan is not None and plan.question is not None
    assert plan.question.text == "Which seat?"
    assert [(c.tool, dict(c.args)) for c in plan.question.then] == [
        ("set_defrost", {"on": False, "screen": "front"})]


@pytest.mark.parametrize("text", [
    "set the fan to 3 and the seat heater",  # a level is never lent to another tool
    "open the sunroof a bit and the boot",  # nor an amount
])
def test_a_value_is_not_lent_to_another_tool(text: str) -> None:
    calls = _calls(text)
    assert calls is None or all(
        not (tool == "set_seat_heating" and args.get("level") == 3) for tool, args in calls)


@pytest.mark.parametrize(("text", "question"), [
    ("put the fan up six", "Which level?"),  # 3 + 6 is past 7; level 6 is a level: asked
    ("put the fan up ... six", "Which level?"),
])
def test_a_bare_step_past_the_limit_that_could_be_the_value_is_asked(text: str,
                                                                     question: str) -> None:
    assert _question(text) == question


@pytest.mark.parametrize(("text", "calls"), [
    ("fan up 2", [("set_fan", {"level": 5})]),  # inside the limits: the step as said
    ("drop down fans 4", [("set_fan", {"level": -1})]),  # down 4 at 3 is no level 4: refused
    ("turn the volume up by 80", [("set_media_volume", {"volume_pct": 120})]),  # "by": a step
])
def test_a_step_is_a_step_when_it_can_only_be_one(text: str, calls: Calls) -> None:
    assert _calls(text) == calls


@pytest.mark.parametrize(("text", "calls"), [
    ("twenty on mine", [("set_temperature", {"celsius": 20.0, "zone": "driver"})]),
    ("set her side to 22", [("set_temperature", {"celsius": 22.0, "zone": "passenger"})]),
    ("heat on her seat", [("set_seat_heating", {"level": 2, "seat": "passenger"})]),
    ("turn on the seat heating for my passenger",
     [("set_seat_heating", {"level": 2, "seat": "passenger"})]),
    ("radio off", [("media_control", {"action": "pause"})]),
    ("heat the windscreen", [("set_defrost", {"on": True, "screen": "front"})]),
    ("defrost both screens", [("set_defrost", {"on": True, "screen": "all"})]),
    ("put the fogs on", [("set_lights", {"on": True, "light": "fog_lights"})]),
    ("dipped lights on", [("set_lights", {"on": True, "light": "headlights"})]),
    ("air off", [("set_ac", {"on": False})]),
    ("ac back on", [("set_ac", {"on": True})]),
    ("set 20 degrees", [("set_temperature", {"celsius": 20.0, "zone": "all"})]),
    ("temp down two", [("set_temperature", {"celsius": 19.0, "zone": "all"})]),
    ("close the back left window halfway",
     [("set_window", {"position_pct": 50, "window": "rear_left"})]),
    ("odo reading", [("get_vehicle_status", {"item": "odometer"})]),
    ("check if the doors are locked", [("get_vehicle_status", {"item": "doors"})]),
    ("read me the eta", [("get_eta", {})]),
    ("make your voice louder", [("set_assistant_voice", {"volume_pct": 90})]),
])
def test_the_words_added_with_this_round(text: str, calls: Calls) -> None:
    assert _calls(text) == calls
