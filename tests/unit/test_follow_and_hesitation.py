"""A second command about "it"/"them" with any verb, words that undo ("again", "back up"),
hesitations between numbers, and corrections that replace a name. Each reading is checked call
by call; what must not be guessed is checked as nothing understood."""

from __future__ import annotations

from typing import Any

import pytest

from daemon.understanding.correction import hesitated
from daemon.understanding.follow import about_it, restored
from daemon.understanding.intents import understander

STATE = {"TempDriver": 21.0, "TempPassenger": 21.0, "FanLevel": 3, "media.Volume": 40,
         "voice.volume_pct": 80}


def _calls(text: str) -> list[tuple[str, dict[str, Any]]] | None:
    plan = understander().understand(text, STATE)
    if plan is None or plan.question is not None:
        return None
    return [(c.tool, dict(c.args)) for c in plan.calls]


@pytest.mark.parametrize(("text", "calls"), [
    ("turn the fan up to 6 and then bring it back down to 2",  # was 2 degrees for every zone
     [("set_fan", {"level": 6}), ("set_fan", {"level": 2})]),
    ("put the fan on five and bring it down to one",
     [("set_fan", {"level": 5}), ("set_fan", {"level": 1})]),
    ("open the sunroof and then shut it again",
     [("set_sunroof", {"position_pct": 100}), ("set_sunroof", {"position_pct": 0})]),
    ("lower the driver window and then put it back up",
     [("set_window", {"position_pct": 100, "window": "driver"}),
      ("set_window", {"position_pct": 0, "window": "driver"})]),
    ("unlock the doors then lock them again", [("unlock_doors", {}), ("lock_doors", {})]),
    ("open the back right window then close it again",
     [("set_window", {"position_pct": 100, "window": "rear_right"}),
      ("set_window", {"position_pct": 0, "window": "rear_right"})]),
    ("how fast are we going, then all them shut",  # "all them": every window, no "it"
     [("get_vehicle_status", {"item": "speed"}),
      ("set_window", {"position_pct": 0, "window": "all"})]),
])
def test_it_is_what_the_command_before_acted_on(text: str,
                                                calls: list[tuple[str, dict[str, Any]]]) -> None:
    assert _calls(text) == calls


def test_it_never_takes_the_value_said_before() -> None:
    calls = _calls("set the temperature to 24 and then drop it a degree")
    assert calls is None or calls[1:] == [("set_temperature", {"celsius": 23.0, "zone": "all"})]


def test_it_is_never_another_thing() -> None:
    calls = _calls("turn on the ac and make it 20")  # "it" is the A/C: no temperature guessed
    assert calls is None or not any(tool == "set_temperature" for tool, _ in calls)


@pytest.mark.parametrize(("piece", "kept"), [
    (["close", "it", "again"], ["close", "it"]),
    (["put", "it", "back", "up"], ["put", "it", "up"]),
    (["open", "the", "back", "window"], ["open", "the", "back", "window"]),  # a place
    (["again"], ["again"]),
    (["song", "again"], ["song", "again"]),  # no verb of a setting: "play that song again"
])
def test_restoring_words_are_dropped(piece: list[str], kept: list[str]) -> None:
    assert restored(piece) == kept


def test_all_of_them_is_no_pronoun() -> None:
    assert about_it(["close", "it"]) and about_it(["lock", "them"])
    assert not about_it(["all", "them", "shut"])


@pytest.mark.parametrize(("text", "read"), [
    ("heat my seat to three um two", "heat my seat to three, no, two"),
    ("passenger side eighteen er nineteen", "passenger side eighteen, no, nineteen"),
    ("set the temperature to twenty um two", "set the temperature to twenty two"),
    ("call um Bob", "call um Bob"),  # no numbers either side
])
def test_hesitation_between_numbers(text: str, read: str) -> None:
    assert hesitated(text) == read


@pytest.mark.parametrize(("text", "calls"), [
    ("heat my seat to three um two", [("set_seat_heating", {"seat": "driver", "level": 2})]),
    ("set the volume to thirty hmm thirty five", [("set_media_volume", {"volume_pct": 35})]),
    ("set the temperature to twenty um two",
     [("set_temperature", {"celsius": 22.0, "zone": "all"})]),
    ("previous track ah no the next one", [("media_control", {"action": "next"})]),
    ("fan to two correction four", [("set_fan", {"level": 4})]),
    ("take me to Kings Cross correction Euston", [("navigate_to", {"destination": "Euston"})]),
    ("drive to Park Road, no, Park Lane", [("navigate_to", {"destination": "Park Lane"})]),
    ("thirty percent on the sunroof scratch that sixty",
     [("set_sunroof", {"position_pct": 60})]),
])
def test_corrections(text: str, calls: list[tuple[str, dict[str, Any]]]) -> None:
    assert _calls(text) == calls


@pytest.mark.parametrize("text", [
    "open the sunroof, just to track",  # heard for "just a crack": a thing named, no "play"
    "close the windows, the radio",
])
def test_a_thing_named_after_a_pause_is_no_command(text: str) -> None:
    calls = _calls(text)
    assert calls is None or not any(tool.startswith("media") for tool, _ in calls)


@pytest.mark.parametrize(("text", "calls"), [
    ("set the temperature to twenty ... and a half",
     [("set_temperature", {"celsius": 20.5, "zone": "all"})]),
    ("next song and a bit louder",  # a comparative says what to do
     [("media_control", {"action": "next"}), ("set_media_volume", {"volume_pct": 50})]),
])
def test_refinements_and_steps_after_a_pause(text: str,
                                             calls: list[tuple[str, dict[str, Any]]]) -> None:
    assert _calls(text) == calls


@pytest.mark.parametrize("text", [
    "the road is icy this morning, is the tyre light a worry",
    "the dashboard light came on after a cold night",
])
def test_cold_outside_is_no_complaint(text: str) -> None:
    assert understander().understand(text, STATE) is None


@pytest.mark.parametrize(("text", "calls"), [
    ("close my window, open hers halfway",
     [("set_window", {"position_pct": 0, "window": "driver"}),
      ("set_window", {"position_pct": 50, "window": "passenger"})]),
    ("open the passenger window a quarter then close mine",
     [("set_window", {"position_pct": 25, "window": "passenger"}),
      ("set_window", {"position_pct": 0, "window": "driver"})]),
    ("back left window down halfway and the back right one all the way",
     [("set_window", {"position_pct": 50, "window": "rear_left"}),
      ("set_window", {"position_pct": 100, "window": "rear_right"})]),
    ("unlock the car, my mum is getting in, then lock it again",  # why, between two commands
     [("unlock_doors", {}), ("lock_doors", {})]),
])
def test_whose_and_why_between_commands(text: str,
                                        calls: list[tuple[str, dict[str, Any]]]) -> None:
    assert _calls(text) == calls
