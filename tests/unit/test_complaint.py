"""What is wrong read as what to do (daemon/understanding/complaint.py, the tools' declared
`Complaint`s), and refinements the recogniser heard without their pause (issue 17): fed
sentences, checked against the calls the simulated car's default state gives."""

from __future__ import annotations

import pytest

from daemon.eval.understanding_eval import DEFAULT_STATE
from daemon.understanding.intents import understander
from daemon.understanding.refining import pause_cuts, without_enough
from daemon.understanding.resolve import Question

Calls = list[tuple[str, dict[str, object]]]


def _calls(text: str, state: dict[str, object] | None = None) -> Calls:
    plan = understander().understand(text, {**DEFAULT_STATE, **(state or {})})
    return [(c.tool, dict(c.args)) for c in getattr(plan, "calls", ())] if plan else []


@pytest.mark.parametrize(("text", "tool", "args"), [
    ("the kids are saying they're cold in the back", "set_temperature", {"zone": "all"}),
    ("it is very hot inside the car", "set_temperature", {"zone": "all"}),
    ("my side's a bit warm", "set_temperature", {"zone": "driver"}),
    ("it's a bit chilly for the passenger", "set_temperature", {"zone": "passenger"}),
    ("too much wind coming out of the vents", "set_fan", {}),
    ("so humid in here", "set_ac", {"on": True}),
    ("the kids hate this song", "media_control", {"action": "next"}),
    ("I can hardly hear the music", "set_media_volume", {}),
    ("my bum's freezing", "set_seat_heating", {"seat": "driver", "level": 2}),
    ("my wife says her seat is cold", "set_seat_heating", {"seat": "passenger"}),
    ("my seat is too hot", "set_seat_heating", {"seat": "driver", "level": 1}),
    ("you're talking way too fast", "set_assistant_voice", {}),
    ("your voice is too loud", "set_assistant_voice", {}),
    ("the windscreen's all fogged up, can't see a thing", "set_defrost", {"screen": "front"}),
    ("can't see a thing out the rear window", "set_defrost", {"screen": "rear"}),
])
def test_a_complaint_is_the_command_that_puts_it_right(text: str, tool: str,
                                                      args: dict[str, object]) -> None:
    calls = _calls(text)
    assert len(calls) == 1 and calls[0][0] == tool, calls
    assert args.items() <= calls[0][1].items(), calls


def test_the_direction_of_a_complaint_follows_the_car() -> None:
    (_, warmer), = _calls("I'm shivering back here", {"TempDriver": 21.0})
    (_, cooler), = _calls("bloody hot in here", {"TempDriver": 21.0})
    assert float(warmer["celsius"]) > 21.0 > float(cooler["celsius"])  # type: ignore[arg-type]
    (_, louder), = _calls("I can barely hear the radio")
    (_, quieter), = _calls("the music is much too loud for me")
    assert int(louder["volume_pct"]) > int(quieter["volume_pct"])  # type: ignore[call-overload]


@pytest.mark.parametrize("text", [
    "it's cold outside",                              # the weather
    "I'm not cold",                                   # a negation
    "is it cold in here",                             # a question
    "the engine is hot",                              # something else is hot
    "the coffee is too hot",
    "he went to the shops and the car went hot",      # a story
    "the kids can't see their books back here",       # no declared complaint says this
    "it's lovely in here",
    "make it hot",                                    # a request for heat, not a complaint
    "I want it cold",
])
def test_what_is_no_complaint_moves_nothing(text: str) -> None:
    assert _calls(text) == []


def test_warm_as_a_verb_is_no_complaint() -> None:
    """A request with its refinement (the step's own value since round 12), not a complaint."""
    plan = understander().understand("warm it up a bit say 24", DEFAULT_STATE)
    assert plan is not None and not plan.inferred
    assert [(c.tool, dict(c.args)) for c in plan.calls] == [
        ("set_temperature", {"celsius": 24.0, "zone": "all"})]


def test_complaints_that_disagree_are_not_read() -> None:
    assert understander().matcher.complaints.read("cold and hot", lambda s: None) is None


def test_a_refinement_heard_without_its_pause_refines() -> None:
    assert _calls("turn the music down about twenty five") == [
        ("set_media_volume", {"volume_pct": 25})]
    assert _calls("open the rear left window only halfway") == [
        ("set_window", {"window": "rear_left", "position_pct": 50})]
    assert list(pause_cuts(["turn", "the", "fan", "up", "2"])) == []  # a step, not a refinement
    assert without_enough(["level", "1", "is", "fine"]) == ["level", "1"]


def test_a_refined_value_against_the_step_is_asked() -> None:
    """"turn the fan up ... about 2" with the fan at 3 would lower it: asked, never done."""
    plan = understander().understand("turn the fan up, about 2", {**DEFAULT_STATE, "FanLevel": 3})
    assert plan is not None and not getattr(plan, "calls", ())
    assert isinstance(getattr(plan, "question", None), Question)
    (_, down), = _calls("turn the fan down, about 2", {"FanLevel": 3})
    assert down["level"] == 2


@pytest.mark.parametrize(("text", "expected"), [
    ("volume up by 20", [("set_media_volume", {"volume_pct": 60})]),
    ("turn the volume down by ten", [("set_media_volume", {"volume_pct": 30})]),
    ("volume down ten", []),  # "down to ten" heard without "to", or a step: not guessed
    ("turn the volume down ... 10 percent", [("set_media_volume", {"volume_pct": 10})]),
    ("talk at normal speed", [("set_assistant_voice", {"speed": 1.0})]),
    ("please speak at half speed", [("set_assistant_voice", {"speed": 0.5})]),
    ("make your voice quieter ... forty percent", [("set_assistant_voice", {"volume_pct": 40})]),
    ("end nav", [("cancel_navigation", {})]),
    ("speak", []),  # no speed said: nothing
])
def test_phrasings_declared_this_round(text: str, expected: Calls) -> None:
    assert _calls(text) == expected
