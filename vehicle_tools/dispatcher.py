"""The one door to the car: look up, validate, check policy, send, confirm, reply.

`Dispatcher.call` never raises (except cancellation): every failure becomes a `ToolResult` with
``ok=False``, a stable ``error_code`` and a ``reply`` to speak. Arguments are validated and the
frames encoded strictly before anything is sent, so a bad value never reaches the bus.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vehicle_tools.backends.base import VehicleBackend
from vehicle_tools.errors import ToolError
from vehicle_tools.registry import ALWAYS, Registry, Report, Tool, ToolArgs, driving_state
from vehicle_tools.state import VehicleState

logger = logging.getLogger(__name__)

_GEAR_MAX_AGE_S = 1.0
"""How old a gear reading may be for a driving-state policy decision, seconds."""


@dataclass(frozen=True, slots=True)
class ToolResult:
    """The outcome of one tool call.

    Attributes:
        ok: the car confirmed the change (or answered the query).
        tool: the tool name as called.
        args: the validated, normalised arguments (empty when they did not validate).
        state: the relevant values the car reports afterwards, units in the keys
            (``driver_temp_c``, ``range_km``); on ``no_confirmation``, the last values reported.
        reply: the sentence to speak: the confirmation, or the explanation of the failure.
        error_code: None when ok, else a `vehicle_tools.errors.ErrorCode`.
        error_detail: None when ok, else technical detail for the log.
    """

    ok: bool
    tool: str
    args: dict[str, object]
    state: dict[str, float | int | str | bool]
    reply: str
    error_code: str | None = None
    error_detail: str | None = None


class Dispatcher:
    """Runs tool calls from the registry against a backend."""

    def __init__(self, registry: Registry, backend: VehicleBackend) -> None:
        self._registry = registry
        self._backend = backend

    @property
    def registry(self) -> Registry:
        """The tools this dispatcher knows."""
        return self._registry

    async def call(self, name: str, args: Mapping[str, object], *,
                   confirmed: bool = False) -> ToolResult:
        """Run tool ``name`` with ``args`` and report what the car says afterwards.

        ``confirmed`` tells that the driver has already confirmed this call (for tools whose
        policy needs confirmation). Never raises; see `ToolResult`.
        """
        tool: Tool[Any] | None = None
        valid: ToolArgs | None = None
        try:
            tool, valid = self._registry.validate(name, args)
            await self._check_policy(tool, confirmed)
            state = await self._run(tool, valid)
            report = tool.report(valid, state)
            reply = tool.reply(valid, report)
        except ToolError as err:
            return self._failure(str(name), tool, valid, err)
        except Exception as exc:  # a bug must not break the conversation: report and explain
            logger.exception("tool %r crashed", name)
            crash = ToolError("internal_error", "Sorry, something went wrong with that.",
                              f"{type(exc).__name__}: {exc}")
            return self._failure(str(name), tool, valid, crash)
        logger.info("tool %s %s -> %s", name, valid.model_dump(), report)
        return ToolResult(ok=True, tool=name, args=valid.model_dump(), state=report, reply=reply)

    async def _check_policy(self, tool: Tool[Any], confirmed: bool) -> None:
        if tool.policy.allowed_in != ALWAYS:
            # Judge from a recent gear reading, waiting (bounded) for one; none -> "driving".
            recent = await self._backend.query(lambda s: s.has("Gear"), _GEAR_MAX_AGE_S)
            state = driving_state(recent)
            if state not in tool.policy.allowed_in:
                raise ToolError("not_allowed",
                                f"I can only {tool.action} when the car is parked.",
                                f"{tool.name} not allowed while {state}")
        if tool.policy.needs_confirmation and not confirmed:
            raise ToolError("needs_confirmation", f"Do you want me to {tool.action}?",
                            f"{tool.name} needs the driver's confirmation")

    async def _run(self, tool: Tool[Any], valid: ToolArgs) -> VehicleState:
        confirmed = functools.partial(tool.confirmed, valid)
        frames = tool.commands(valid)
        if frames:
            return await self._backend.send_command(frames, confirmed)
        return await self._backend.query(confirmed, tool.max_age_s)

    def _failure(self, name: str, tool: Tool[Any] | None, valid: ToolArgs | None,
                 err: ToolError) -> ToolResult:
        logger.warning("tool %s failed: %s: %s", name, err.code, err.detail)
        reply, state = err.message, {}
        if tool is not None:
            if err.code == "bus_unavailable":
                reply = f"I can't reach the car's controls right now, so I couldn't {tool.action}."
            elif err.code == "no_confirmation":
                reply = f"I asked the car to {tool.action}, but it did not confirm. Please check."
                state = self._last_reported(tool, valid)
        return ToolResult(ok=False, tool=name,
                          args=valid.model_dump() if valid is not None else {},
                          state=state, reply=reply, error_code=err.code, error_detail=err.detail)

    def _last_reported(self, tool: Tool[Any], valid: ToolArgs | None) -> Report:
        if valid is None:
            return {}
        try:
            return tool.report(valid, self._backend.state)
        except ToolError:
            return {}
