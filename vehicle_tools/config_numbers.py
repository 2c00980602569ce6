"""Numbers in a configuration are numbers: a YAML boolean or a quoted string is refused.

pydantic's lax mode turns ``silence_s: true`` into 1.0 and ``"0.7"`` into 0.7, so a slip in
cabin.yaml (``yes`` for a number, a value pasted in quotes) became a silently different setting
(issue 23 item 10). `number_problem` is a pure check of a raw value against a field's declared
type; `strict_numbers` is the ``field_validator("*", mode="before")`` body both section bases
use (daemon/config_base.py, vehicle_tools/config.py), so the error names the key.
"""

from __future__ import annotations

import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationInfo
from pydantic_core import PydanticCustomError

_NUMBERS = (int, float)
_SEQUENCES = (tuple, list, set, frozenset)


def _unwrap(annotation: Any) -> Any:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def _is_number(annotation: Any) -> bool:
    return _unwrap(annotation) in _NUMBERS


def _not_a_number(value: Any) -> str | None:
    if isinstance(value, bool):
        return f"must be a number, not a boolean ({str(value).lower()})"
    if isinstance(value, str):
        return "must be a number, not a string (write the number without quotes)"
    return None


def number_problem(annotation: Any, value: Any) -> str | None:
    """Why ``value`` is no number where ``annotation`` declares one (None when it is fine),
    e.g. ``"must be a number, not a boolean (true)"`` or ``"item 1 must be a number, ..."``.

    Looks through ``Annotated``, ``X | None``, sequences (``tuple[float, ...]``) and dicts.
    In a union that also allows strings (``str | int | None``) only a boolean is refused.
    """
    annotation = _unwrap(annotation)
    if annotation in _NUMBERS:
        return _not_a_number(value)
    if get_origin(annotation) in (Union, types.UnionType):
        members = [_unwrap(m) for m in get_args(annotation) if m is not type(None)]
        if len(members) == 1:
            return number_problem(members[0], value)
        if isinstance(value, bool) and bool not in members and any(map(_is_number, members)):
            what = "a number or a name" if str in members else "a number"
            return f"must be {what}, not a boolean ({str(value).lower()})"
        return None
    return _inner_problem(annotation, value)


def _inner_problem(annotation: Any, value: Any) -> str | None:
    """`number_problem` for the items of a sequence or the values of a dict."""
    origin, args = get_origin(annotation), get_args(annotation)
    items: list[tuple[str, Any, Any]] = []
    if origin in _SEQUENCES and isinstance(value, list | tuple) and args:
        fixed = origin is tuple and not (len(args) == 2 and args[1] is Ellipsis)
        items = [(f"item {i}", args[i] if fixed else args[0], item)
                 for i, item in enumerate(value) if not fixed or i < len(args)]
    elif origin is dict and isinstance(value, dict) and len(args) == 2:
        items = [(repr(key), args[1], item) for key, item in value.items()]
    for where, element, item in items:
        problem = number_problem(element, item)
        if problem:
            return f"{where} {problem}"
    return None


def strict_numbers(model: type[BaseModel], value: Any, info: ValidationInfo) -> Any:
    """``value`` unchanged, or PydanticCustomError ``number_expected`` for field ``info``."""
    field = model.model_fields.get(info.field_name or "")
    problem = number_problem(field.annotation, value) if field is not None else None
    if problem:
        raise PydanticCustomError("number_expected", "{problem}", {"problem": problem})
    return value
