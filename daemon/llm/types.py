"""What crosses the boundary between the turn and the language-model agent."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

AnswerKind = Literal["calls", "say", "clarify", "decline", "unavailable"]
AnswerSource = Literal["local", "cloud", "none"]


@dataclass(frozen=True)
class Message:
    """One line of the conversation given to the model as context."""

    role: Literal["user", "assistant"]
    text: str


@dataclass(frozen=True)
class PlannedCall:
    """A tool call the model chose (validated and run by the vehicle dispatcher, not here)."""

    name: str
    args: Mapping[str, object]


@dataclass(frozen=True)
class AgentTiming:
    """Cost of one answer.

    Attributes:
        prompt_tokens: tokens in the prompt; `cached_tokens` of them were reused from the
            cached system prompt (not evaluated again).
        prompt_ms: wall-clock ms evaluating the uncached prompt tokens.
        first_token_ms: wall-clock ms from the request to the first generated token.
        generated_tokens: tokens generated.
        total_ms: wall-clock ms of the whole answer.
    """

    prompt_tokens: int = 0
    cached_tokens: int = 0
    prompt_ms: float = 0.0
    first_token_ms: float = 0.0
    generated_tokens: int = 0
    total_ms: float = 0.0


@dataclass(frozen=True)
class Sentence:
    """A sentence of a spoken answer, ready to synthesize while the rest is generated."""

    text: str


@dataclass(frozen=True)
class AgentAnswer:
    """The model's answer to one request.

    Attributes:
        kind: ``calls`` (run `calls`), ``say`` (an answer, already streamed as sentences),
            ``clarify`` (a question back to the driver), ``decline`` (the car cannot do it),
            ``unavailable`` (every model failed; `text` says so honestly).
        calls: the tool calls, in order (``calls`` only).
        text: what to say for ``clarify``, ``decline`` and ``unavailable`` (``say``: the
            whole answer, already yielded sentence by sentence).
        source: which model answered.
        timing: its cost (None when no model ran).
    """

    kind: AnswerKind
    calls: tuple[PlannedCall, ...] = ()
    text: str = ""
    source: AnswerSource = "none"
    timing: AgentTiming | None = None


@dataclass
class CancelToken:
    """Set by the turn when the driver interrupts; generation checks it between tokens."""

    _event: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        """Ask the generation to stop."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """True once `cancel` was called."""
        return self._event.is_set()
