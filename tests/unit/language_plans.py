"""What the language-round tests share: the car's reported state and the fast path's plan of
a sentence as (tool, arguments) pairs."""

from __future__ import annotations

from typing import Any

from daemon.understanding.intents import understander

STATE = {"TempDriver": 21.0, "TempPassenger": 21.0, "FanLevel": 3, "media.Volume": 40,
         "voice.volume_pct": 80}
Calls = list[tuple[str, dict[str, Any]]]


def plan_of(text: str) -> tuple[Calls, bool] | None:
    """The calls of ``text``'s plan and whether it is asked about first; None when it is not
    understood or asks a question."""
    plan = understander().understand(text, STATE)
    if plan is None or plan.question is not None:
        return None
    return [(c.tool, dict(c.args)) for c in plan.calls], plan.inferred


def calls_on(text: str, calls: Calls) -> Calls | None:
    """The calls of ``text``'s plan with only the arguments ``calls`` names for each (compare
    with ``calls``); None when it is not understood or asks a question. A plan with another
    number of calls is returned whole, so that the comparison fails."""
    got = plan_of(text)
    if got is None or len(got[0]) != len(calls):
        return None if got is None else got[0]
    return [(tool, {k: args.get(k) for k in want})
            for (tool, args), (_, want) in zip(got[0], calls, strict=True)]
