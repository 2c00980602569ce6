"""The product's text path for `cabin eval understanding --with-llm`: the fast path, then the
language model for what it does not understand (as daemon/decide.py runs them), as one
``understand(text, state) -> Plan | None`` for the scorer.

The model's answer becomes a `Plan`: calls as calls, a clarification as a question, a decline
or a spoken answer as a refusal (no call), "unavailable" as not understood.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any

from daemon.decide import Agent
from daemon.llm.types import AgentAnswer, CancelToken
from daemon.understanding.resolve import Call, Question
from daemon.understanding.understand import Plan

Understand = Callable[[str, Mapping[str, Any]], Plan | None]


def model_plan(answer: AgentAnswer | None) -> Plan | None:
    """What the model's final answer means for the scorer."""
    if answer is None or answer.kind == "unavailable":
        return None
    if answer.kind == "calls":
        return Plan(tuple(Call(c.name, {k: v for k, v in c.args.items()
                                        if isinstance(v, str | int | float)})
                          for c in answer.calls))
    if answer.kind == "clarify":
        return Plan(question=Question(answer.text or "?", ""))
    return Plan(refusal=answer.text or "declined")


def with_model(fast_path: Understand, agent: Agent) -> Understand:
    """``fast_path``, and ``agent`` for what it returns None for."""

    def understand(text: str, state: Mapping[str, Any]) -> Plan | None:
        plan = fast_path(text, state)
        if plan is not None or not text.strip():
            return plan

        async def ask() -> AgentAnswer | None:
            final = None
            async for item in agent.answer(text, (), CancelToken()):
                if isinstance(item, AgentAnswer):
                    final = item
            return final

        return model_plan(asyncio.run(ask()))

    return understand
