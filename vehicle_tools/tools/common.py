"""Small helpers shared by the tool declarations."""

from __future__ import annotations

from vehicle_tools.errors import ToolError


def missing(what: str) -> ToolError:
    """The ``not_available`` error for a value the car (or service) has not reported."""
    return ToolError("not_available", f"The car has not reported the {what} yet.",
                     f"{what}: no status reading")


def on_off(on: bool) -> str:
    """The VAL_ name of a boolean request signal: ``ON`` or ``OFF``."""
    return "ON" if on else "OFF"


def number(value: float | int | str | bool) -> str:
    """A number as it should be spoken: 21 rather than 21.0."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def spoken_text(value: str) -> str:
    """Validate free text headed for a service (a destination, a contact, a search).

    Strips surrounding whitespace; refuses control characters and lone surrogates (D-Bus
    strings are valid UTF-8 without NUL) and text that is empty once stripped.
    """
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    if any(ord(c) < 0x20 or ord(c) == 0x7F or 0xD800 <= ord(c) <= 0xDFFF for c in value):
        raise ValueError("must not contain control characters")
    return value
