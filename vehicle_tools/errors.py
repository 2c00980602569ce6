"""Typed errors of the vehicle tools.

A `ToolError` carries a stable ``code`` (what the event log records and tests assert on), a
``message`` written to be SPOKEN to the driver, and a ``detail`` for the log. The dispatcher
turns every `ToolError` into a failed `ToolResult`; nothing here ever reaches the caller as an
exception.
"""

from __future__ import annotations

from typing import Literal

ErrorCode = Literal[
    "unknown_tool",
    "invalid_arguments",
    "not_allowed",
    "needs_confirmation",
    "bus_unavailable",
    "no_confirmation",
    "not_available",
    "rate_limited",
    "cancelled",
    "service_unavailable",
    "timeout",
    "not_found",
    "dbc_invalid",
    "internal_error",
]
"""Every code a `ToolError` may carry.

- ``unknown_tool``: no tool of that name is registered.
- ``invalid_arguments``: arguments of the wrong type, missing, unknown or out of range.
- ``not_allowed``: the tool's policy forbids it in the current driving state.
- ``needs_confirmation``: the tool must be confirmed by the driver before it runs.
- ``bus_unavailable``: the CAN bus cannot be opened or a frame cannot be sent.
- ``no_confirmation``: the car did not report the change within the response timeout.
- ``not_available``: the car has not (recently) reported the value asked for (or a reading the
  policy needs, such as gear and speed).
- ``rate_limited``: the tool already ran as often as its policy allows in the time window.
- ``cancelled``: the driver declined the confirmation question; nothing was sent.
- ``service_unavailable``: the D-Bus bus or the service behind a tool is not reachable.
- ``timeout``: a D-Bus service did not answer within the call timeout.
- ``not_found``: a service answered that the thing asked for does not exist (an unknown
  contact, destination or song).
- ``dbc_invalid``: the DBC file is missing, unreadable, or lacks a signal a tool drives.
- ``internal_error``: a bug; the detail has the traceback summary.
"""


class ToolError(Exception):
    """A vehicle tool failed in a way the driver should hear about.

    Attributes:
        code: stable machine-readable identifier (see `ErrorCode`).
        message: a short sentence to speak to the driver.
        detail: technical detail for the log (signal names, values, exception text).
    """

    def __init__(self, code: ErrorCode, message: str, detail: str = "") -> None:
        super().__init__(f"{code}: {message}" + (f" ({detail})" if detail else ""))
        self.code: ErrorCode = code
        self.message = message
        self.detail = detail
