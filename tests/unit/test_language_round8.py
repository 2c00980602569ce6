"""Round 8 of the command language: near misses of the development splits read by class (a
trailing "again", "back" before a volume, a bare step with its unit, "another notch", the
voice named after its change, "half on the sunroof", front fog lights, the light inside,
"altogether", both seats heated, "the rear ones", readings with the car's nickname, "navigate
us home"). Every reading is checked call by call; the sentences they could be confused with
must not act."""

from __future__ import annotations

from typing import Any

import pytest

from daemon.understanding.intents import understander

STATE = {"TempDriver": 21.0, "TempPassenger": 22.0, "FanLevel": 3, "media.Volume": 40,
         "voice.volume_pct": 80}
Calls = list[tuple[str, dict[str, Any]]]

REAR = [("set_window", {"position_pct": 100, "window": "rear_left"}),
        ("set_window", {"position_pct": 100, "window": "rear_right"})]


def _calls(text: str) -> Calls | None:
    plan = understander().understand(text, STATE)
    if plan is None or plan.question is not None or plan.inferred:
        return None
    return [(c.tool, dict(c.args)) for c in plan.calls]


@pytest.mark.parametrize(("text", "calls"), [
    # "again" after a step or a value
    ("bit warmer again", [("set_temperature", {"celsius": 22.0, "zone": "all"})]),
    ("a bit cooler again", [("set_temperature", {"celsius": 20.0, "zone": "all"})]),
    ("louder again", [("set_media_volume", {"volume_pct": 50})]),
    ("quieter again", [("set_media_volume", {"volume_pct": 30})]),
    ("normal speed again", [("set_assistant_voice", {"speed": 1.0})]),
    ("please talk at normal speed again", [("set_assistant_voice", {"speed": 1.0})]),
    # a bare step with its unit
    ("up two degrees", [("set_temperature", {"celsius": 23.0, "zone": "all"})]),
    ("down a degree", [("set_temperature", {"celsius": 20.0, "zone": "all"})]),
    ("up a degree on the passenger side",
     [("set_temperature", {"celsius": 23.0, "zone": "passenger"})]),
    ("one more degree on my side", [("set_temperature", {"celsius": 22.0, "zone": "driver"})]),
    ("down three degrees for both of us", [("set_temperature", {"celsius": 18.0, "zone": "all"})]),
    ("two cooler", [("set_temperature", {"celsius": 19.0, "zone": "all"})]),
    ("two degrees warmer on both sides", [("set_temperature", {"celsius": 23.0, "zone": "all"})]),
    ("a touch more heat", [("set_temperature", {"celsius": 22.0, "zone": "all"})]),
    ("a bit more heat on the passenger side",
     [("set_temperature", {"celsius": 23.0, "zone": "passenger"})]),
    ("passenger side down to ten degrees",
     [("set_temperature", {"zone": "passenger", "celsius": 10.0})]),
    ("set both zones to twenty one and a half",
     [("set_temperature", {"zone": "all", "celsius": 21.5})]),
    ("music up ten", [("set_media_volume", {"volume_pct": 50})]),
    ("can you turn the music up ten percent please", [("set_media_volume", {"volume_pct": 50})]),
    ("volume back to forty", [("set_media_volume", {"volume_pct": 40})]),
    ("mute the music completely", [("set_media_volume", {"volume_pct": 0})]),
    # the fan
    ("another notch on the fan", [("set_fan", {"level": 4})]),
    ("one more notch on the fan", [("set_fan", {"level": 4})]),
    ("fan one lower", [("set_fan", {"level": 2})]),
    ("kill the fan altogether", [("set_fan", {"level": 0})]),
    # the voice
    ("faster voice", [("set_assistant_voice", {"speed": 1.25})]),
    ("slower voice", [("set_assistant_voice", {"speed": 0.8})]),
    ("your voice bit lower", [("set_assistant_voice", {"volume_pct": 70})]),
    ("please reduce your voice volume to 40", [("set_assistant_voice", {"volume_pct": 40})]),
    # sunroof, lights, seats, windows
    ("half on the sunroof", [("set_sunroof", {"position_pct": 50})]),
    ("halfway on the sunroof", [("set_sunroof", {"position_pct": 50})]),
    ("front fog lights on", [("set_lights", {"on": True, "light": "fog_lights"})]),
    ("front foggies on", [("set_lights", {"on": True, "light": "fog_lights"})]),
    ("turn off the light inside", [("set_lights", {"on": False, "light": "interior"})]),
    ("warm my seat up", [("set_seat_heating", {"level": 2, "seat": "driver"})]),
    ("please warm my seat up", [("set_seat_heating", {"level": 2, "seat": "driver"})]),
    ("both seats heated on one", [("set_seat_heating", {"seat": "all", "level": 1})]),
    ("both seats heated", [("set_seat_heating", {"level": 2, "seat": "all"})]),
    ("turn on both seat heaters", [("set_seat_heating", {"level": 2, "seat": "all"})]),
    ("the rear ones down", REAR),
    ("every single window down", [("set_window", {"position_pct": 100, "window": "all"})]),
    # readings and navigation
    ("current speed", [("get_vehicle_status", {"item": "speed"})]),
    ("how fast is the ute going", [("get_vehicle_status", {"item": "speed"})]),
    ("can you tell me how fast im going", [("get_vehicle_status", {"item": "speed"})]),
    ("could you tell me how much fuel remains", [("get_vehicle_status", {"item": "fuel"})]),
    ("odometer reading on the ute", [("get_vehicle_status", {"item": "odometer"})]),
    ("how many kilometres are on the clock", [("get_vehicle_status", {"item": "odometer"})]),
    ("tyre pressures all round", [("get_vehicle_status", {"item": "tire_pressure"})]),
    ("check the tyre pressures on the bakkie",
     [("get_vehicle_status", {"item": "tire_pressure"})]),
    ("are the doors all locked up tight", [("get_vehicle_status", {"item": "doors"})]),
    ("eta on this trip", [("get_eta", {})]),
    ("time left on the trip", [("get_eta", {})]),
    ("navigate us home now", [("navigate_to", {"destination": "home"})]),
    # second pass
    ("what gears she in", [("get_vehicle_status", {"item": "gear"})]),
    ("seat heater for the wife level 2", [("set_seat_heating", {"seat": "passenger", "level": 2})]),
    ("heat the wifes seat", [("set_seat_heating", {"level": 2, "seat": "passenger"})]),
    ("the wifes side to 22", [("set_temperature", {"zone": "passenger", "celsius": 22.0})]),
    ("please keep the ac temperature at 20",
     [("set_temperature", {"celsius": 20.0, "zone": "all"})]),
    ("open my window a small bit", [("set_window", {"position_pct": 20, "window": "driver"})]),
    ("open up the sunroof", [("set_sunroof", {"position_pct": 100})]),
    ("turn the heater up to 24 and the fan up to 5",
     [("set_temperature", {"celsius": 24.0, "zone": "all"}), ("set_fan", {"level": 5})]),
    ("warm up both seats and set the cabin to 23",
     [("set_seat_heating", {"level": 2, "seat": "all"}),
      ("set_temperature", {"celsius": 23.0, "zone": "all"})]),
    ("windows all up and ac on",
     [("set_window", {"position_pct": 0, "window": "all"}), ("set_ac", {"on": True})]),
    ("cool it to 18", [("set_temperature", {"celsius": 18.0, "zone": "all"})]),
    ("one notch less on the fan", [("set_fan", {"level": 2})]),
    ("cabin light on", [("set_lights", {"on": True, "light": "interior"})]),
    ("lock the bakkie", [("lock_doors", {})]),
    ("lock her up tight", [("lock_doors", {})]),
    ("interior light brightness 50 percent",
     [("set_lights", {"on": True, "light": "interior", "brightness_pct": 50})]),
    ("voice twice as fast", [("set_assistant_voice", {"speed": 2.0})]),
    ("talk two times faster", [("set_assistant_voice", {"speed": 2.0})]),
    ("talk at a quarter of your speed", [("set_assistant_voice", {"speed": 0.25})]),
    ("if its no trouble could you tell me the range", [("get_vehicle_status", {"item": "range"})]),
    ("rear right window half open for the little one",
     [("set_window", {"position_pct": 50, "window": "rear_right"})]),
    ("read me the range and the odometer",
     [("get_vehicle_status", {"item": "range"}), ("get_vehicle_status", {"item": "odometer"})]),
    ("seat heater on 2 on the passenger side",
     [("set_seat_heating", {"seat": "passenger", "level": 2})]),
    ("take me back home", [("navigate_to", {"destination": "home"})]),
])
def test_reads(text: str, calls: Calls) -> None:
    assert _calls(text) == calls


@pytest.mark.parametrize("text", [
    "back to 21",  # "back" before a bare number: a volume or a temperature
    "back to forty",
    "back down to 21",
    "play it again",
    "again",
    "another one",
    "one more",
    "another notch",
    "front ones on",
    "rear ones on",
    "both seats heated off",
    "volume up sixty",  # a big bare step may be "to 60"
    "music up twenty",  # "up to 20" heard without "to"
    "volume up one",
    "volume down ten",  # "down to ten" heard without "to", or a step: not guessed
    "back seat heater on",
    "up two",
    "current speed limit",
    "more heat on my seat",
    "turn it off altogether",
    "light inside the boot",
    "warm up the driver seat",  # "warm" with a seat: only "my seat"
    "warm the seat up",
    "brightness 50",
    "heater on",  # the heater named alone: the seat's or the cabin's
    "turn off the heater",
    "turn the seat heater up",
    "cabin light 50",
    "ac 20",  # the A/C with a bare number: a temperature, a fan level?
    "aircon on 2",
    "ac temp 3",
    "open up",
    "open up the car",
    "fan brightness 50",
])
def test_does_not_act(text: str) -> None:
    plan = understander().understand(text, STATE)
    assert plan is None or plan.question is not None or plan.inferred or not plan.calls


def test_a_title_keeps_its_again_and_is_asked_about_first() -> None:
    # "the kids want to hear baby shark again" says "again" of "baby shark": which it is,
    # only the driver knows (vehicle_tools.courtesy.TITLE_ENDS)
    plan = understander().understand("play hello again", STATE)
    assert plan is not None and plan.inferred
    assert [(c.tool, dict(c.args)) for c in plan.calls] == [
        ("media_search", {"query": "hello again"})]


def test_open_up_an_unnamed_window_asks_which() -> None:
    plan = understander().understand("open up the window", STATE)
    assert plan is not None and not plan.calls and plan.question is not None
    assert plan.question.text == "Which window?"
