"""The agent's compact output language: a GBNF grammar built from the registry, and its parser.

The model writes one of::

    set_temperature(celsius=21,zone=driver)     one tool call per line (up to max_calls)
    set_window(window=all,position_pct=0)
    none                                        no tool fits: the request is declined
    say Hello, I can drive the climate.         a short spoken answer

Calls are Python-like, not JSON: ~40% fewer generated tokens, and every generated token costs
the grammar check on top of the model step. The grammar enforces each argument's type, enum
and numeric range (llama-cpp-python's JSON-schema converter ignores minimum/maximum), so
whatever the model writes parses into tool calls the registry validates. One exception: any
number may be negative. A driver who says "minus 20" must never get +20 because the grammar
had no minus sign; the model copies "-20", the registry refuses it and the driver hears the
tool's range. (A positive number outside the range cannot be written: the model's in-range
value is then ungrounded and the agent speaks the range, `daemon/llm/verdict.py`.)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from daemon.llm.schema import ArgSpec, ToolSpec, spec_by_name
from daemon.llm.types import PlannedCall

MAX_SAY_CHARS = 400
"""Longest ``say`` answer the grammar allows, characters (the filter cuts shorter)."""
MAX_ENUMERATED = 300
"""Integer ranges up to this many values are spelled out; wider ones are digit strings."""
MAX_STRING = 80
"""Longest string argument the grammar allows, characters (validation has the real limit)."""


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _rule_name(*parts: str) -> str:
    return "-".join(re.sub(r"[^a-z0-9]+", "-", p.lower()).strip("-") for p in parts)


def _int_range(lo: int, hi: int) -> str:
    if hi - lo <= MAX_ENUMERATED:
        return " | ".join(_lit(str(v)) for v in range(lo, hi + 1))
    return '"-"? [0-9]{1,6}'


def _negative(lo: int, hi: int, *, fraction: bool) -> str:
    """Any negative number of up to one digit more than the range's widest limit ("-20" for
    a temperature of 16 to 28): the model can always copy a sign the driver said, and the
    registry refuses it with the tool's spoken range (never a positive number instead).
    Never "-0": that would be zero, a valid value nobody said."""
    more = min(len(str(max(abs(lo), abs(hi)))), 5)
    if not fraction:
        return f'"-" [1-9] [0-9]{{0,{more}}}'
    return f'"-" ([1-9] [0-9]{{0,{more}}} ("." [0-9])? | "0." [1-9])'


def _value(arg: ArgSpec) -> str:
    if arg.kind == "enum":
        return " | ".join(_lit(c) for c in arg.choices)
    if arg.kind == "bool":
        return '"true" | "false"'
    if arg.kind == "str":
        limit = min(arg.max_length, MAX_STRING)
        return f'"\\"" [^"\\\\\\n]{{1,{limit}}} "\\""'
    lo = math.floor(arg.minimum) if arg.minimum is not None else 0
    hi = math.floor(arg.maximum) if arg.maximum is not None else 999
    fraction = arg.kind == "float"
    in_range = f"({_int_range(lo, hi)})" + (' ("." [0-9])?' if fraction else "")
    if lo < 0 or hi - lo > MAX_ENUMERATED:  # the range's own rule writes negative numbers
        return in_range
    return f"{in_range} | {_negative(lo, hi, fraction=fraction)}"


def _args(tool: ToolSpec, rules: dict[str, str]) -> str:
    def one(arg: ArgSpec) -> str:
        name = _rule_name("v", tool.name, arg.name)
        rules[name] = _value(arg)
        return f'"{arg.name}=" {name}'

    required = [one(a) for a in tool.args if a.required]
    optional = [one(a) for a in tool.args if not a.required]
    if required:
        return ' "," '.join(required) + "".join(f' ("," {o})?' for o in optional)
    if not optional:
        return ""
    firsts = [o + "".join(f' ("," {later})?' for later in optional[i + 1:])
              for i, o in enumerate(optional)]
    return "(" + " | ".join(firsts) + ")"


def build_grammar(tools: tuple[ToolSpec, ...], max_calls: int = 3, *, free: bool = True) -> str:
    """The GBNF grammar of the output language for `tools` (see the module docstring).

    ``free=False`` allows calls only (no ``none``, no ``say``): the second, restricted try.
    """
    rules: dict[str, str] = {}
    calls = []
    for tool in tools:
        name = _rule_name("call", tool.name)
        args = _args(tool, rules)
        rules[name] = f'"{tool.name}(" {args} ")"' if args else f'"{tool.name}()"'
        calls.append(name)
    head = {
        "root": 'calls | "none" | "say " text' if free else "calls",
        "calls": "call" + (f' ("\\n" call){{0,{max_calls - 1}}}' if max_calls > 1 else ""),
        "call": " | ".join(calls),
        "text": f"[^\\n]{{1,{MAX_SAY_CHARS}}}",
    }
    return "\n".join(f"{k} ::= {v}" for k, v in {**head, **rules}.items()) + "\n"


@dataclass(frozen=True)
class Decision:
    """What the model's output says.

    Attributes:
        kind: ``calls``, ``say``, ``none`` (no tool fits), or ``malformed`` (not the output
            language: a cloud model's garbage, or output cut off by the token limit).
        calls: the parsed calls (``calls``).
        text: the answer (``say``) or what could not be parsed (``malformed``).
    """

    kind: Literal["calls", "say", "none", "malformed"]
    calls: tuple[PlannedCall, ...] = ()
    text: str = ""


_CALL = re.compile(r"^([a-z_]+)\((.*)\)$")
_ARG = re.compile(r'\s*([a-z_]+)\s*=\s*("[^"]*"|[^,]*)\s*(?:,|$)')


def _convert(arg: ArgSpec, raw: str) -> object:
    if raw.startswith('"'):
        value: object = raw[1:-1]
    elif raw in ("true", "false"):
        value = raw == "true"
    elif arg.kind in ("int", "float"):
        number = float(raw)
        value = int(number) if arg.kind == "int" and number.is_integer() else number
    else:
        value = raw
    return value


def parse_call(line: str, tools: tuple[ToolSpec, ...]) -> PlannedCall | None:
    """One ``name(arg=value,...)`` line as a call, or None when it is not one of `tools`."""
    match = _CALL.match(line.strip())
    spec = spec_by_name(tools, match.group(1)) if match else None
    if match is None or spec is None:
        return None
    body, args, pos = match.group(2), {}, 0
    while pos < len(body):
        arg_match = _ARG.match(body, pos)
        arg = spec.arg(arg_match.group(1)) if arg_match else None
        if arg_match is None or arg is None or arg_match.end() == pos:
            return None
        try:
            args[arg.name] = _convert(arg, arg_match.group(2).strip())
        except ValueError:
            return None
        pos = arg_match.end()
    return PlannedCall(spec.name, args)


def parse_output(text: str, tools: tuple[ToolSpec, ...]) -> Decision:
    """The model's whole output as a `Decision`."""
    stripped = text.strip()
    if stripped == "none":
        return Decision("none")
    if stripped.startswith("say "):
        answer = stripped[4:].strip()
        return Decision("say", text=answer) if answer else Decision("malformed", text=text)
    calls = [parse_call(line, tools) for line in stripped.splitlines() if line.strip()]
    if not calls or any(c is None for c in calls):
        return Decision("malformed", text=text)
    return Decision("calls", tuple(c for c in calls if c is not None))


def render_call(call: PlannedCall, tools: tuple[ToolSpec, ...]) -> str:
    """A call in the output language (few-shot examples); free-text arguments are quoted."""
    spec = spec_by_name(tools, call.name)

    def value(name: str, v: object) -> str:
        arg = spec.arg(name) if spec else None
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return f'"{v}"' if arg is None or arg.kind == "str" else v
        return f"{v:g}" if isinstance(v, float) else str(v)

    return f"{call.name}(" + ",".join(f"{k}={value(k, v)}" for k, v in call.args.items()) + ")"
