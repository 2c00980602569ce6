"""The product's text path for `cabin eval understanding --with-llm`: the fast path, then the
language model for what it does not understand (as daemon/conversation/decide.py runs them), as one
``understand(text, state) -> Plan | None`` for the scorer.

The model's answer becomes a `Plan`: calls as calls, a clarification as a question, a decline
or a spoken answer as a refusal (no call), "unavailable" as not understood.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from daemon.conversation.decide import Agent
from daemon.eval.commands_eval import final_answer
from daemon.llm.types import AgentAnswer
from daemon.understanding.model_calls import ModelCall, Policy, judge
from daemon.understanding.resolve import Call, Question
from daemon.understanding.understand import Plan
from vehicle_tools.tools import default_registry

Understand = Callable[[str, Mapping[str, Any]], Plan | None]


def model_plan(text: str, answer: AgentAnswer | None, policy: Policy = "confirm"
               ) -> Plan | None:
    """What the model's final answer means for the scorer, under the same `judge` the
    Decider applies (an action asked about first is a question; a question's action is
    declined)."""
    if answer is None or answer.kind == "unavailable":
        return None
    if answer.kind == "calls":
        verdict = judge(text, [ModelCall(c.name, c.args) for c in answer.calls],
                        default_registry(), policy)
        run = tuple(Call(c.name, {k: v for k, v in c.args.items()
                                  if isinstance(v, str | int | float)}) for c in verdict.run)
        if verdict.confirm is not None:
            return Plan(run, question=Question(verdict.question, verdict.confirm.name))
        return Plan(run, refusal=verdict.decline)
    if answer.kind == "clarify":
        return Plan(question=Question(answer.text or "?", ""))
    return Plan(refusal=answer.text or "declined")


def with_model(fast_path: Understand, agent: Agent, policy: Policy = "confirm") -> Understand:
    """``fast_path``, and ``agent`` for what it returns None for (its calls judged under
    ``policy``, `llm.model_actions`)."""

    def understand(text: str, state: Mapping[str, Any]) -> Plan | None:
        plan = fast_path(text, state)
        if plan is not None or not text.strip():
            return plan
        return model_plan(text, final_answer(agent, text), policy)

    return understand
