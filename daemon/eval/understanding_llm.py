"""The product's text path for `cabin eval understanding --with-llm`: the fast path, then the
language model for what it does not understand, and the owner's manual where the Decider asks it
(as daemon/conversation/decide.py runs them), as one
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
from daemon.manual.route import for_the_manual, manual_first, yields_to_manual
from daemon.manual.types import ManualSource
from daemon.understanding.model_calls import ModelCall, Policy, judge
from daemon.understanding.resolve import Call, Question
from daemon.understanding.understand import Plan
from vehicle_tools.tools import default_registry

Understand = Callable[[str, Mapping[str, Any]], Plan | None]


def model_plan(text: str, answer: AgentAnswer | None, policy: Policy = "confirm"
               ) -> Plan | None:
    """What the model's final answer means for the scorer, under the same `judge` the
    Decider applies: an action asked about first is an inferred plan (`Plan.inferred`: right
    when it is the call wanted, after the driver's yes; else counted as a question, never an
    action); a question's action is declined."""
    if answer is None or answer.kind == "unavailable":
        return None
    if answer.kind == "calls":
        verdict = judge(text, [ModelCall(c.name, c.args) for c in answer.calls],
                        default_registry(), policy)
        run = tuple(Call(c.name, {k: v for k, v in c.args.items()
                                  if isinstance(v, str | int | float)}) for c in verdict.run)
        if verdict.confirm is not None:  # asked first ("Do you want me to ...?"): like a
            # complaint's reading, right when it is what was asked for, else a question;
            # every action is in the one question and runs after the yes
            asked = tuple(Call(c.name, {k: v for k, v in c.args.items()
                                        if isinstance(v, str | int | float)})
                          for c in (verdict.confirm, *verdict.then))
            return Plan((*run, *asked), inferred=True)
        return Plan(run, refusal=verdict.decline)
    if answer.kind == "clarify":
        return Plan(question=Question(answer.text or "?", ""))
    return Plan(refusal=answer.text or "declined")


FROM_MANUAL = Plan(refusal="answered from the owner's manual")
"""A turn the manual answers: spoken from it, no call of any kind."""


def with_model(fast_path: Understand, agent: Agent, policy: Policy = "confirm",
               manual: ManualSource | None = None) -> Understand:
    """``fast_path``, and ``agent`` for what it returns None for (its calls judged under
    ``policy``, `llm.model_actions`); with ``manual``, the owner's manual where the Decider
    asks it (daemon/conversation/decide.py: a question for it first, a free-text reading it
    covers, what neither the fast path nor a command covers): `FROM_MANUAL`, no call."""

    def covered(text: str, *, must_answer: bool = False) -> bool:
        return manual is not None and (must_answer or manual.answer(text).covered)

    def understand(text: str, state: Mapping[str, Any]) -> Plan | None:
        if not text.strip():
            return fast_path(text, state)
        first = manual_first(text) if manual is not None else "no"
        if first != "no" and covered(text, must_answer=first == "always"):
            return FROM_MANUAL
        plan = fast_path(text, state)
        if plan is not None:
            free = yields_to_manual(text, [(c.tool, c.args) for c in plan.calls],
                                    gave_up=plan.question is None and not plan.refusal)
            return FROM_MANUAL if free and covered(free) and covered(text) else plan
        if for_the_manual(text) and covered(text):
            return FROM_MANUAL
        return model_plan(text, final_answer(agent, text), policy)

    return understand
