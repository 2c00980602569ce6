"""The local model's prompt: a system prompt listing the tools compactly, few-shot examples in
the output language (daemon/llm/grammar.py), then the conversation, in the ChatML template of
the Qwen2.5 and SmolLM2 models. The examples come from the tools' declarations
(``Language.model_examples`` next to each tool): only the answers that are no tool's live here.

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
from daemon.understanding.numbers import words_to_digits

INSTRUCTIONS = """\
You are the voice assistant of a car. Answer the driver with tool calls, one per line, \
using only these tools:
{tools}
Rules:
- Copy numbers, places and names exactly as the driver said them; never guess a value.
- A sentence with several requests gives several calls.
- If no tool can do what the driver asks (wipers, mirrors, weather, news, ...), answer: none
- For a greeting or thanks, answer: say <one short sentence>"""

OTHER_EXAMPLES: tuple[tuple[str, str], ...] = (
    ("adjust my mirrors", "none"),
    ("what's in the news today", "none"),
    ("thanks a lot", "say You're welcome."),
)
"""Examples of the answers that are no tool's (a request no tool serves, small talk)."""
TOGETHER: tuple[tuple[str, str], ...] = (("set_fan", "set_ac"),
                                         ("media_control", "set_media_volume"))
"""Pairs of tools whose first examples, joined by "and", show several calls in one sentence."""


def few_shot(tools: tuple[ToolSpec, ...]) -> tuple[tuple[str, tuple[PlannedCall, ...] | str],
                                                     ...]:
    """The few-shot examples, derived from the tools' declarations (`ToolSpec.examples`, from
    ``Language.model_examples``): each tool's in declaration order, then the pairs of
    `TOGETHER` that exist, then `OTHER_EXAMPLES`."""
    found: list[tuple[str, tuple[PlannedCall, ...] | str]] = [
        (said, (PlannedCall(tool.name, dict(args)),))
        for tool in tools for said, args in tool.examples]
    by_name = {tool.name: tool for tool in tools}
    for first, second in TOGETHER:
        pair = [by_name.get(first), by_name.get(second)]
        if all(tool is not None and tool.examples for tool in pair):
            said = " and ".join(tool.examples[0][0] for tool in pair if tool is not None)
            found.append((said, tuple(PlannedCall(tool.name, dict(tool.examples[0][1]))
                                      for tool in pair if tool is not None)))
    return (*found, *OTHER_EXAMPLES)


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
    for said, out in few_shot(tools):
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
