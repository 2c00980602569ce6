"""Words at the ends of a sentence the language does not know (daemon/understanding/edges.py):
a declared form of address is dropped and the command runs ("fan on 4 bro"); any other unknown
word is dropped only to ask about the command first; numbers, names and known words are never
dropped."""

from __future__ import annotations

import pytest

from daemon.eval.understanding_eval import DEFAULT_STATE
from daemon.understanding.edges import Edges, Trimmed
from daemon.understanding.intents import understander

U = understander()
EDGES = Edges(U.matcher.grammar)


def _plan(text: str) -> tuple[list[tuple[str, dict[str, object]]], bool] | None:
    plan = U.understand(text, DEFAULT_STATE)
    if plan is None:
        return None
    return [(c.tool, dict(c.args)) for c in plan.calls], plan.inferred


@pytest.mark.parametrize(("text", "calls"), [
    ("fan on 4 bro", [("set_fan", {"level": 4})]),
    ("volume 35 ta", [("set_media_volume", {"volume_pct": 35})]),
    ("lock the ute up eh", [("lock_doors", {})]),
    ("yo call mom", [("call_contact", {"contact": "mom"})]),
    ("abeg unlock the doors", [("unlock_doors", {})]),
    ("all the windows up quick", [("set_window", {"position_pct": 0, "window": "all"})]),
    ("would you switch on the fog lights pet", [("set_lights", {"on": True,
                                                                "light": "fog_lights"})]),
])
def test_a_form_of_address_at_an_end_is_dropped_and_the_command_runs(
        text: str, calls: list[object]) -> None:
    assert _plan(text) == (calls, False)


@pytest.mark.parametrize(("text", "calls"), [
    ("switch the fan off zorp", [("set_fan", {"level": 0})]),
    ("skip this track zorp", [("media_control", {"action": "next"})]),
    ("fan on 4 zorp", [("set_fan", {"level": 4})]),  # after a number: no part of one
])
def test_another_unknown_word_at_an_end_is_asked_about_first(text: str,
                                                             calls: list[object]) -> None:
    assert _plan(text) == (calls, True)


@pytest.mark.parametrize("text", [
    "set the temperature to 20 won",  # a misheard "twenty one" is never 20
    "fan on 4 too",  # nor "four two" 4
    "set the temperature to 300 kelvin",  # a unit it does not take
    "zorp zorp call",  # an unknown word may be the name: "call" alone is not read
    "zorp call",
    "tyre pressure numbers?",  # a reading alone: the manual's or the model's
    "turbo fan",  # the word left out may be the answer: the model's, no "Which level?"
    "sing me a song",  # the word left out may be the verb: "me a song" is no command
    "what's the mileage on this rig",
])
def test_nothing_is_dropped_after_a_number_beside_a_name_or_for_a_reading(text: str) -> None:
    assert _plan(text) is None


def test_a_plain_play_keeps_the_title() -> None:
    assert _plan("play love") == ([("media_search", {"query": "love"})], False)


def test_trimmed_orders_start_end_both_and_keeps_known_words() -> None:
    assert EDGES.trimmed("yo call mom") == (
        Trimmed("call mom", ("yo",), True), Trimmed("yo call", ("mom",), False),
        Trimmed("call", ("yo", "mom"), False))
    assert EDGES.trimmed("turn on the fog lights") == ()
    assert EDGES.trimmed("bro") == ()
    assert EDGES.trimmed("fan to 2 won") == ()  # after a number: only a form of address
    assert EDGES.trimmed("fan to 2 bro") == (Trimmed("fan to 2", ("bro",), True),)


def test_at_most_two_words_go_at_each_end() -> None:
    assert [t.text for t in EDGES.trimmed("bro bro bro turn the fan on")] == [
        "bro turn the fan on"]
    assert [t.text for t in EDGES.trimmed("turn the fan on zorp zorp zorp")] == [
        "turn the fan on zorp"]


def test_a_word_left_out_at_the_start_leaves_a_command_that_says_what_to_do() -> None:
    assert EDGES.trimmed("sing me a song") == ()  # "me a song" starts with no verb
    assert [t.text for t in EDGES.trimmed("zorp skip this track")] == ["skip this track"]


@pytest.mark.parametrize(("text", "calls"), [
    ("we're in a dodgy area lock the doors", [("lock_doors", {})]),
    ("please close the back right window my son keeps playing with it",
     [("set_window", {"position_pct": 0, "window": "rear_right"})]),
])
def test_a_command_said_with_a_story_is_asked_about_first(text: str,
                                                          calls: list[object]) -> None:
    assert _plan(text) == (calls, True)


@pytest.mark.parametrize("text", [
    "turn on the ache and close the windows",  # a second command heard in part: not dropped
    "close the windows and zorp on the ache",
    "lock the doors before we drive off",  # the car's own words are never left out
    "open the sunroof if it gets to 25",  # nor a number (a condition or a refinement)
])
def test_nothing_of_the_car_is_left_out_around_a_command(text: str) -> None:
    plan = _plan(text)
    assert plan is None or len(plan[0]) != 1 or not plan[1]


def test_around_cuts_only_where_a_command_or_a_clause_can_start() -> None:
    found = [t.text for t in EDGES.around("we are in a dodgy area lock the doors")]
    assert "lock the doors" in found
    assert "dodgy area lock the doors" not in found  # no command starts with "dodgy"
    assert "area lock the doors" not in found
    assert [t.text for t in EDGES.around("close the window my son keeps playing with it")] == [
        "close the window my son keeps playing with", "close the window my son keeps playing",
        "close the window"]  # cut before "it", "with" and "my", the longest first; not
    # before "son" or "keeps": no clause starts there


def test_around_is_bounded() -> None:
    """Each piece is a parse paid before the model starts: at most MAX_AROUND of them, none for
    a long sentence."""
    from daemon.understanding.edges import MAX_AROUND, MAX_AROUND_WORDS

    story = " ".join(["we", "are", "in", "a", "dodgy", "area"] * 3) + " lock the doors"
    assert len(story.split()) > MAX_AROUND_WORDS
    assert EDGES.around(story) == ()
    many = "oh it is it is it is it is lock the doors"
    assert 0 < len(EDGES.around(many)) <= MAX_AROUND


@pytest.mark.parametrize(("text", "calls"), [
    ("windows up sunroof shut", [("set_window", {"position_pct": 0, "window": "all"}),
                                 ("set_sunroof", {"position_pct": 0})]),
    ("ac on fan to 3", [("set_ac", {"on": True}), ("set_fan", {"level": 3})]),
])
def test_two_commands_without_a_joiner_are_asked_about_first(text: str,
                                                             calls: list[object]) -> None:
    assert _plan(text) == (calls, True)


def test_unjoined_cuts_before_a_command_start_only() -> None:
    assert EDGES.unjoined("windows up sunroof shut") == (("windows up", "sunroof shut"),)
    assert EDGES.unjoined("ac on") == ()  # each side has two words at least


@pytest.mark.parametrize("text", ["is the ac on right now", "is the sunroof open",
                                  "did the fog lights go on"])
def test_a_question_is_never_read_as_the_command_after_its_first_words(text: str) -> None:
    plan = _plan(text)
    assert plan is None or not any(tool.startswith("set_") for tool, _ in plan[0])
