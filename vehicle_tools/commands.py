"""What a tool asks a backend to do: a CAN frame, a D-Bus call or property write, a setting.

These are plain, frozen descriptions built from VALIDATED arguments; the backends turn them into
bus traffic. Nothing here touches a bus.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from vehicle_tools.state import SignalValue

BackendKind = Literal["can", "dbus", "local"]
"""Which backend runs a tool: the CAN bus, D-Bus services, or Cabin's own settings."""

DbusService = Literal["media", "navigation", "phone"]
"""The D-Bus services Cabin talks to (bus names and paths in `vehicle_tools.dbus_api`)."""


def _no_errors() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class CommandFrame:
    """One frame to send: a DBC message name and its signal values (DBC units or VAL_ names)."""

    message: str
    signals: Mapping[str, SignalValue]


@dataclass(frozen=True, slots=True)
class DbusCall:
    """One D-Bus method call.

    Attributes:
        service: which service (``media``, ``navigation``, ``phone``).
        interface: the D-Bus interface of the method.
        member: the method name.
        signature: the D-Bus signature of ``args`` (``"s"``; ``""`` for none).
        args: the arguments, matching ``signature``.
        errors: D-Bus error name -> the sentence to speak when the service answers with it
            (``org.cabin.Phone1.Error.UnknownContact`` -> "I couldn't find Bob in your
            contacts."); the backend raises ToolError ``not_found`` with it.
    """

    service: DbusService
    interface: str
    member: str
    signature: str = ""
    args: tuple[str | int | float | bool, ...] = ()
    errors: Mapping[str, str] = field(default_factory=_no_errors)


@dataclass(frozen=True, slots=True)
class DbusSet:
    """One D-Bus property write (``org.freedesktop.DBus.Properties.Set``).

    Attributes:
        service: which service.
        interface: the interface owning the property.
        prop: the property name (``Volume``).
        signature: the property's D-Bus type (``"d"``).
        value: the new value, in the property's own unit (MPRIS Volume: 0.0 to 1.0).
    """

    service: DbusService
    interface: str
    prop: str
    signature: str
    value: str | int | float | bool


@dataclass(frozen=True, slots=True)
class SettingChange:
    """A change to one of Cabin's own settings (``voice.speed``), in the setting's unit."""

    key: str
    value: float | int | str


Command = CommandFrame | DbusCall | DbusSet | SettingChange
"""Anything a tool may ask a backend to do."""
