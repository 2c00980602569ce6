"""Several targets named at once (daemon/understanding/groups.py): "the back windows" are the
rear left and the rear right window, one call each, in order; what else is said runs once."""

from __future__ import annotations

import pytest

from daemon.eval.understanding_eval import DEFAULT_STATE
from daemon.understanding.intents import understander

U = understander()


def _calls(text: str) -> list[tuple[str, dict[str, object]]] | None:
    plan = U.understand(text, DEFAULT_STATE)  # the music at 40 %: "up" is 50 %
    return None if plan is None else [(c.tool, dict(c.args)) for c in plan.calls]


def _windows(pct: int, *names: str) -> list[tuple[str, dict[str, object]]]:
    return [("set_window", {"position_pct": pct, "window": n}) for n in names]


@pytest.mark.parametrize(("text", "calls"), [
    ("open the back windows", _windows(100, "rear_left", "rear_right")),
    ("open both rear windows", _windows(100, "rear_left", "rear_right")),
    ("open the rear windows halfway", _windows(50, "rear_left", "rear_right")),
    ("put the back windows down", _windows(100, "rear_left", "rear_right")),
    ("crack the rear windows", _windows(20, "rear_left", "rear_right")),
    ("windows at the back up", _windows(0, "rear_left", "rear_right")),
    ("close the front windows", _windows(0, "driver", "passenger")),
    ("open the back windows and turn on the AC",
     [*_windows(100, "rear_left", "rear_right"), ("set_ac", {"on": True})]),
    ("turn on the AC and close the front windows",
     [("set_ac", {"on": True}), *_windows(0, "driver", "passenger")]),
])
def test_a_group_is_one_call_per_member_in_order(text: str, calls: list[object]) -> None:
    assert _calls(text) == calls


@pytest.mark.parametrize(("text", "calls"), [
    # the heated seats in the plural are both front seats (the car heats only those), never
    # the driver's by default; the second half borrows the verb and names its own seat
    ("the heated seats on two", [("set_seat_heating", {"level": 2, "seat": "all"})]),
    ("heat my seat to 3 and the passenger's to 1",
     [("set_seat_heating", {"seat": "driver", "level": 3}),
      ("set_seat_heating", {"seat": "passenger", "level": 1})]),
    ("seat heating off for me", [("set_seat_heating", {"level": 0, "seat": "driver"})]),
    ("turn the radio down a bit", [("set_media_volume", {"volume_pct": 30})]),
    ("it's getting dark, headlights please", [("set_lights", {"on": True,
                                                              "light": "headlights"})]),
    ("lock the ute", [("lock_doors", {})]),
    ("demist the front glass", [("set_defrost", {"on": True, "screen": "front"})]),
    ("close the windows", _windows(0, "all")),  # every window: one call, as before
    ("open the rear left window", _windows(100, "rear_left")),
])
def test_other_ways_of_naming_several_or_one_read_as_declared(text: str,
                                                              calls: list[object]) -> None:
    assert _calls(text) == calls


@pytest.mark.parametrize("text", [
    "open the back windows to fifty degrees",  # not understood for one member: for none
    "the back windows are dirty",  # no command
])
def test_a_group_in_words_not_understood_is_not_understood(text: str) -> None:
    plan = U.understand(text)
    assert plan is None or not [c for c in plan.calls if c.tool == "set_window"]


# -- "it" after another command (daemon/understanding/reference.py) ---------------------------

@pytest.mark.parametrize(("text", "calls"), [
    ("skip this song and turn it up", [("media_control", {"action": "next"}),
                                       ("set_media_volume", {"volume_pct": 50})]),
    ("play some jazz and turn it up a bit", [("media_search", {"query": "jazz"}),
                                             ("set_media_volume", {"volume_pct": 50})]),
    ("play the radio and turn it down to 20", [("media_control", {"action": "play"}),
                                               ("set_media_volume", {"volume_pct": 20})]),
])
def test_it_after_a_command_acts_on_what_that_command_acts_on(text: str,
                                                              calls: list[object]) -> None:
    assert _calls(text) == calls


@pytest.mark.parametrize(("text", "calls"), [
    # a correction of the command before, not a second command
    ("set the fan to 5, hmm, make it 3", [("set_fan", {"level": 3})]),
    # a tool that declares no words for "it" (which window?): not understood
    ("open the window and close it", None),
])
def test_it_that_corrects_or_names_nothing_declared_is_not_a_new_command(
        text: str, calls: list[object] | None) -> None:
    assert _calls(text) == calls


@pytest.mark.parametrize(("text", "question"), [
    ("window to half", "Which window?"), ("I need directions", "Sorry, where to?"),
    ("start the navigation", "Sorry, where to?"),
])
def test_a_request_without_its_target_is_asked(text: str, question: str) -> None:
    plan = U.understand(text, DEFAULT_STATE)
    assert plan is not None and not plan.calls and plan.question is not None
    assert plan.question.text == question


@pytest.mark.parametrize("text", ["radio 1", "the radio 5", "stereo 4", "put on radio 2"])
def test_a_number_after_the_radio_is_a_station_never_a_volume(text: str) -> None:
    """The radio is turned up, down or to a level with "to" ("turn the radio down a bit",
    "radio to 30"); "radio 1" is a station, even read loosely."""
    calls = _calls(text) or []
    assert not [c for c in calls if c[0] == "set_media_volume"]
