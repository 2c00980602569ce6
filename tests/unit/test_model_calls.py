"""The model proposes, the fast path acts: what happens to the language model's tool calls
(daemon/understanding/model_calls.py), pure and through the Decider with fakes."""

from __future__ import annotations

import pytest

from daemon.llm.types import AgentAnswer, PlannedCall
from daemon.understanding.model_calls import (
    QUESTION_DECLINE,
    ModelCall,
    is_question,
    judge,
    restate,
)
from tests.unit.test_dialogue import FakeAgent, make, run_turns
from vehicle_tools.tools import default_registry

REGISTRY = default_registry()


@pytest.mark.parametrize("text", [
    "how do I pair my phone", "where's the spare tyre", "what kind of fuel should I put in",
    "is it safe to drive with the fog lights on", "what's the best way to use the air con?",
])
def test_a_question_is_never_answered_with_an_action(text: str) -> None:
    assert is_question(text)
    verdict = judge(text, [ModelCall("set_lights", {"light": "fog_lights", "on": True})],
                    REGISTRY)
    assert verdict.decline == QUESTION_DECLINE and verdict.confirm is None and not verdict.run


@pytest.mark.parametrize("text", ["could you make it cosy in here", "let's call it a day",
                                  "can you do something about the stuffiness"])
def test_a_requested_action_is_asked_about_first(text: str) -> None:
    assert not is_question(text)
    verdict = judge(text, [ModelCall("call_contact", {"contact": "Day"}),
                           ModelCall("set_fan", {"level": 3})], REGISTRY)
    assert verdict.confirm == ModelCall("call_contact", {"contact": "Day"})
    assert verdict.question.startswith("Do you want me to ") and "Day" in verdict.question
    assert not verdict.run
    # every action is in the one question, and runs after the yes: none is dropped unsaid
    assert verdict.then == (ModelCall("set_fan", {"level": 3}),)
    assert "; then " in verdict.question and "3" in verdict.question.split("; then ")[1]


@pytest.mark.parametrize("text", ["what kind of fuel should I put in", "where's the spare tyre",
                                  "what does the orange engine light mean?"])
def test_an_advice_question_gets_no_reading_either(text: str) -> None:
    verdict = judge(text, [ModelCall("get_vehicle_status", {"item": "fuel"})], REGISTRY)
    assert verdict.decline and not verdict.run


def test_queries_run_and_act_runs_everything() -> None:
    calls = [ModelCall("get_vehicle_status", {"item": "fuel"})]
    assert judge("how much fuel have I got", calls, REGISTRY).run == tuple(calls)
    both = [*calls, ModelCall("set_fan", {"level": 2})]
    assert judge("how much fuel, and fan to 2", both, REGISTRY, "act").run == tuple(both)


def test_restate_says_the_arguments() -> None:
    question = restate(ModelCall("set_temperature", {"celsius": 23.0, "zone": "passenger"}),
                       REGISTRY)
    assert question.startswith("Do you want me to ")
    assert "23 degrees" in question and "passenger" in question


def _agent(text: str, *calls: PlannedCall) -> FakeAgent:
    return FakeAgent({text: ([], AgentAnswer("calls", calls, source="local")), "yes": (
        [], AgentAnswer("say", text="unused"))})


def test_through_the_decider_the_action_waits_for_a_yes() -> None:
    text = "could you make it a little cosier in here"
    decider, dispatcher, _ = make(_agent(text, PlannedCall("set_temperature",
                                                           {"celsius": 23.0})), "confirm")
    replies = run_turns(decider, [text, "yes"])
    assert replies[0].startswith("Do you want me to ") and "23 degrees" in replies[0]
    assert dispatcher.calls == [("set_temperature", {"celsius": 23.0}, True)]


@pytest.mark.parametrize("answer", ["yes", "no"])
def test_through_the_decider_every_action_the_model_proposes_waits_for_the_yes(
        answer: str) -> None:
    text = "sort out the stuffiness for me"
    decider, dispatcher, _ = make(_agent(text, PlannedCall("set_ac", {"on": True}),
                                         PlannedCall("set_fan", {"level": 3})), "confirm")
    replies = run_turns(decider, [text, answer])
    assert "; then " in replies[0]
    expected = [("set_ac", {"on": True}, True), ("set_fan", {"level": 3}, True)]
    assert dispatcher.calls == (expected if answer == "yes"
                                else [("set_ac", {"on": True}, False)])


def test_through_the_decider_a_question_moves_nothing() -> None:
    text = "how do I turn on the child locks"
    decider, dispatcher, _ = make(_agent(text, PlannedCall("lock_doors", {})), "confirm")
    assert run_turns(decider, [text]) == [QUESTION_DECLINE]
    assert dispatcher.calls == []


def _say_heard(decider: object, text: str, confidence: float | None) -> str:
    import asyncio

    from daemon.conversation.decide import Decider, TurnInput
    from daemon.llm.types import CancelToken

    assert isinstance(decider, Decider)

    async def go() -> str:
        return " ".join([p async for p in decider.decide(
            TurnInput(1, text, CancelToken(), confidence))])

    return asyncio.run(go())


def test_a_command_heard_with_low_confidence_is_asked_about_first() -> None:
    """asr.confirm_below: "open the rear right window" heard unsure is restated, not run."""
    decider, dispatcher, _ = make()
    decider.confirm_below = -0.6
    reply = _say_heard(decider, "open the rear right window", -0.9)
    assert reply.startswith("Do you want me to ") and "rear right" in reply
    assert dispatcher.calls == []
    assert _say_heard(decider, "yes", None).startswith("Done")
    assert dispatcher.calls == [("set_window", {"window": "rear_right", "position_pct": 100},
                                 True)]


def test_a_command_heard_with_confidence_runs_and_queries_always_run() -> None:
    decider, dispatcher, _ = make()
    decider.confirm_below = -0.6
    _say_heard(decider, "open the rear right window", -0.2)
    _say_heard(decider, "how much fuel do I have", -2.0)
    assert [c[0] for c in dispatcher.calls] == ["set_window", "get_vehicle_status"]


def test_several_commands_heard_unsure_are_asked_about_together() -> None:
    """A plan of several calls heard with low confidence: one question names every call, a
    yes runs them all in order, a no runs none (it used to ask about the first only and drop
    the rest)."""
    decider, dispatcher, _ = make()
    decider.confirm_below = -0.6
    text = "turn on the AC and close all the windows"
    question = _say_heard(decider, text, -0.9)
    assert question.startswith("Do you want me to ") and "; then " in question
    assert "air conditioning" in question.lower() and "window" in question
    assert dispatcher.calls == []
    _say_heard(decider, "yes", None)
    assert [(c[0], c[1]) for c in dispatcher.calls] == [
        ("set_ac", {"on": True}), ("set_window", {"window": "all", "position_pct": 0})]
    dispatcher.calls.clear()
    _say_heard(decider, text, -0.9)
    _say_heard(decider, "no", None)
    assert [c for c in dispatcher.calls if c[2] is not False] == []  # nothing ran
