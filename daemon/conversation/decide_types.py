"""What the decider (daemon/conversation/decide.py) is given and what it calls: the transcript of a
turn,
the vehicle dispatcher, the language model router and the clock, as protocols the real
implementations (vehicle_tools.dispatcher, daemon/llm/router.py) and the tests' fakes satisfy.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from daemon.llm.types import AgentAnswer, CancelToken, Message, Sentence


class ToolOutcome(Protocol):
    """What the vehicle dispatcher returns (vehicle_tools.dispatcher.ToolResult)."""

    @property
    def ok(self) -> bool: ...
    @property
    def args(self) -> Mapping[str, object]: ...
    @property
    def state(self) -> Mapping[str, object]: ...
    @property
    def reply(self) -> str: ...
    @property
    def error_code(self) -> str | None: ...


class ToolDispatcher(Protocol):
    """Calls vehicle tools (vehicle_tools.dispatcher.Dispatcher)."""

    async def call(self, name: str, args: Mapping[str, object], *,
                   confirmed: bool | None = None) -> ToolOutcome:
        """Validate, apply policy, send to the car and report what it did."""


@runtime_checkable
class DrivingStateSource(Protocol):
    """A dispatcher that knows the car's driving state (vehicle_tools.dispatcher.Dispatcher)."""

    def driving_state(self) -> str | None:
        """parked, idling or moving from the latest gear and speed reported; None: unknown."""


@runtime_checkable
class ReadingSource(Protocol):
    """A dispatcher that knows what the car last reported (vehicle_tools.dispatcher)."""

    def reported(self, key: str) -> object:
        """The last reported value of ``key`` (a DBC signal or ``service.Property``), or None."""


@dataclass(frozen=True)
class ReportedReadings:
    """The car's last reported values, for relative changes ("a bit warmer")."""

    dispatcher: object

    def get(self, key: str) -> object:
        """The last reported value of ``key``; None when the dispatcher reports none."""
        source = self.dispatcher
        return source.reported(key) if isinstance(source, ReadingSource) else None


class Agent(Protocol):
    """The language model router (daemon/llm/router.py)."""

    def answer(self, text: str, history: Sequence[Message],
               cancel: CancelToken) -> AsyncIterator[Sentence | AgentAnswer]:
        """Stream spoken sentences, then end with exactly one `AgentAnswer`."""


@runtime_checkable
class Speculating(Protocol):
    """An agent that may start on a request before it is made
    (daemon/llm/speculative.py)."""

    def start(self, text: str, history: Sequence[Message]) -> None:
        """Start on ``text`` (the transcript peek) with ``history``."""

    def discard(self) -> None:
        """Cancel what was started and not used."""


@dataclass(frozen=True)
class TurnInput:
    """A transcript to act on.

    Attributes:
        turn: the turn number.
        text: what the driver said (or typed on the head unit).
        cancel: set when the turn is interrupted (stops the language model).
        confidence: the recogniser's confidence in ``text`` (faster-whisper: the lowest
            segment avg_logprob, natural log per token; None: typed, or not reported).
        doubted: the recogniser's beam named another free text as likely (``asr.value_margin``):
            the plan is asked about before it acts.
    """

    turn: int
    text: str
    cancel: CancelToken
    confidence: float | None = None
    doubted: bool = False


class Clock(Protocol):
    """A clock in ms (the decider's: the input audio clock)."""

    def __call__(self) -> float: ...
