"""Language round 15 (2026-12-07, night), by failure class of heldout13 (a development split
since its one look): a "no" in the driver's first language between a command and its
correction ("fan to five nie four"), courtesy before the last words of a name ("Chas and Dave
please guv"), why the driver wants a place or a person ("ring Sione to say I'm coming"),
"make it" after a correction of a name, and a few phrasings ("back a song", "... and speak a
bit softer", "my mistake", "as you were")."""

from __future__ import annotations

import pytest

from tests.unit.language_plans import Calls, plan_of

_plan = plan_of


@pytest.mark.parametrize(("text", "calls"), [
    ("fan to five nie four", [("set_fan", {"level": 4})]),
    ("volume to sixty le le forty five", [("set_media_volume", {"volume_pct": 45})]),
    ("open the sunroof ugui close it", [("set_sunroof", {"position_pct": 0})]),
    ("headlights on cha the fog lights", [("set_lights", {"on": True, "light": "fog_lights"})]),
    ("open my window ez the passenger one",
     [("set_window", {"position_pct": 100, "window": "passenger"})]),
    ("ring sokha ot te ring dara", [("call_contact", {"contact": "dara"})]),
])
def test_an_unknown_word_between_a_command_and_its_correction_reads_as_no(
        text: str, calls: Calls) -> None:
    assert _plan(text) == (calls, False)


@pytest.mark.parametrize("text", [
    "blower on twelve, hammer down",  # CB talk: a value is not corrected by a step
    "interior light at two hundred percent brightness, gg, rgb max",  # one word after
    "fan to five blah temperature twenty",  # another command: no correction of this one
])
def test_an_unknown_word_is_no_correction_of_another_kind(text: str) -> None:
    got = _plan(text)
    assert got is None or got[1], got  # not understood, or asked about first


def test_an_unknown_word_after_a_name_may_be_part_of_it() -> None:
    """"call bob smith jones" is one name: a name is corrected past an unknown word only when
    the words after restate its command ("ring sokha ot te ring dara")."""
    assert _plan("call bob smith jones") == (
        [("call_contact", {"contact": "bob smith jones"})], False)


@pytest.mark.parametrize(("text", "calls"), [
    ("could you play some chas and dave please guv",
     [("media_search", {"query": "chas and dave"})]),
    ("please navigate to bar harbor thank you bub",
     [("navigate_to", {"destination": "bar harbor"})]),
    ("please call fatmata for me tenki", [("call_contact", {"contact": "fatmata"})]),
    ("please play wheels on the bus for the little one",
     [("media_search", {"query": "wheels on the bus"})]),
    ("play leave a light on for me tonight",  # a title: "for me" cuts only a name or place
     [("media_search", {"query": "leave a light on for me tonight"})]),
    ("play thank you for the music", [("media_search", {"query": "thank you for the music"})]),
])
def test_courtesy_before_the_last_words_of_a_name_ends_it(text: str, calls: Calls) -> None:
    assert _plan(text) == (calls, False)


def test_a_doubtful_end_after_courtesy_is_still_asked_about() -> None:
    got = _plan("could you ring my sister ingrid please, tack")
    assert got is not None and got[1], got


@pytest.mark.parametrize(("text", "calls"), [
    ("take me to the airport and ring sione to say i'm coming",
     [("navigate_to", {"destination": "airport"}), ("call_contact", {"contact": "sione"})]),
    ("call mum to tell her we're late", [("call_contact", {"contact": "mum"})]),
    ("take me to the shop to get milk", [("navigate_to", {"destination": "shop"})]),
    ("navigate to the road to hana", [("navigate_to", {"destination": "road to hana"})]),
])
def test_why_the_driver_wants_a_place_or_a_person_is_no_part_of_it(
        text: str, calls: Calls) -> None:
    assert _plan(text) == (calls, False)


@pytest.mark.parametrize(("text", "calls"), [
    ("play vivaldi no make it mozart", [("media_search", {"query": "mozart"})]),
    ("rear left window down my mistake rear right",
     [("set_window", {"position_pct": 100, "window": "rear_right"})]),
    ("volume fifteen as you were twenty five", [("set_media_volume", {"volume_pct": 25})]),
    ("back a song po", [("media_control", {"action": "previous"})]),
    ("play arvo part and speak a bit softer",
     [("media_search", {"query": "arvo part"}), ("set_assistant_voice", {"volume_pct": 70})]),
])
def test_phrasings_the_language_lacked(text: str, calls: Calls) -> None:
    assert _plan(text) == (calls, False)


@pytest.mark.parametrize(("text", "calls"), [
    ("high beam off and fogs on bub", [("set_lights", {"on": False, "light": "high_beam"}),
                                       ("set_lights", {"on": True, "light": "fog_lights"})]),
    ("rear demister on and ac on cachai", [("set_defrost", {"on": True, "screen": "rear"}),
                                           ("set_ac", {"on": True})]),
])
def test_a_word_after_a_whole_second_command_is_asked_about_not_dropped_with_it(
        text: str, calls: Calls) -> None:
    """The language model dropped the second command of these ("missed"); a word the language
    does not know after a joined command that is whole by itself is left out, and both
    commands are asked about first (the word may have mattered)."""
    assert _plan(text) == (calls, True)


def test_a_second_command_begun_and_misheard_is_still_not_cut() -> None:
    assert _plan("pause the podcast and tell me the leader") is None


# heldout14's failures (a development split since its one look at 17557c8)

@pytest.mark.parametrize(("text", "calls"), [
    ("ring pastor james my man", [("call_contact", {"contact": "pastor james"})]),
    ("call my man", [("call_contact", {"contact": "my man"})]),  # all the name: kept
    ("play the music loon", [("media_control", {"action": "play"})]),
    ("navigate to norwich bor", [("navigate_to", {"destination": "norwich"})]),
    ("call mum marra", [("call_contact", {"contact": "mum"})]),
    ("directions to the french quarter dawlin",
     [("navigate_to", {"destination": "french quarter"})]),
    ("pause the music then ring grandma sugar",
     [("media_control", {"action": "pause"}), ("call_contact", {"contact": "grandma"})]),
    ("demister, back, on", [("set_defrost", {"on": True, "screen": "rear"})]),
])
def test_dialect_address_and_a_state_said_after_its_target(text: str, calls: Calls) -> None:
    assert _plan(text) == (calls, False)


def test_a_word_that_ends_titles_and_sentences_alike_is_asked_about() -> None:
    assert _plan("play dolly parton sugar") == (
        [("media_search", {"query": "dolly parton sugar"})], True)


@pytest.mark.parametrize("text", [
    "turn my seat heater off and the passenger one to one",  # "one" is no window's word
    "temperature minus two, like home",  # a hedge takes nothing back: no trip home
])
def test_no_other_tool_from_words_the_command_before_could_take(text: str) -> None:
    got = _plan(text)
    assert got is None or all(tool in ("set_seat_heating", "set_temperature")
                              for tool, _ in got[0]), got


def test_a_no_still_takes_a_command_back_for_another() -> None:
    assert _plan("set the fan to 3, no, turn on the ac instead") == (
        [("set_ac", {"on": True})], False)
