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
