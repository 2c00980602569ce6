"""The product's text path for `cabin eval understanding --with-llm`: the fast path, the owner's
manual where the Decider asks it, then the model. Fakes for the model and the manual."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from daemon.eval.understanding_llm import FROM_MANUAL, with_model
from daemon.llm.types import AgentAnswer, PlannedCall
from daemon.manual.types import ManualAnswer
from daemon.understanding.intents import understander


class _Agent:
    def __init__(self) -> None:
        self.asked: list[str] = []

    async def answer(self, text: str, history: Sequence[Any],
                     cancel: Any) -> AsyncIterator[AgentAnswer]:
        self.asked.append(text)
        yield AgentAnswer(kind="calls", calls=(PlannedCall("get_vehicle_status",
                                                           {"item": "fuel"}),))


class _Manual:
    def answer(self, text: str) -> ManualAnswer:
        covered = "petrol" in text or "tyre pressure" in text
        return ManualAnswer(covered, "95 RON" if covered else "", "It takes 95.")


def _understand(manual: _Manual | None) -> tuple[Any, _Agent]:
    agent = _Agent()
    return with_model(understander().understand, agent, "confirm", manual), agent


def test_a_question_the_manual_covers_never_reaches_the_model() -> None:
    understand, agent = _understand(_Manual())
    assert understand("what petrol does it take, 91 or 95", {}) is FROM_MANUAL
    assert understand("what should my tyre pressure be", {}) is FROM_MANUAL
    assert agent.asked == []


def test_commands_stay_with_the_fast_path_and_the_rest_goes_to_the_model() -> None:
    understand, agent = _understand(_Manual())
    plan = understand("open the driver window", {})
    assert plan is not None and [c.tool for c in plan.calls] == ["set_window"]
    plan = understand("is there enough in the tank to get home", {})
    assert agent.asked == ["is there enough in the tank to get home"]
    assert plan is not None and [c.tool for c in plan.calls] == ["get_vehicle_status"]


def test_without_a_manual_the_model_answers_questions_too() -> None:
    understand, agent = _understand(None)
    understand("what petrol does it take, 91 or 95", {})
    assert agent.asked == ["what petrol does it take, 91 or 95"]


def test_every_action_the_model_proposes_is_scored_as_asked_first() -> None:
    from daemon.eval.understanding_llm import model_plan

    answer = AgentAnswer(kind="calls", calls=(PlannedCall("set_ac", {"on": True}),
                                              PlannedCall("set_fan", {"level": 3})))
    plan = model_plan("sort out the stuffiness for me", answer)
    assert plan is not None and plan.inferred
    assert [(c.tool, dict(c.args)) for c in plan.calls] == [("set_ac", {"on": True}),
                                                           ("set_fan", {"level": 3})]
