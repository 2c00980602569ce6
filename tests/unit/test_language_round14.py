"""Language round 14 (2026-12-07, night), by failure class of the wrong actions left on the
development splits (heldout3, heldout11, heldout12: ten, all free text): a tail said after a
name or a title with no pause that may be the driver's ("play abba tack", "baby shark again"),
a long tail after a pause ("Taylor Swift, the kids in the back insist") or one that uses the
car's words ("the Trafford Centre, sound"), a name after a pause when the command's verb
needs its particle ("put some music on ... the Weeknd"), and a bare step after a pause read
as another tool's ("speak up ... a bit louder" also turned the music up). Every one of them is
now asked about first, or read whole; none acts on a value it may have got wrong."""

from __future__ import annotations

import pytest

from daemon.understanding import aside
from daemon.understanding.free_text import a_name_after, told_value
from daemon.understanding.intents import understander
from tests.unit.language_plans import Calls, plan_of
from vehicle_tools.language import FreeText

_plan = plan_of


@pytest.mark.parametrize(("text", "calls"), [
    ("play some Burna Boy tack", [("media_search", {"query": "Burna Boy"})]),
    ("navigate to Temple Meads me lover", [("navigate_to", {"destination": "Temple Meads"})]),
    ("put on some Sade fuh me", [("media_search", {"query": "Sade"})]),
    ("ring Kofi toda", [("call_contact", {"contact": "Kofi"})]),
])
def test_a_doubtful_end_of_a_name_is_cut_and_asked_about(text: str, calls: Calls) -> None:
    assert _plan(text) == (calls, True)


@pytest.mark.parametrize(("text", "calls"), [
    ("the kids want to hear the gruffalo song again",
     [("media_search", {"query": "the gruffalo song again"})]),
    ("play Ooh La La", [("media_search", {"query": "Ooh La La"})]),
    ("play Steps la", [("media_search", {"query": "Steps la"})]),
])
def test_a_word_that_ends_titles_and_sentences_alike_is_kept_and_asked_about(
        text: str, calls: Calls) -> None:
    assert _plan(text) == (calls, True)


@pytest.mark.parametrize(("text", "calls"), [
    ("put on Shaggy please bai", [("media_search", {"query": "Shaggy"})]),
    ("call Brenda sebo", [("call_contact", {"contact": "Brenda"})]),
    ("fan off nyabo", [("set_fan", {"level": 0})]),
    ("fan on four uso", [("set_fan", {"level": 4})]),
])
def test_a_form_of_address_that_is_no_english_word_asks_for_nothing(
        text: str, calls: Calls) -> None:
    plan = _plan(text)
    assert plan is not None and plan[0] == calls


@pytest.mark.parametrize(("text", "calls"), [
    ("play Adele, my daughter has been asking all week", [("media_search", {"query": "Adele"})]),
    ("call Grandad, he is expecting us", [("call_contact", {"contact": "Grandad"})]),
    ("navigate to the Etihad Stadium, up", [
        ("navigate_to", {"destination": "Etihad Stadium, up"})]),
    ("play Nirvana, sound", [("media_search", {"query": "Nirvana, sound"})]),
    ("call Abena, the one from church", [
        ("call_contact", {"contact": "Abena, the one from church"})]),  # which Abena
])
def test_any_tail_after_a_pause_in_a_name_is_asked_about(text: str, calls: Calls) -> None:
    assert _plan(text) == (calls, True)


@pytest.mark.parametrize(("text", "calls"), [
    ("play Ella Fitzgerald, then skip to the next one",
     [("media_search", {"query": "Ella Fitzgerald"}), ("media_control", {"action": "next"})]),
    ("ring Mihaela, navigate to Luton airport and pause the music",
     [("call_contact", {"contact": "Mihaela"}), ("navigate_to", {"destination": "Luton airport"}),
      ("media_control", {"action": "pause"})]),
])
def test_a_tail_that_holds_a_command_is_a_second_command(text: str, calls: Calls) -> None:
    assert _plan(text) == (calls, False)


def test_told_value_is_pure_and_only_for_free_text() -> None:
    media = FreeText(paused_tail=True)
    never: frozenset[str] = frozenset()

    def no_command(words: list[str]) -> bool:
        return False

    assert told_value(None, "Adele tack", never, no_command) == ("Adele tack", False)
    assert told_value(FreeText(), "Adele, ahoy", never, no_command) == ("Adele, ahoy", False)
    assert told_value(media, "Adele tack", never, no_command) == ("Adele", True)
    assert told_value(media, "Adele", never, no_command) == ("Adele", False)
    assert told_value(media, "Adele, oye", never, no_command) == ("Adele", True)
    long = "Adele, my sister loves her songs"
    assert told_value(media, long, never, no_command) == ("Adele", True)
    assert told_value(media, long, never, lambda words: True) == (long, True)
    kept = FreeText(paused_tail=True, keeps_tail=True)
    assert told_value(kept, "Main Street, Springfield", never, no_command) == (
        "Main Street, Springfield", True)
    assert len(["my", "sister", "loves", "her", "songs"]) > aside.MAX_NAME_REMARK_WORDS
    pointing = "Abena, the one from church"  # which Abena: kept
    assert told_value(FreeText(paused_tail=True), pointing, never, no_command) == (pointing, True)


@pytest.mark.parametrize(("text", "calls"), [
    ("put some music on ... the Weeknd", [("media_search", {"query": "the Weeknd"})]),
    ("put some tunes on ... Fleetwood Mac", [("media_search", {"query": "Fleetwood Mac"})]),
    ("play some music ... the Pogues", [("media_search", {"query": "the Pogues"})]),
])
def test_a_name_after_a_pause_lends_the_verb_with_its_particle(text: str, calls: Calls) -> None:
    assert _plan(text) == (calls, True)


def test_a_statement_after_a_pause_is_no_name() -> None:
    assert _plan("put some music on ... the baby is asleep") == (
        [("media_control", {"action": "play"})], False)
    assert not a_name_after(["play", "some", "music"], ["the", "kids", "are", "cold"])
    assert a_name_after(["put", "some", "music", "on"], ["the", "weeknd"])  # no "hang on"
    assert not a_name_after(["hang", "on", "play", "music"], ["abba"])


@pytest.mark.parametrize(("text", "calls"), [
    ("speak up ... a bit louder", [("set_assistant_voice", {"volume_pct": 90})]),
    ("speak up, a bit louder please", [("set_assistant_voice", {"volume_pct": 90})]),
    ("talk quieter ... a bit softer", [("set_assistant_voice", {"volume_pct": 70})]),
])
def test_a_bare_step_after_a_step_says_again_how_to_change_it(text: str, calls: Calls) -> None:
    assert _plan(text) == (calls, False)


@pytest.mark.parametrize(("text", "tools"), [
    ("speak up, turn the music down", ["set_assistant_voice", "set_media_volume"]),
    ("fan up ... a bit louder", ["set_fan", "set_media_volume"]),  # no fan is louder
])
def test_a_step_that_names_its_thing_or_fits_nothing_before_stays_its_own(
        text: str, tools: list[str]) -> None:
    plan = _plan(text)
    assert plan is not None and [tool for tool, _ in plan[0]] == tools


@pytest.mark.parametrize(("text", "calls"), [
    ("fog lights on, the mist is thick", [("set_lights", {"light": "fog_lights", "on": True})]),
    ("pause the music, I need to answer this", [("media_control", {"action": "pause"})]),
    ("turn the fan up, this is stuffy as anything",
     [("set_fan", {"level": 4})]),
])
def test_a_statement_after_the_commands_asks_for_nothing(text: str, calls: Calls) -> None:
    assert _plan(text) == (calls, False)


def test_a_statement_that_names_a_place_in_the_car_is_no_remark() -> None:
    from daemon.understanding import aside

    grammar = understander().matcher.grammar
    carrying = understander().matcher._carrying
    said = "fog lights on, the rear seats are full"  # "rear": may ask for something there
    assert aside.without_remarks(said, carrying, grammar) == []
    assert aside.without_remarks("fog lights on, the mist is thick", carrying, grammar) == [
        ("fog lights on", True)]


@pytest.mark.parametrize("text", [
    "fog lights on, it's the wrong one",  # points at what was asked
    "fog lights on, she wants 2",  # a number
    "fog lights on, they don't work",  # a negation
])
def test_a_statement_that_may_ask_for_something_is_no_remark(text: str) -> None:
    plan = _plan(text)
    assert plan is None or plan[1] or plan[0] != [
        ("set_lights", {"light": "fog_lights", "on": True})]


def test_two_steps_of_one_tool_that_share_nothing_are_both_taken() -> None:
    assert _plan("speak quieter and slower") == ([
        ("set_assistant_voice", {"volume_pct": 70}),
        ("set_assistant_voice", {"speed": 0.8})], False)
    assert _plan("speak faster, no, slower") == ([
        ("set_assistant_voice", {"speed": 0.8})], False)  # the same value: corrected
