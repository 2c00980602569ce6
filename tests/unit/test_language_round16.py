"""Language round 16 (2026-12-07, evening), by failure class of heldout13 and heldout14
(development splits since their one look): thanks in the driver's first language, declared by
language (`vehicle_tools.courtesy.THANKS_BY_LANGUAGE`), never ends a name, a place or a title;
a "no" in another language (`FOREIGN_NO`) corrects without a pause; a lone word of a
thanks of several words is an unknown word, not a known one; courtesy said after a feeling
leaves the feeling a reason, not a request."""

from __future__ import annotations

import pytest

from daemon.understanding.intents import understander
from tests.unit.language_plans import STATE, Calls, calls_on, plan_of

_plan = plan_of


@pytest.mark.parametrize(("text", "calls"), [
    ("play sade terima kasih", [("media_search", {"query": "sade"})]),
    ("put on miriam makeba ndiyabulela", [("media_search", {"query": "miriam makeba"})]),
    ("call uncle femi daalu", [("call_contact", {"contact": "uncle femi"})]),
    ("navigate to the harbour bridge tesekkurler",
     [("navigate_to", {"destination": "harbour bridge"})]),
    ("ring auntie nkechi, diolch yn fawr", [("call_contact", {"contact": "auntie nkechi"})]),
    ("volume to thirty go raibh maith agat", [("set_media_volume", {"volume_pct": 30})]),
])
def test_thanks_in_another_language_ends_no_name(text: str, calls: Calls) -> None:
    assert _plan(text) == (calls, False)


@pytest.mark.parametrize(("text", "calls"), [
    ("play gracias a la vida", [("media_search", {"query": "gracias a la vida"})]),
    ("play merci cherie", [("media_search", {"query": "merci cherie"})]),
])
def test_thanks_inside_a_title_is_kept(text: str, calls: Calls) -> None:
    assert _plan(text) == (calls, False)


@pytest.mark.parametrize(("text", "calls"), [
    ("fan to five nyet four", [("set_fan", {"level": 4})]),
    ("temperature to nineteen hayir twenty", [("set_temperature", {"celsius": 20.0})]),
    ("play fela kuti nyet burna boy", [("media_search", {"query": "burna boy"})]),
])
def test_a_no_in_another_language_corrects(text: str, calls: Calls) -> None:
    assert calls_on(text, calls) == calls, text


@pytest.mark.parametrize(("text", "level"), [("fan on five malo", 5), ("fan to two vinaka", 2)])
def test_a_lone_word_of_a_longer_thanks_is_an_unknown_edge_word(text: str, level: int) -> None:
    got = _plan(text)
    assert got is not None and got[0] == [("set_fan", {"level": level})], got


@pytest.mark.parametrize("courtesy", ["thanks", "hvala", "kiitos"])
def test_a_feeling_before_courtesy_is_a_reason_not_a_request(courtesy: str) -> None:
    plan = understander().understand(
        f"lock the doors and heat the seat, it's freezing, {courtesy}", STATE)
    assert plan is not None and [c.tool for c in plan.calls] == ["lock_doors"]
    assert plan.question is not None and plan.question.then == ()


@pytest.mark.parametrize(("text", "calls"), [
    ("please lock the doors ayy we are parking here", [("lock_doors", {})]),
    ("close the sunroof yah it is raining", [("set_sunroof", {"position_pct": 0})]),
])
def test_a_command_a_tag_and_a_remark_is_the_command_asked_first(text: str,
                                                                 calls: Calls) -> None:
    assert _plan(text) == (calls, True)


def test_a_long_unknown_word_before_a_remark_is_part_of_the_request() -> None:
    assert _plan("turn on the air recirculation there is a farm ahead") is None


@pytest.mark.parametrize("text", ["put the fan on three many thanks",
                                  "much obliged, set the fan to three"])
def test_english_courtesy_of_several_words(text: str) -> None:
    assert _plan(text) == ([("set_fan", {"level": 3})], False)


@pytest.mark.parametrize("text", ["heating down to 18, thanks", "heating down to 18, diolch",
                                  "heating down to 18, please, cheers"])
def test_courtesy_after_a_pause_changes_nothing_in_the_command(text: str) -> None:
    assert _plan(text) == ([("set_temperature", {"celsius": 18.0, "zone": "all"})], False)


def test_courtesy_words_after_a_correction_are_its_words() -> None:
    got = _plan("temperature 22 for the passenger, no, for me")
    assert got is not None and got[0] == [("set_temperature", {"celsius": 22.0,
                                                               "zone": "driver"})], got


@pytest.mark.parametrize(("text", "query"), [("put on the album abbey road", "abbey road"),
                                             ("play the song called yesterday", "yesterday")])
def test_what_kind_of_recording_is_no_part_of_its_title(text: str, query: str) -> None:
    assert _plan(text) == ([("media_search", {"query": query})], False)
