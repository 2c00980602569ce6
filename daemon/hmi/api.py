"""The head-unit API's contract: interface XML, error names, the control Protocol, pure mappings.

Nothing here touches a bus: `signal_for` turns a pipeline `Event` into the D-Bus signal the head
unit receives, `validate_text` checks what ``SendText`` accepts, `dbus_error_for` names the D-Bus
error an exception becomes. docs/hmi.md documents every member; a test keeps the XML there and
`INTERFACE_XML` identical.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from typing import Protocol

from daemon.errors import CabinError
from daemon.events import (
    ErrorEvent,
    Event,
    Interrupted,
    ManualAnswer,
    Reply,
    ToolCall,
    ToolResultEvent,
    Transcript,
    Wake,
)

INTERFACE = "org.cabin.Assistant1"
"""The D-Bus interface name (fixed; the bus name comes from `HmiConfig.name`)."""
OBJECT_PATH = "/org/cabin/Assistant1"
"""Where the assistant object lives."""

INTERFACE_XML = """\
<node>
  <interface name="org.cabin.Assistant1">
    <method name="SendText">
      <arg name="text" type="s" direction="in"/>
      <arg name="turn" type="u" direction="out"/>
    </method>
    <method name="PushToTalk">
      <arg name="turn" type="u" direction="out"/>
    </method>
    <method name="Cancel">
      <arg name="cancelled" type="b" direction="out"/>
    </method>
    <property name="State" type="s" access="read">
      <annotation name="org.freedesktop.DBus.Property.EmitsChangedSignal" value="true"/>
    </property>
    <property name="Turn" type="u" access="read">
      <annotation name="org.freedesktop.DBus.Property.EmitsChangedSignal" value="true"/>
    </property>
    <property name="Version" type="s" access="read">
      <annotation name="org.freedesktop.DBus.Property.EmitsChangedSignal" value="const"/>
    </property>
    <signal name="Wake">
      <arg name="turn" type="u"/>
      <arg name="model" type="s"/>
    </signal>
    <signal name="Transcript">
      <arg name="turn" type="u"/>
      <arg name="text" type="s"/>
      <arg name="final" type="b"/>
    </signal>
    <signal name="Reply">
      <arg name="turn" type="u"/>
      <arg name="text" type="s"/>
    </signal>
    <signal name="ToolCall">
      <arg name="turn" type="u"/>
      <arg name="name" type="s"/>
      <arg name="args_json" type="s"/>
    </signal>
    <signal name="ToolResult">
      <arg name="turn" type="u"/>
      <arg name="name" type="s"/>
      <arg name="ok" type="b"/>
      <arg name="error" type="s"/>
    </signal>
    <signal name="Error">
      <arg name="turn" type="u"/>
      <arg name="code" type="s"/>
      <arg name="message" type="s"/>
    </signal>
    <signal name="Interrupted">
      <arg name="turn" type="u"/>
      <arg name="played_ms" type="d"/>
    </signal>
    <signal name="ManualSection">
      <arg name="turn" type="u"/>
      <arg name="section" type="s"/>
      <arg name="title" type="s"/>
    </signal>
  </interface>
</node>
"""
"""Introspection XML of `INTERFACE` (pydbus style ``dbus = \"\"\"<node>...\"\"\"``)."""

STATES = ("idle", "listening", "thinking", "speaking", "follow_up")
"""Values of the ``State`` property."""
MAX_TEXT_CHARS = 500
"""Longest ``SendText`` text accepted, characters (code points)."""
MAX_U32 = 2**32 - 1

ERROR_INVALID_ARGUMENT = f"{INTERFACE}.Error.InvalidArgument"
"""The request was refused as malformed (empty, too long, control characters, line
separators or bidirectional controls in the text)."""
ERROR_TIMEOUT = f"{INTERFACE}.Error.Timeout"
"""The assistant did not answer within ``hmi.call_timeout_s``; the request was cancelled."""
ERROR_BUSY = f"{INTERFACE}.Error.Busy"
"""Too many calls in flight, or the assistant cannot take this request now; retry later."""
ERROR_FAILED = f"{INTERFACE}.Error.Failed"
"""The assistant failed to carry the request out (message: ``code: cause``) or is stopping."""


class HmiError(CabinError):
    """The head-unit API could not be published."""

    code = "hmi_error"


class HmiUnavailableError(HmiError):
    """No bus to publish on (none configured or found, or it refused the connection)."""

    code = "hmi_bus_unavailable"


class HmiNameError(HmiError):
    """The bus name is owned by another connection, or the bus policy forbids owning it."""

    code = "hmi_name_taken"


class AssistantBusyError(HmiError):
    """Raised by an `AssistantControl` that cannot take the request now (-> ``Error.Busy``)."""

    code = "assistant_busy"


class DbusReplyError(Exception):
    """A D-Bus error answer: ``name`` (one of the ``ERROR_*``) and a human message."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


class AssistantControl(Protocol):
    """What the live daemon offers the head unit; every member runs on the asyncio loop.

    The methods return as soon as the request is taken (a turn started, a reply stopped), not
    when the turn ends: the head unit follows the turn through the signals. A method that takes
    longer than ``hmi.call_timeout_s`` is cancelled and the caller gets ``Error.Timeout``.
    Raise `AssistantBusyError` to answer ``Error.Busy``; any other exception answers
    ``Error.Failed``.
    """

    @property
    def state(self) -> str:
        """One of `STATES`."""
        ...

    @property
    def turn(self) -> int:
        """The current (or last) turn number; 0 before the first."""
        ...

    async def send_text(self, text: str) -> int:
        """Start a turn whose final transcript is `text` (validated, stripped); its number."""
        ...

    async def push_to_talk(self) -> int:
        """Start listening now, without the wake word; the number of the turn that listens."""
        ...

    async def cancel(self) -> bool:
        """Stop the current reply or turn, like a barge-in (a vehicle command already sent still
        completes and reports); False when there was nothing to stop."""
        ...


@dataclass(frozen=True, slots=True)
class OutSignal:
    """One signal of `INTERFACE` to emit: member name, D-Bus signature of the args, the args."""

    name: str
    signature: str
    args: tuple[object, ...]


BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")
"""Bidirectional formatting characters (U+202E RIGHT-TO-LEFT OVERRIDE...): they make a
head-unit log or screen show something other than what was sent, so ``SendText`` refuses them."""


def validate_text(text: object) -> str:
    """The ``SendText`` text, normalised; `DbusReplyError` (InvalidArgument) if not acceptable.

    Accepted: a string of at most `MAX_TEXT_CHARS` characters with something visible in it.
    Refused: control characters (Unicode category Cc: newlines, tabs, escapes, NUL), line and
    paragraph separators (U+2028, U+2029) and bidirectional controls (`BIDI_CONTROLS`).
    Removed: every other invisible format character (category Cf: zero-width spaces and
    joiners, U+FEFF, soft hyphens, tag characters), so "un<U+200B>lock" reads "unlock" and
    text of nothing else is refused as empty. Then stripped of surrounding whitespace.
    """
    if not isinstance(text, str):
        raise DbusReplyError(ERROR_INVALID_ARGUMENT, "text must be a string")
    if len(text) > MAX_TEXT_CHARS:
        raise DbusReplyError(ERROR_INVALID_ARGUMENT,
                          f"text is {len(text)} characters; at most {MAX_TEXT_CHARS}")
    for char in text:
        category = unicodedata.category(char)
        if category == "Cc":
            raise DbusReplyError(ERROR_INVALID_ARGUMENT,
                              f"text contains the control character U+{ord(char):04X}")
        if category in ("Zl", "Zp"):
            raise DbusReplyError(ERROR_INVALID_ARGUMENT,
                              f"text contains the line separator U+{ord(char):04X}; send one "
                              "line of text")
        if char in BIDI_CONTROLS:
            raise DbusReplyError(ERROR_INVALID_ARGUMENT,
                              f"text contains the bidirectional control U+{ord(char):04X}")
    visible = "".join(c for c in text if unicodedata.category(c) != "Cf").strip()
    if not visible:
        raise DbusReplyError(ERROR_INVALID_ARGUMENT, "text is empty (nothing visible in it)")
    return visible


def _turn(event: Event) -> int:
    return min(max(int(event.turn), 0), MAX_U32)


def signal_for(event: Event) -> OutSignal | None:  # noqa: PLR0911  # one return per signal
    """The signal the head unit gets for `event`, or None for events it is not told about.

    Transcripts are signalled partial and final (``final`` tells which); a partial may be
    revised by the next one and by the final.
    """
    turn = _turn(event)
    match event:
        case Wake():
            return OutSignal("Wake", "us", (turn, event.model))
        case Transcript():
            return OutSignal("Transcript", "usb", (turn, event.text, bool(event.final)))
        case Reply():
            return OutSignal("Reply", "us", (turn, event.text))
        case ToolCall():
            args = json.dumps(event.args, ensure_ascii=False, sort_keys=True, default=str)
            return OutSignal("ToolCall", "uss", (turn, event.name, args))
        case ToolResultEvent():
            return OutSignal("ToolResult", "usbs",
                             (turn, event.name, bool(event.ok), event.error or ""))
        case ErrorEvent():
            return OutSignal("Error", "uss", (turn, event.code, event.message))
        case Interrupted():
            return OutSignal("Interrupted", "ud", (turn, float(event.played_ms)))
        case ManualAnswer(covered=True):
            return OutSignal("ManualSection", "uss", (turn, event.section, event.title))
        case _:
            return None


def dbus_error_for(exc: BaseException) -> DbusReplyError:
    """The D-Bus error answering a request that raised `exc` (see the ``ERROR_*`` names)."""
    if isinstance(exc, DbusReplyError):
        return exc
    if isinstance(exc, AssistantBusyError):
        return DbusReplyError(ERROR_BUSY, exc.message)
    if isinstance(exc, CabinError):
        return DbusReplyError(ERROR_FAILED, f"{exc.code}: {exc.message}")
    return DbusReplyError(ERROR_FAILED, f"internal error: {type(exc).__name__}")


def check_state(state: str, turn: int) -> None:
    """Raise ValueError unless `state` is one of `STATES` and `turn` fits a D-Bus ``u``."""
    if state not in STATES:
        raise ValueError(f"HMI state {state!r} is not one of {', '.join(STATES)}")
    if not 0 <= turn <= MAX_U32:
        raise ValueError(f"HMI turn {turn} is outside 0..{MAX_U32}")
