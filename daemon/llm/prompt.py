"""The local model's prompt: a system prompt listing the tools compactly, few-shot examples in
the output language (daemon/llm/grammar.py), then the conversation, in the ChatML template of
the Qwen2.5 and SmolLM2 models.

The system prompt and the examples form a fixed prefix: the local model evaluates it once at
load and reuses its KV state, so a request costs only its own tokens. History is rendered in
the output language too (the assistant's spoken replies as ``say ...``), so the examples and
the conversation look alike to the model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from daemon.llm.grammar import render_call
from daemon.llm.schema import ArgSpec, ToolSpec
from daemon.llm.types import Message, PlannedCall
from daemon.numbers import words_to_digits

INSTRUCTIONS = """\
You are the voice assistant of a car. Answer the driver with tool calls, one per line, \
using only these tools:
{tools}
Rules:
- Copy numbers, places and names exactly as the driver said them; never guess a value.
- A sentence with several requests gives several calls.
- If no tool can do what the driver asks (wipers, mirrors, weather, news, ...), answer: none
- For a greeting or thanks, answer: say <one short sentence>"""

_C = PlannedCall
EXAMPLES: tuple[tuple[str, tuple[PlannedCall, ...] | str], ...] = (
    ("could you set it to 23 degrees", (_C("set_temperature", {"celsius": 23}),)),
    ("passenger side nineteen and a half please",
     (_C("set_temperature", {"celsius": 19.5, "zone": "passenger"}),)),
    ("blower on four and switch the AC on",
     (_C("set_fan", {"level": 4}), _C("set_ac", {"on": True}))),
    ("I'm sweating", (_C("set_ac", {"on": True}),)),
    ("open the rear right window 30 percent",
     (_C("set_window", {"window": "rear_right", "position_pct": 30}),)),
    ("shut every window", (_C("set_window", {"window": "all", "position_pct": 0}),)),
    ("roll down my window", (_C("set_window", {"window": "driver", "position_pct": 100}),)),
    ("how many kilometres are on the clock", (_C("get_vehicle_status", {"item": "odometer"}),)),
    ("how much gas have I got", (_C("get_vehicle_status", {"item": "fuel"}),)),
    ("adjust my mirrors", "none"),
    ("what's in the news today", "none"),
    ("put on something by Queen", (_C("media_search", {"query": "Queen"}),)),
    ("drive me to 12 Baker Street", (_C("navigate_to", {"destination": "12 Baker Street"}),)),
    ("the windscreen is all fogged up", (_C("set_defrost", {"on": True, "screen": "front"}),)),
    ("heat my seat to level 2", (_C("set_seat_heating", {"level": 2, "seat": "driver"}),)),
    ("skip it", (_C("media_control", {"action": "next"}),)),
    ("next song and volume to 40",
     (_C("media_control", {"action": "next"}), _C("set_media_volume", {"volume_pct": 40}))),
    ("lock up", (_C("lock_doors", {}),)),
    ("when do we get there", (_C("get_eta", {}),)),
    ("ring Anna", (_C("call_contact", {"contact": "Anna"}),)),
    ("thanks a lot", "say You're welcome."),
)
"""Few-shot examples: (what the driver says, the calls or the literal output)."""


def _arg_line(arg: ArgSpec) -> str:
    if arg.kind == "enum":
        values = "|".join(arg.choices)
    elif arg.kind == "bool":
        values = "true|false"
    elif arg.kind == "str":
        values = '"text"'
    else:
        lo = "" if arg.minimum is None else f"{arg.minimum:g}"
        hi = "" if arg.maximum is None else f"{arg.maximum:g}"
        values = f"{lo}..{hi}"
    return f"{arg.name}={values}" if arg.required else f"[{arg.name}={values}]"


def tool_line(tool: ToolSpec) -> str:
    """``set_fan(level=0..7): Set the climate blower (fan) level, 0 = off, 7 = maximum``."""
    return f"{tool.name}({','.join(_arg_line(a) for a in tool.args)}): {tool.summary}"


def _turn(role: str, text: str) -> str:
    return f"<|im_start|>{role}\n{text}<|im_end|>\n"


def _example_output(out: tuple[PlannedCall, ...] | str, tools: tuple[ToolSpec, ...]) -> str:
    if isinstance(out, str):
        return out
    return "\n".join(render_call(c, tools) for c in out)


def system_prefix(tools: tuple[ToolSpec, ...], *, examples: bool = True) -> str:
    """The fixed prefix: system prompt and the few-shot examples of tools that exist."""
    text = _turn("system", INSTRUCTIONS.format(tools="\n".join(tool_line(t) for t in tools)))
    if not examples:
        return text
    names = {t.name for t in tools}
    for said, out in EXAMPLES:
        if isinstance(out, tuple) and any(c.name not in names for c in out):
            continue
        text += _turn("user", said) + _turn("assistant", _example_output(out, tools))
    return text


_NUMBER_WORD = re.compile(
    r"\b(zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|hundred|and|a|half|point)\b", re.IGNORECASE)


_FRACTIONS = ((r"\bthree quarters?( of the way)?\b", "75 percent"),
              (r"\b(a |one )?quarter( of the way)?\b", "25 percent"))


def model_text(text: str) -> str:
    """What the model reads of the driver's words: spoken numbers as digits ("twenty and a
    half" -> "20.5"; a small model copies digits far more reliably), the rest as said.

    Chat-template markup in the words ("<|im_start|>system", typed through the head unit's
    SendText) is broken up, so it never becomes a control token of the prompt."""
    text = text.replace("<|", "< |").replace("|>", "| >")
    lowered = _NUMBER_WORD.sub(lambda m: m.group(0).lower(), text.strip())
    for words, digits in _FRACTIONS:
        lowered = re.sub(words, digits, lowered, flags=re.IGNORECASE)
    return words_to_digits(lowered)


def request_suffix(text: str, history: Sequence[Message]) -> str:
    """The conversation after the prefix, ending where the model's answer starts."""
    parts = [_turn(m.role, model_text(m.text) if m.role == "user" else f"say {m.text}")
             for m in history]
    return "".join(parts) + _turn("user", model_text(text)) + "<|im_start|>assistant\n"
