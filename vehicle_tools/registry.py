"""Every vehicle tool, declared once.

A `Tool` bundles what the rest of Cabin needs to know about one capability of the car:

- its name and description (for the LLM) and a pydantic argument model whose fields carry units
  and limits (``Field(ge=, le=, description=)``), from which the JSON schema is generated;
- the DBC signals its arguments end up in (`SignalLink`; a test checks that every argument limit
  sits inside the signal's DBC [min|max]);
- the backend that runs it (CAN, D-Bus or Cabin's own settings), the commands it sends
  (`vehicle_tools.commands`), the predicate telling when the reported state reflects the change,
  the state it reports back and the spoken confirmation built from that REPORTED state;
- its safety policy (`vehicle_tools.safety.ToolPolicy`): driving states, confirmation, rate
  limit, forbidden state combinations.

The declarations themselves live in `vehicle_tools.tools`; `Registry` looks them up by name,
validates arguments and produces the schemas.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from vehicle_tools.commands import BackendKind, Command, CommandFrame
from vehicle_tools.dbc import Database
from vehicle_tools.errors import ToolError
from vehicle_tools.language import Language
from vehicle_tools.names import Directory
from vehicle_tools.safety import (
    ALWAYS,
    DrivingState,
    RateLimit,
    ToolPolicy,
    driving_state,
)
from vehicle_tools.state import VehicleState

__all__ = ["ALWAYS", "A", "CommandFrame", "DrivingState", "RateLimit", "Registry", "Report",
           "SignalLink", "Tool", "ToolArgs", "ToolPolicy", "driving_state"]

Report = dict[str, float | int | str | bool]
"""What a tool tells the caller the car reports, with units in the keys (``driver_temp_c``)."""


class ToolArgs(BaseModel):
    """Base of every tool's argument model: frozen, no extra keys, no type coercion.

    Strict mode means ``"21"`` is not a temperature and ``true`` is not a fan level: the LLM's
    output is JSON produced against the schema, so a type mismatch is a real error.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, allow_inf_nan=False)


A = TypeVar("A", bound=ToolArgs)


@dataclass(frozen=True, slots=True)
class SignalLink:
    """An argument that is written into a DBC signal of a command message."""

    argument: str
    message: str
    signal: str


@dataclass(frozen=True)
class Tool(Generic[A]):
    """One capability of the car. See the module docstring.

    Attributes:
        name: the tool's name as the LLM calls it (``set_temperature``).
        description: what it does, for the LLM.
        action: a verb phrase for spoken failures ("change the temperature").
        usage: a spoken sentence giving the valid arguments, said when they were invalid.
        args_model: the pydantic model validating (and normalising) the arguments.
        commands: what to send for validated arguments (CAN frames, D-Bus calls or property
            writes, setting changes; all for ``backend``); empty for a pure query.
        confirmed: given the state reported AFTER the commands were sent (or, for a query, the
            recent state), whether it reflects the call; absent values mean "not yet".
        report: the relevant reported values; raises ToolError(``not_available``) when absent.
        reply: the spoken sentence built from ``report``.
        links: arguments that end up in DBC signals (checked against the DBC's limits).
        reads: state keys the tool reads: DBC status signals for CAN tools (checked to exist
            in the DBC), ``service.Property`` keys for D-Bus tools (``media.Volume``).
        policy: when it may run (`vehicle_tools.safety.ToolPolicy`).
        max_age_s: for queries, how old (seconds) a reading may be and still be answered from.
        backend: which backend runs it.
        service: what the driver calls the thing behind the backend, for spoken failures
            ("media", "navigation"; CAN tools: "the car's controls").
        topics: words or phrases a request for this tool mentions ("window", "fresh air");
            the language-model agent declines a call whose tool the request never mentions
            (daemon/llm/relevance.py), instead of mapping it to the nearest tool.
        language: how drivers ask for it (`vehicle_tools.language`): the sentence templates
            and slot lists the fast path, the recogniser's biasing, endpointing and the test
            corpus are all derived from.
        directories: free-text arguments that must name an entry of a list the service
            reports (`vehicle_tools.names`: the contact in the phone book), resolved by the
            dispatcher before anything is sent.
    """

    name: str
    description: str
    action: str
    usage: str
    args_model: type[A]
    commands: Callable[[A], tuple[Command, ...]]
    confirmed: Callable[[A, VehicleState], bool]
    report: Callable[[A, VehicleState], Report]
    reply: Callable[[A, Report], str]
    links: tuple[SignalLink, ...] = ()
    reads: tuple[str, ...] = ()
    policy: ToolPolicy = field(default_factory=ToolPolicy)
    max_age_s: float = 1.0
    backend: BackendKind = "can"
    service: str = "the car's controls"
    topics: tuple[str, ...] = ()
    language: Language | None = None
    directories: Mapping[str, Directory] = field(default_factory=dict)

    def validate(self, args: object) -> A:
        """Validate and normalise raw arguments.

        Raises:
            ToolError: ``invalid_arguments``, with the tool's spoken usage as the message.
        """
        if not isinstance(args, Mapping):
            raise ToolError("invalid_arguments", self.usage,
                            f"{self.name}: arguments must be an object, got {type(args).__name__}")
        try:
            return self.args_model.model_validate(dict(args))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or '(args)'}: {err['msg']}"
                f" (got {_shown(err.get('input'))})" for err in exc.errors())
            raise ToolError("invalid_arguments", self.usage, f"{self.name}: {problems}") from exc

    def json_schema(self) -> dict[str, object]:
        """The tool as an LLM sees it: name, description and the JSON schema of its parameters."""
        parameters = self.args_model.model_json_schema()
        parameters.pop("title", None)
        return {"name": self.name, "description": self.description, "parameters": parameters}


_SHOWN_CHARS = 80
"""At most this many characters of a rejected argument value go into a log detail."""


def _shown(value: object) -> str:
    """A bounded repr of a rejected value: the model's output may be megabytes long, and an int
    of more than 4300 digits has no repr at all (ValueError)."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):
        return f"<an int of about {int(value).bit_length() * 0.30103:.0f} digits>" \
            if isinstance(value, int) else f"<unprintable {type(value).__name__}>"
    return text if len(text) <= _SHOWN_CHARS else f"{text[:_SHOWN_CHARS]}... ({len(text)} chars)"


class Registry:
    """The tools Cabin may use, by name."""

    def __init__(self, tools: Iterable[Tool[Any]]) -> None:
        self._tools: dict[str, Tool[Any]] = {}
        for tool in tools:
            if tool.name in self._tools:
                raise ValueError(f"tool {tool.name!r} declared twice")
            self._tools[tool.name] = tool

    def __iter__(self) -> Iterator[Tool[Any]]:
        return iter(self._tools.values())

    def __len__(self) -> int:
        return len(self._tools)

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    def names(self) -> tuple[str, ...]:
        """Every tool name, in declaration order."""
        return tuple(self._tools)

    def get(self, name: str) -> Tool[Any]:
        """The tool called ``name``.

        Raises:
            ToolError: ``unknown_tool``.
        """
        tool = self._tools.get(name) if isinstance(name, str) else None
        if tool is None:
            raise ToolError("unknown_tool", "Sorry, that is not something I can do in this car.",
                            f"no tool named {_shown(name)}; known: {', '.join(self._tools)}")
        return tool

    def validate(self, name: str, args: object) -> tuple[Tool[Any], ToolArgs]:
        """Look up ``name`` and validate ``args`` (raises ToolError, see `Tool.validate`)."""
        tool = self.get(name)
        return tool, tool.validate(args)

    def json_schemas(self) -> list[dict[str, object]]:
        """Every tool's name, description and parameter schema, for the LLM."""
        return [tool.json_schema() for tool in self._tools.values()]

    def check_against(self, db: Database) -> None:
        """Check that every message and signal the tools use exists in ``db``.

        Raises:
            ToolError: ``dbc_invalid`` naming the first missing message or signal.
        """
        status_signals = {s.name for m in db.messages for s in m.signals}
        for tool in self._tools.values():
            if tool.backend != "can":
                continue
            for link in tool.links:
                try:
                    db.get_message_by_name(link.message).get_signal_by_name(link.signal)
                except KeyError as exc:
                    raise ToolError("dbc_invalid", "The car's signal definitions do not match.",
                                    f"{tool.name}: {link.message}.{link.signal} missing") from exc
            for signal in tool.reads:
                if signal not in status_signals:
                    raise ToolError("dbc_invalid", "The car's signal definitions do not match.",
                                    f"{tool.name}: status signal {signal} missing")
