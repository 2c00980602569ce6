"""The safety policy, enforced outside the language model.

Every tool declares a `ToolPolicy`: in which driving states it may run, whether the driver must
confirm it, how often it may run (`RateLimit`), and which state combinations it must refuse
(`Constraint`, e.g. high beams while the fog lights are on, headlights off while driving in
the dark, a window opened wide at motorway speed). `PolicyGate` applies it with facts that come
from the bus (gear, speed, light state, the light sensor, window positions), never from the
conversation, and answers a refusal with a specific spoken sentence.

Driving state, from ``VEHICLE_STATUS``:

- ``parked``: gear P and below `MOVING_KMH`;
- ``idling``: in R, N or D but below `MOVING_KMH` (stopped at a light);
- ``moving``: at or above `MOVING_KMH`, whatever the gear.

When gear or speed has not been reported recently the state is unknown, and a tool that depends
on it is refused: the state is never guessed.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from vehicle_tools.errors import ToolError
from vehicle_tools.state import VehicleState

DrivingState = Literal["parked", "idling", "moving"]
DRIVING_STATES: tuple[DrivingState, ...] = ("parked", "idling", "moving")
ALWAYS: frozenset[DrivingState] = frozenset(DRIVING_STATES)
STOPPED: frozenset[DrivingState] = frozenset({"parked", "idling"})
PARKED: frozenset[DrivingState] = frozenset({"parked"})

MOVING_KMH = 1.0
"""At or above this speed (km/h) the car counts as moving."""

DRIVING_SIGNALS = ("Gear", "VehicleSpeed")
"""The status signals the driving state is derived from."""


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most ``calls`` executed calls of a tool within any ``per_s`` seconds."""

    calls: int
    per_s: float


@dataclass(frozen=True, slots=True)
class Constraint:
    """A state combination a tool must refuse.

    Attributes:
        name: short identifier for the log (``high_beam_with_fog``).
        reads: the status signals ``forbids`` needs; if any is not recently reported, the call
            is refused (``not_available``) rather than guessed.
        forbids: given the validated arguments and the recent state, True when the call must be
            refused.
        reply: the sentence to speak when it is.
        applies: given the validated arguments, True when the constraint concerns the call at
            all (None: every call). A call it does not concern needs none of ``reads``, so a
            missing reading (say, the light sensor) never blocks an unrelated call (the
            interior light).
    """

    name: str
    reads: tuple[str, ...]
    forbids: Callable[[Any, VehicleState], bool]
    reply: str
    applies: Callable[[Any], bool] | None = None


@dataclass(frozen=True, slots=True)
class ToolPolicy:
    """When a tool may run.

    Attributes:
        allowed_in: driving states in which the tool may run.
        needs_confirmation: the driver must confirm before it runs (the dispatcher answers
            ``needs_confirmation`` with a spoken question unless the call says it was confirmed).
        rate_limit: how often it may run; None = unlimited.
        constraints: state combinations it must refuse.
    """

    allowed_in: frozenset[DrivingState] = ALWAYS
    needs_confirmation: bool = False
    rate_limit: RateLimit | None = None
    constraints: tuple[Constraint, ...] = field(default=())

    def state_reads(self) -> tuple[str, ...]:
        """Every status signal this policy needs to decide (empty: no bus reading needed)."""
        reads = [] if self.allowed_in == ALWAYS else list(DRIVING_SIGNALS)
        for constraint in self.constraints:
            reads.extend(constraint.reads)
        return tuple(dict.fromkeys(reads))


def driving_state(state: VehicleState) -> DrivingState | None:
    """The driving state from the reported gear and speed; None when either is missing."""
    gear, speed = state.text("Gear"), state.number("VehicleSpeed")
    if gear is None or speed is None:
        return None
    if speed >= MOVING_KMH:
        return "moving"
    return "parked" if gear == "P" else "idling"


def _only_when(allowed: Iterable[DrivingState]) -> str:
    allowed = frozenset(allowed)
    if allowed == PARKED:
        return "when the car is parked"
    if allowed == STOPPED:
        return "when the car is stopped"
    if allowed == frozenset({"moving"}):
        return "while driving"
    return "in " + " or ".join(s for s in DRIVING_STATES if s in allowed) + " mode"


class PolicyGate:
    """Applies tools' policies; keeps the rate-limit history (per tool name).

    Args:
        clock: monotonic time source, seconds.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._history: dict[str, deque[float]] = {}

    def check_state(self, name: str, action: str, policy: ToolPolicy, args: object,
                    state: VehicleState) -> None:
        """Refuse (raise ToolError) when the driving state or a constraint forbids the call.

        Raises:
            ToolError: ``not_available`` (a needed reading is missing) or ``not_allowed``.
        """
        if policy.allowed_in != ALWAYS:
            current = driving_state(state)
            if current is None:
                raise ToolError("not_available",
                                f"I can't tell whether the car is parked right now, so I won't "
                                f"{action}.", f"{name}: no recent gear/speed reading")
            if current not in policy.allowed_in:
                raise ToolError("not_allowed",
                                f"I can only {action} {_only_when(policy.allowed_in)}.",
                                f"{name} not allowed while {current}")
        for constraint in policy.constraints:
            if constraint.applies is not None and not constraint.applies(args):
                continue
            if not state.has(*constraint.reads):
                raise ToolError("not_available",
                                f"I can't check the car's state right now, so I won't {action}.",
                                f"{name}: {constraint.name} needs {constraint.reads}")
            if constraint.forbids(args, state):
                raise ToolError("not_allowed", constraint.reply,
                                f"{name} refused: {constraint.name}")

    def check_rate(self, name: str, action: str, policy: ToolPolicy) -> None:
        """Refuse when the tool already ran its allowed number of times in the window.

        Raises:
            ToolError: ``rate_limited``.
        """
        limit = policy.rate_limit
        if limit is None:
            return
        recent = self._recent(name, limit)
        if len(recent) >= limit.calls:
            wait_s = max(1, round(recent[0] + limit.per_s - self._clock()))
            raise ToolError("rate_limited",
                            f"I've just done that. Please wait {wait_s} seconds before asking me "
                            f"to {action} again.",
                            f"{name}: {limit.calls} calls within {limit.per_s} s")

    def record(self, name: str, policy: ToolPolicy) -> None:
        """Count one executed call of ``name`` against its rate limit."""
        if policy.rate_limit is not None:
            self._recent(name, policy.rate_limit).append(self._clock())

    def _recent(self, name: str, limit: RateLimit) -> deque[float]:
        history = self._history.setdefault(name, deque())
        cutoff = self._clock() - limit.per_s
        while history and history[0] <= cutoff:
            history.popleft()
        return history
