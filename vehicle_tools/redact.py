"""Log hygiene: driver data stays out of the logs unless the driver (or a developer) opted in.

Destinations, contact names, search words, what the driver said and what the car's services
report back (track titles, the contact being called, the route's destination) are personal.
Every log line in Cabin that could carry them goes through a `Redactor`:

- ``show_text=False`` (the default: ``privacy.log_text`` off and no ``--debug``): free text is
  replaced by a placeholder giving only its size (``<hidden: 2 words>``), so a line still tells
  what happened (``tool navigate_to {'destination': '<hidden: 2 words>'} -> ...``);
- ``show_text=True``: everything is logged as is.

Which tool arguments are free text is derived from each tool's pydantic argument model
(`free_text_fields`): a field whose type admits a plain ``str`` (not a ``Literal`` or an
``Enum``) is free text; numbers, booleans and enumerations are always shown. Reported state is
not typed that precisely, so every string in it is hidden.

This module is in `vehicle_tools` because the dispatcher and the D-Bus backend need it and
`vehicle_tools` never imports `daemon`; daemon/retention/privacy.py uses it for the event log lines.
"""

from __future__ import annotations

import enum
import traceback
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ValidationError

__all__ = ["Redactor", "free_text_fields", "hidden", "is_free_text"]

_SHOWN_CHARS = 80
"""At most this many characters of a rejected value go into a log detail."""
_MAX_DEPTH = 8
"""Containers nested deeper than this are hidden whole (a model may send anything)."""
_MIN_SCRUB_CHARS = 2
"""Free-text values shorter than this many characters are not scrubbed out of log details
(a one-letter value would blank out every occurrence of that letter)."""


def hidden(text: str) -> str:
    """The placeholder for `text`: its word count only (``<hidden: 3 words>``)."""
    words = len(text.split())
    return f"<hidden: {words} word{'' if words == 1 else 's'}>"


def is_free_text(annotation: object) -> bool:
    """True when a field of this type may hold free text: a plain ``str`` somewhere in it.

    ``Literal[...]`` and ``Enum`` types are closed sets (not free text); ``Annotated``,
    ``Optional``/unions and containers are looked through; ``Any``, ``object`` and nested models
    with a free-text field count as free text (unknown means private).
    """
    if annotation is str or annotation is typing.Any or annotation is object:
        return True
    if isinstance(annotation, type):
        return _is_free_class(annotation)
    origin = typing.get_origin(annotation)
    if origin is None or origin is typing.Literal:
        return False
    arguments = typing.get_args(annotation)
    if origin is typing.Annotated:
        return is_free_text(arguments[0])
    return any(is_free_text(arg) for arg in arguments if arg is not Ellipsis)  # unions, lists


def _is_free_class(cls: type) -> bool:
    if issubclass(cls, enum.Enum):
        return False
    if issubclass(cls, BaseModel):
        return bool(free_text_fields(cls))
    return issubclass(cls, str)


def free_text_fields(model: type[BaseModel]) -> frozenset[str]:
    """The names of `model`'s fields that may hold free text (see `is_free_text`)."""
    return frozenset(name for name, info in model.model_fields.items()
                     if is_free_text(info.annotation))


def _hide_strings(value: object, depth: int = 0) -> object:
    """`value` with every string in it (also inside dicts, lists and tuples) hidden; nesting
    deeper than `_MAX_DEPTH` is hidden whole."""
    if isinstance(value, str):
        return hidden(value)
    if isinstance(value, Mapping | list | tuple) and depth >= _MAX_DEPTH:
        return f"<hidden: {type(value).__name__}>"
    if isinstance(value, Mapping):
        return {key: _hide_strings(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_hide_strings(item, depth + 1) for item in value]
    return value


def _strings(value: object, depth: int = 0) -> list[str]:
    """Every string in `value` (also inside dicts, lists and tuples, down to `_MAX_DEPTH`),
    longest first."""
    found: list[str] = []
    if isinstance(value, str):
        found.append(value)
    elif depth >= _MAX_DEPTH:
        return found
    elif isinstance(value, Mapping):
        for item in value.values():
            found += _strings(item, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            found += _strings(item, depth + 1)
    return sorted(found, key=len, reverse=True)


def _shown(value: object) -> str:
    """A bounded repr of a rejected number or flag (an int of over 4300 digits has none)."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):
        return f"<unprintable {type(value).__name__}>"
    return text if len(text) <= _SHOWN_CHARS else f"{text[:_SHOWN_CHARS]}..."


@dataclass(frozen=True, slots=True)
class Redactor:
    """Decides what of the driver's data a log line may show.

    Attributes:
        show_text: True with ``privacy.log_text`` or ``--debug``: log everything as is.
    """

    show_text: bool = False

    def text(self, text: str) -> str:
        """What was said (a transcript, a reply, a model's output): itself or its word count."""
        return text if self.show_text else hidden(text)

    def args(self, args: Mapping[str, object],
             model: type[BaseModel] | None = None) -> dict[str, object]:
        """Tool arguments with their free-text fields hidden; without a `model` (arguments that
        did not validate), every string in them is hidden."""
        if self.show_text:
            return dict(args)
        if model is None:
            return {key: _hide_strings(value) for key, value in args.items()}
        free = free_text_fields(model)
        return {key: _hide_strings(value) if key in free or key not in model.model_fields
                else value for key, value in args.items()}

    def state(self, state: Mapping[str, object]) -> dict[str, object]:
        """Reported state (``destination``, ``contact``, track titles) with every string hidden;
        numbers and booleans are shown."""
        return dict(state) if self.show_text else {k: _hide_strings(v) for k, v in state.items()}

    def values(self, values: Sequence[object]) -> list[object]:
        """Positional values (a D-Bus call's arguments) with every string hidden."""
        return list(values) if self.show_text else [_hide_strings(v) for v in values]

    def detail(self, detail: str, *, private: object = (),
               cause: BaseException | None = None) -> str:
        """A technical detail for the log with the driver's text taken out.

        `private`: the raw arguments (or any value) whose strings must not appear: each is
        replaced by a placeholder wherever it occurs. `cause`: the exception behind the detail;
        a pydantic `ValidationError` is described again without the rejected strings.
        """
        if self.show_text:
            return detail
        if isinstance(cause, ValidationError):
            detail = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or '(args)'}: {err['msg']}"
                + ("" if isinstance(err.get("input"), str | Mapping | list | tuple)
                   else f" (got {_shown(err.get('input'))})")
                for err in cause.errors())
        for value in _strings(private):
            for form in {value, value.strip(), repr(value)[1:-1]}:
                if len(form) >= _MIN_SCRUB_CHARS:
                    detail = detail.replace(form, hidden(value))
        return detail

    def crash(self, exc: BaseException, *, private: object = ()) -> str:
        """A crash for the log: the traceback with the exception's message scrubbed (messages
        may quote arguments), or the whole traceback when text may be shown."""
        stack = "".join(traceback.format_tb(exc.__traceback__))
        message = self.detail(str(exc), private=private, cause=exc)
        return f"Traceback (most recent call last):\n{stack}{type(exc).__name__}: {message}"
