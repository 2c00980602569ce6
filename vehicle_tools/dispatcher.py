"""The one door to the car: look up, validate, check policy, send, confirm, reply.

`Dispatcher.call` never raises (except cancellation): every failure becomes a `ToolResult` with
``ok=False``, a stable ``error_code`` and a ``reply`` to speak. Arguments are validated, the
safety policy applied (with gear, speed and other readings from the bus) and, for CAN, the frames
encoded strictly before anything is sent, so a bad or forbidden call never reaches a bus.

Order of the checks: arguments; names resolved against the service's list (a contact in the
phone book, `vehicle_tools.names`: ``not_found`` when none is near, ``needs_confirmation``
"Did you mean ...?" for a close one); the driver declined (``cancelled``); driving state and
state combinations; rate limit; confirmation (``needs_confirmation`` with the spoken
question); then the backend.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from vehicle_tools.backends.base import NameSource, PlaceSearch, ToolBackend, VehicleBackend
from vehicle_tools.errors import ToolError
from vehicle_tools.names import Directory, NameMatch, match_name, match_search
from vehicle_tools.redact import Redactor
from vehicle_tools.registry import Registry, Report, Tool, ToolArgs
from vehicle_tools.safety import DrivingState, PolicyGate, driving_state
from vehicle_tools.state import VehicleState

logger = logging.getLogger(__name__)

_POLICY_MAX_AGE_S = 1.0
"""How old a reading (gear, speed, lights...) may be for a policy decision, seconds."""


@dataclass(frozen=True, slots=True)
class ToolResult:
    """The outcome of one tool call.

    Attributes:
        ok: the car (or service) confirmed the change, or answered the query.
        tool: the tool name as called.
        args: the validated, normalised arguments (empty when they did not validate).
        state: the relevant values reported afterwards, units in the keys
            (``driver_temp_c``, ``range_km``); on ``no_confirmation``, the last values reported.
        reply: the sentence to speak: the confirmation, the question, or the explanation of
            the failure.
        error_code: None when ok, else a `vehicle_tools.errors.ErrorCode`
            (``needs_confirmation`` carries the question to ask in ``reply``).
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
    """Runs tool calls from the registry against the backends.

    Args:
        registry: the tools.
        backend: the CAN backend; also the source of the driving state for the policy.
        dbus: the D-Bus backend (media, navigation, phone); None = D-Bus tools unavailable.
        local: the backend of Cabin's own settings; None = those tools unavailable.
        clock: monotonic time source for rate limits, seconds.
        show_text: log free-text arguments and reported text (destinations, contacts, track
            titles) as they are (``privacy.log_text`` or ``--debug``); by default they are
            hidden (`vehicle_tools.redact`).
    """

    def __init__(self, registry: Registry, backend: VehicleBackend, *,
                 dbus: ToolBackend | None = None, local: ToolBackend | None = None,
                 clock: Callable[[], float] = time.monotonic, show_text: bool = False) -> None:
        self._registry = registry
        self._redact = Redactor(show_text)
        self._backend = backend
        self._backends: dict[str, ToolBackend | None] = {
            "can": backend, "dbus": dbus, "local": local}
        self._gate = PolicyGate(clock)

    @property
    def registry(self) -> Registry:
        """The tools this dispatcher knows."""
        return self._registry

    def reported(self, key: str) -> object:
        """The last value the car (a DBC signal) or a service (``media.Volume``) reported for
        ``key``, or None; the fast path reads it for relative changes ("a bit warmer")."""
        for backend in self._backends.values():
            value = None if backend is None else backend.state.get(key)
            if value is not None:
                return value
        return None

    def driving_state(self) -> DrivingState | None:
        """parked, idling or moving from the latest gear and speed the car reported (None:
        not reported yet); the dialogue drops a confirmation asked in another state."""
        return driving_state(self._backend.state)

    async def call(self, name: str, args: Mapping[str, object], *,
                   confirmed: bool | None = None) -> ToolResult:
        """Run tool ``name`` with ``args`` and report what the car says afterwards.

        ``confirmed``: None when the driver was not asked; True when they confirmed this very
        call; False when they declined it (the call is then ``cancelled``). Never raises; see
        `ToolResult`.
        """
        tool: Tool[Any] | None = None
        valid: ToolArgs | None = None
        try:
            tool, valid = self._registry.validate(name, args)
            await self._check_policy(tool, valid, confirmed)  # a refused call looks nothing up
            valid, question = await self._resolve_names(tool, valid)
            if question is not None:
                raise ToolError("needs_confirmation", question,
                                f"{tool.name}: a name near one entry of its directory")
            self._gate.record(tool.name, tool.policy)
            state = await self._run(tool, valid)
            report = tool.report(valid, state)
            reply = tool.reply(valid, report)
        except ToolError as err:
            return self._failure(_name_of(name), tool, valid, err, args)
        except Exception as exc:  # a bug must not break the conversation: report and explain
            logger.error("tool %r crashed: %s", _name_of(name),
                         self._redact.crash(exc, private=args))
            crash = ToolError("internal_error", "Sorry, something went wrong with that.",
                              f"{type(exc).__name__}: {exc}")
            return self._failure(_name_of(name), tool, valid, crash, args)
        logger.info("tool %s %s -> %s", name,
                    self._redact.args(valid.model_dump(), tool.args_model),
                    self._redact.state(report))
        return ToolResult(ok=True, tool=name, args=valid.model_dump(), state=report, reply=reply)

    async def _resolve_names(self, tool: Tool[Any], valid: ToolArgs
                             ) -> tuple[ToolArgs, str | None]:
        """Each argument with a `vehicle_tools.names.Directory` replaced by the entry it names
        (`vehicle_tools.names.match_name`), with the question to ask first for a close one.

        Raises:
            ToolError: ``not_found`` when no entry is near (nothing is sent).
        """
        question: str | None = None
        backend = self._backends.get(tool.backend)
        for arg, directory in tool.directories.items():
            heard = str(getattr(valid, arg))
            match = await _lookup(backend, directory, heard)
            if match is None:
                continue  # the service keeps no list and has no search: it decides itself
            if match.kind == "none":
                raise ToolError("not_found", directory.missing.format(name=heard),
                                f"{tool.name}: {arg} names no entry of {directory.key} "
                                f"(nearest {match.score:.0f}/100)")
            valid = valid.model_copy(update={arg: match.entry})
            if match.kind == "close":
                question = directory.ask.format(name=match.entry)
        return valid, question

    async def _check_policy(self, tool: Tool[Any], valid: ToolArgs,
                            confirmed: bool | None) -> None:
        if confirmed is False:
            raise ToolError("cancelled", f"OK, I won't {tool.action}.",
                            f"{tool.name}: the driver declined")
        policy = tool.policy
        reads = policy.state_reads()
        if reads:
            # Judge from recent readings off the bus, waiting (bounded) for them.
            recent = await self._backend.query(lambda s: s.has(*reads), _POLICY_MAX_AGE_S)
            self._gate.check_state(tool.name, tool.action, policy, valid, recent)
        self._gate.check_rate(tool.name, tool.action, policy)
        if policy.needs_confirmation and confirmed is not True:
            raise ToolError("needs_confirmation", f"Do you want me to {tool.action}?",
                            f"{tool.name} needs the driver's confirmation")

    async def _run(self, tool: Tool[Any], valid: ToolArgs) -> VehicleState:
        backend = self._backends.get(tool.backend)
        if backend is None:
            raise ToolError("service_unavailable", f"Sorry, {tool.service} isn't available.",
                            f"{tool.name}: no {tool.backend} backend configured")
        confirmed = functools.partial(tool.confirmed, valid)
        return await backend.execute(tool.commands(valid), confirmed, tool.reads, tool.max_age_s)

    def _failure(self, name: str, tool: Tool[Any] | None, valid: ToolArgs | None,
                 err: ToolError, args: object) -> ToolResult:
        logger.warning("tool %s failed: %s: %s", name, err.code,
                       self._redact.detail(err.detail, private=args, cause=err.__cause__))
        reply, state = err.message, {}
        if tool is not None:
            if err.code == "bus_unavailable":
                reply = f"I can't reach the car's controls right now, so I couldn't {tool.action}."
            elif err.code == "service_unavailable":
                reply = (f"Sorry, {tool.service} isn't available right now, so I couldn't "
                         f"{tool.action}.")
            elif err.code == "timeout":
                reply = f"Sorry, {tool.service} didn't answer in time, so I couldn't {tool.action}."
            elif err.code == "no_confirmation":
                who = "the car" if tool.backend == "can" else tool.service
                reply = f"I asked {who} to {tool.action}, but it did not confirm. Please check."
                state = self._last_reported(tool, valid)
        return ToolResult(ok=False, tool=name,
                          args=valid.model_dump() if valid is not None else {},
                          state=state, reply=reply, error_code=err.code, error_detail=err.detail)

    def _last_reported(self, tool: Tool[Any], valid: ToolArgs | None) -> Report:
        backend = self._backends.get(tool.backend)
        if valid is None or backend is None:
            return {}
        try:
            return tool.report(valid, backend.state)
        except ToolError:
            return {}


async def _lookup(backend: object, directory: Directory, heard: str) -> NameMatch | None:
    """What ``heard`` names by ``directory``: the service's list matched (`match_name`) or its
    search's places (`match_search`); None when the backend offers neither."""
    if directory.search:
        if not isinstance(backend, PlaceSearch):
            return None
        found = await backend.search(directory.key, heard)
        return None if found is None else match_search(found)
    if not isinstance(backend, NameSource):
        return None
    entries = await backend.names(directory.key)
    return None if entries is None else match_name(heard, entries)


def _name_of(name: object) -> str:
    """The called name for the failure report, bounded (the model may send anything)."""
    try:
        text = str(name)
    except (ValueError, RecursionError):  # an int of over 4300 digits has no str
        return f"<unprintable {type(name).__name__}>"
    return text if len(text) <= 80 else f"{text[:80]}..."
