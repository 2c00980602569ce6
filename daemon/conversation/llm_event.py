"""The ``llm`` event of a turn the language model answered. Pure."""

from __future__ import annotations

from daemon import events as ev
from daemon.llm.types import AgentAnswer


def llm_event(answer: AgentAnswer, turn: int, t_ms: float, elapsed_ms: float) -> ev.Llm:
    """The event for ``answer`` (its own timing when it has one, else ``elapsed_ms``, the
    wall-clock ms the request took), at ``t_ms``."""
    timing = answer.timing
    return ev.Llm(
        t_ms=t_ms, turn=turn, source=answer.source, kind=answer.kind,
        first_token_ms=round(timing.first_token_ms, 1) if timing else 0.0,
        total_ms=round(timing.total_ms if timing else elapsed_ms, 1),
        prompt_tokens=timing.prompt_tokens if timing else 0,
        cached_tokens=timing.cached_tokens if timing else 0,
        generated_tokens=timing.generated_tokens if timing else 0)
