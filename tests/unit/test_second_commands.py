"""Second commands and corrections said without a pause, and the misreadings they used to make:
"no" inside a sentence that is no command ("the maps work with no phone signal" once called a
contact named "signal"), two commands read loosely as one ("air off fan off" was the fan's
alone), a step refined by the value for one zone ("make it warmer ... 24 on my side" once set
every zone and then the driver's). Every reading is checked call by call; every refusal to guess
as a question or as nothing understood."""

from __future__ import annotations

from typing import Any

import pytest

from daemon.manual.route import manual_first
from daemon.understanding.intents import understander

STATE = {"TempDriver": 21.0, "TempPassenger": 22.0, "FanLevel": 3, "media.Volume": 40,
         "voice.volume_pct": 80}
Calls = list[tuple[str, dict[str, Any]]]


def _plan(text: str) -> tuple[Calls, str | None, bool] | None:
    plan = understander().understand(text, STATE)
    if plan is None:
        return None
    return ([(c.tool, dict(c.args)) for c in plan.calls],
            plan.question.text if plan.question is not None else None, plan.inferred)


@pytest.mark.parametrize(("text", "calls"), [
    ("open the drivers window a little and the back right one fully",  # "one": the window
     [("set_window", {"position_pct": 20, "window": "driver"}),
      ("set_window", {"position_pct": 100, "window": "rear_right"})]),
    ("the driver and passenger windows shut please",
     [("set_window", {"position_pct": 0, "window": "driver"}),
      ("set_window", {"position_pct": 0, "window": "passenger"})]),
    ("put the passenger seat heater on 1 and set her side to 22",  # "her": a zone's word
     [("set_seat_heating", {"seat": "passenger", "level": 1}),
      ("set_temperature", {"zone": "passenger", "celsius": 22.0})]),
    ("heat my seat to 3 and set the passenger side to 22",
     [("set_seat_heating", {"seat": "driver", "level": 3}),
      ("set_temperature", {"zone": "passenger", "celsius": 22.0})]),
])
def test_a_second_command_names_its_own_target(text: str, calls: Calls) -> None:
    assert _plan(text) == (calls, None, False)


@pytest.mark.parametrize(("text", "calls"), [
    ("my side eighteen scratch that nineteen",
     [("set_temperature", {"zone": "driver", "celsius": 19.0})]),
    ("next track oh no previous", [("media_control", {"action": "previous"})]),
    ("fan up no down", [("set_fan", {"level": 2})]),  # the word that sets the step replaced
    ("speak faster no sorry slower", [("set_assistant_voice", {"speed": 0.8})]),
    ("lock the uh no unlock the doors", [("unlock_doors", {})]),  # starts as a command
    ("heat my seat ... on one", [("set_seat_heating", {"seat": "driver", "level": 1})]),
])
def test_a_correction_said_without_a_pause_replaces_what_it_corrects(text: str,
                                                                     calls: Calls) -> None:
    assert _plan(text) == (calls, None, False)


@pytest.mark.parametrize("text", [
    "do the maps still work with no phone signal out on the farm",
    "the maps work with no phone signal",
])
def test_no_inside_a_sentence_that_is_no_command_corrects_nothing(text: str) -> None:
    assert _plan(text) is None  # never call_contact("signal ...")


def test_two_commands_read_loosely_as_one_are_asked_about_as_two() -> None:
    calls = [("set_ac", {"on": False}), ("set_fan", {"level": 0})]
    assert _plan("air off fan off") == (calls, None, True)  # inferred: asked first
    assert _plan("could you make the music a bit quieter please") == (
        [("set_media_volume", {"volume_pct": 30})], None, False)  # one command, said once


def test_a_step_then_the_value_for_one_zone_is_that_value_in_that_zone() -> None:
    assert _plan("make it warmer ... 24 on my side") == (
        [("set_temperature", {"celsius": 24.0, "zone": "driver"})], None, False)
    # 24 is no cooler than 21: asked, never acted on
    assert _plan("make it cooler ... 24 on my side") == (
        [], "What temperature would you like?", False)


def test_music_off_stops_the_music_and_sound_off_mutes() -> None:
    assert _plan("music off") == ([("media_control", {"action": "pause"})], None, False)
    assert _plan("turn the sound off") == ([("set_media_volume", {"volume_pct": 0})], None,
                                            False)


@pytest.mark.parametrize(("text", "first"), [
    ("we're five in the car with a full boot for the holidays, what tyre pressure then",
     "always"),
    ("we're towing a caravan, how fast can I go then", "always"),
    ("what's my tyre pressure", "no"),  # a reading of the car
    ("it's cold, what's the temperature", "no"),
])
def test_a_value_asked_for_a_situation_is_the_manuals(text: str, first: str) -> None:
    assert manual_first(text) == first


@pytest.mark.parametrize(("text", "seat"), [
    ("my wife's seat is cold", "passenger"),  # "my" is the wife's: no place alone
    ("my passenger's bum is cold", "passenger"),  # never the driver's seat
    ("my seat is cold", "driver"),
    ("her bum is cold", "passenger"),
])
def test_a_complaint_is_read_for_the_seat_it_is_about(text: str, seat: str) -> None:
    assert _plan(text) == ([("set_seat_heating", {"level": 2, "seat": seat})], None, True)


@pytest.mark.parametrize("text", [
    "will i make it to the next servo",  # a question: never the next song
])
def test_a_complaint_or_question_about_something_else_proposes_nothing(text: str) -> None:
    assert _plan(text) is None


def test_all_in_a_complaint_names_no_place() -> None:
    assert _plan("the back window's all fogged up") == (
        [("set_defrost", {"on": True, "screen": "rear"})], None, True)


@pytest.mark.parametrize(("text", "calls"), [
    ("open the back left window all the way and the back right halfway",  # each value in place
     [("set_window", {"position_pct": 100, "window": "rear_left"}),
      ("set_window", {"position_pct": 50, "window": "rear_right"})]),
    ("set the driver seat heater to 3 and the passenger to 1",  # not 1 degree for her side
     [("set_seat_heating", {"seat": "driver", "level": 3}),
      ("set_seat_heating", {"seat": "passenger", "level": 1})]),
])
def test_values_said_again_take_the_places_of_those_before(text: str, calls: Calls) -> None:
    assert _plan(text) == (calls, None, False)


def test_a_piece_with_words_that_are_not_values_is_not_read_in_parallel() -> None:
    plan = _plan("my window halfway and the passengers all the way up")  # "up" is no value
    assert plan is None or ("set_window", {"position_pct": 100, "window": "passenger"}) \
        not in plan[0]  # never opened in place of "halfway"
    plan = _plan("open the back left window all the way and the boot halfway")
    assert plan is None or not any(c[0] == "set_window" and c[1]["position_pct"] == 50
                                   for c in plan[0])  # the boot is no window


@pytest.mark.parametrize(("text", "calls"), [
    ("close the sunroof windows up lock the doors",  # "windows" starts a command too
     [("set_sunroof", {"position_pct": 0}), ("set_window", {"position_pct": 0, "window": "all"}),
      ("lock_doors", {})]),
    ("turn on the ac set the temp to 19 fan on five",
     [("set_ac", {"on": True}), ("set_temperature", {"celsius": 19.0, "zone": "all"}),
      ("set_fan", {"level": 5})]),
    ("set the cabin to 22 put the ac on and shut the windows",  # a joiner inside a side
     [("set_temperature", {"celsius": 22.0, "zone": "all"}), ("set_ac", {"on": True}),
      ("set_window", {"position_pct": 0, "window": "all"})]),
])
def test_three_commands_said_without_joiners_are_asked_about_first(text: str,
                                                                  calls: Calls) -> None:
    assert _plan(text) == (calls, None, True)


def test_no_cut_beside_a_joiner() -> None:
    plan = _plan("turn on the ac and make it 20")  # "it" is the A/C: no temperature guessed
    assert plan is None or not any(c[0] == "set_temperature" for c in plan[0])


@pytest.mark.parametrize(("text", "celsius"), [
    ("set the temperature to 25, it's freezing", 25.0),  # was 22: the step overrode the value
    ("set the temperature to thirty five, it's freezing", 35.0),  # refused as said, not 22
])
def test_a_bare_step_after_a_value_is_its_reason(text: str, celsius: float) -> None:
    assert _plan(text) == ([("set_temperature", {"celsius": celsius, "zone": "all"})], None,
                           False)


@pytest.mark.parametrize(("text", "volume"), [
    ("volume up ... 70", 70),  # "volume up" is read loosely: refined all the same
    ("volume up ... maybe 60", 60),
])
def test_a_loosely_read_step_is_refined_by_the_value_after_it(text: str, volume: int) -> None:
    assert _plan(text) == ([("set_media_volume", {"volume_pct": volume})], None, False)


def test_a_refinement_against_a_loosely_read_step_is_asked() -> None:
    plan = _plan("volume up ... 20")  # at 40: 20 is no louder
    assert plan is not None and plan[0] == [] and plan[1] is not None


@pytest.mark.parametrize(("text", "calls"), [
    ("her side to 18 wait 19", [("set_temperature", {"zone": "passenger", "celsius": 19.0})]),
    ("thermostat 75 nah make it 72", [("set_temperature", {"celsius": 22.0, "zone": "all"})]),
    ("passenger window down er i mean up",
     [("set_window", {"position_pct": 0, "window": "passenger"})]),
])
def test_wait_nah_and_er_i_mean_correct_without_a_pause(text: str, calls: Calls) -> None:
    assert _plan(text) == (calls, None, False)


def test_a_name_with_a_correction_word_is_still_a_name() -> None:
    assert _plan("navigate to waitrose") == (
        [("navigate_to", {"destination": "waitrose"})], None, False)
    assert _plan("call nahla") == ([("call_contact", {"contact": "nahla"})], None, False)


@pytest.mark.parametrize(("text", "calls"), [
    ("seat heater level 1 for me", [("set_seat_heating", {"level": 1, "seat": "driver"})]),
    ("seat heater on 2 for the passenger",
     [("set_seat_heating", {"level": 2, "seat": "passenger"})]),
    ("seat heating on three for me and one for the passenger",
     [("set_seat_heating", {"level": 3, "seat": "driver"}),
      ("set_seat_heating", {"level": 1, "seat": "passenger"})]),
])
def test_for_me_after_a_seat_heater_level_is_the_drivers_seat(text: str, calls: Calls) -> None:
    assert _plan(text) == (calls, None, False)


def test_a_seat_heater_level_for_no_seat_is_still_asked() -> None:
    assert _plan("seat heater level 1") == ([], "Which seat?", False)


@pytest.mark.parametrize("text", ["music back one", "music back 2"])
def test_back_is_a_volume_word_only_before_to(text: str) -> None:
    plan = _plan(text)  # "back one" may be the song before: never a volume of 1 or 2 %
    assert plan is None or not any(c[0] == "set_media_volume" for c in plan[0])
