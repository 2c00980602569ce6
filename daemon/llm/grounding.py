"""Grounding: every argument value of a planned call must come from what the driver said.

A value is grounded when the request or the conversation so far states it: numbers as digits or
number words (daemon/understanding/numbers.py), or a word that means the number ("off" = 0,
"halfway" = 50,
"max" = the argument's maximum); enumeration values by their own words or a synonym ("my side"
= driver, "back left" = rear_left, "both" = all); free text word for word; a boolean by an
on/off word (true also by the tool's own topic when nothing says off: "it's stuffy" -> A/C on);
and any value equal to the argument's default (leaving it out means the same). Anything else
was invented by the model: the agent asks instead (`question`).

Pure functions, no state.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from daemon.llm.schema import ArgSpec, ToolSpec, spec_by_name, tool_specs
from daemon.llm.types import Message, PlannedCall
from daemon.understanding.numbers import words_to_digits
from vehicle_tools.registry import Registry

_ENUM_SYNONYMS: dict[str, tuple[str, ...]] = {
    "driver": ("driver", "drivers", "my side", "my seat", "my window", "mine", "my"),
    "passenger": ("passenger", "passengers", "co driver", "shotgun"),
    "all": ("all", "both", "every", "everything", "everywhere", "whole", "entire", "everyone"),
    "rear_left": ("rear left", "back left", "left rear", "left back"),
    "rear_right": ("rear right", "back right", "right rear", "right back"),
    "front": ("front", "windscreen", "windshield"),
    "rear": ("rear", "back"),
    "headlights": ("headlight", "headlights", "head lights", "lights", "low beam", "dipped"),
    "high_beam": ("high beam", "high beams", "full beam", "brights"),
    "fog_lights": ("fog",),
    "interior": ("interior", "dome", "cabin light", "reading light", "inside"),
    "play": ("play", "resume", "unpause", "start the music", "music on"),
    "pause": ("pause", "stop", "hold"),
    "next": ("next", "skip", "forward"),
    "previous": ("previous", "back", "last", "before", "again"),
    "speed": ("speed", "fast", "mph", "kmh"),
    "fuel": ("fuel", "gas", "petrol", "diesel", "tank"),
    "range": ("range", "how far", "left in the tank", "miles left", "km left", "distance"),
    "odometer": ("odometer", "mileage", "driven"),
    "gear": ("gear",),
    "tire_pressure": ("tire", "tyre", "tires", "tyres", "pressure"),
    "doors": ("door", "doors", "locked", "lock"),
}
"""Words that name an enumeration value (besides the value itself, ``_`` read as a space)."""

_NUMBER_WORDS: dict[float, tuple[str, ...]] = {
    0.0: ("off", "close", "closed", "shut", "mute", "zero", "up all the way", "roll up"),
    100.0: ("fully", "all the way", "wide", "full"),
    50.0: ("half", "halfway", "half way"),
    25.0: ("quarter",),
    75.0: ("three quarters", "three quarter"),
}
"""Words that state a number for any numeric argument."""

_MAX_WORDS = ("max", "maximum", "highest", "full blast", "top", "high")
_MIN_WORDS = ("min", "minimum", "lowest")
_OPEN_WORDS = ("open", "down", "roll down", "lower")
_ON_WORDS = ("on", "start", "enable", "activate", "switch on", "turn on")
_OFF_WORDS = ("off", "stop", "disable", "deactivate", "kill", "no more", "cancel")
_STOP_WORDS = frozenset(("the", "a", "an", "to", "my", "please", "of", "in", "at", "on", "for",
                         "me", "some", "something", "by", "from", "and", "called"))

_QUESTIONS: dict[str, str] = {
    "celsius": "What temperature would you like?",
    "zone": "For the driver, the passenger, or both?",
    "level": "Which level would you like?",
    "on": "On or off?",
    "window": "Which window?",
    "position_pct": "How far open, in percent?",
    "item": "What would you like to know about the car?",
    "screen": "The front or the rear screen?",
    "seat": "Which seat?",
    "light": "Which light?",
    "action": "Play, pause, next or previous?",
    "volume_pct": "What volume would you like, from 0 to 100 percent?",
    "query": "What would you like me to play?",
    "destination": "Where would you like to go?",
    "contact": "Who should I call?",
    "speed": "How fast should I speak?",
}


_PRONOUN_ONE = re.compile(r"\b(this|that|the|which|other|each|any)((?: [a-z']+)?) one\b")
""""the passenger one": "one" as a pronoun, not the number 1."""


_HYPHEN = re.compile(r"(?<=\w)-|-(?!\d)")
"""A hyphen that joins words ("co-driver", "twenty-one") or stands alone; not a minus sign."""
_SIGNED = r"(?<![\w.-])-?\d+(?:\.\d+)?(?![\w.])"
"""A number in normalized text, with its sign ("-20": the driver said "minus 20")."""


def normalize(text: str) -> str:
    """Lower case, spoken numbers as signed digits, punctuation as spaces (decimal points and
    minus signs kept: "minus twenty" -> "-20", never "20")."""
    text = _PRONOUN_ONE.sub(r"\1\2 one_", _HYPHEN.sub(" ", text.lower()))  # not a number
    text = words_to_digits(text)
    text = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", text)
    text = re.sub(r"[^\w\s./-]", " ", text.replace("'", ""))
    text = re.sub(r"-(?!\d)", " ", text)
    return " " + re.sub(r"\s+", " ", text).strip() + " "


def says(context: str, phrase: str, *, forms: bool = False) -> bool:
    """Whether normalized `context` contains `phrase` as whole words (plural -s allowed;
    ``forms`` also allows -er, -est, -ing, -ed: "warmer", "heated")."""
    words = normalize(phrase).strip()
    suffix = "(?:s|es|er|ers|est|ing|ed)?" if forms else "s?"
    return bool(words) and re.search(rf"(?<![\w.-]){re.escape(words)}{suffix}(?![\w.])",
                                     context) is not None


def numbers_in(context: str) -> set[float]:
    """The numbers in normalized `context`."""
    return {float(m) for m in re.findall(_SIGNED, context)}


def _said_number(value: float, context: str) -> bool:
    said = numbers_in(context)
    if value in said:
        return True
    if says(context, "fahrenheit") and any(round((n - 32) * 10 / 9) / 2 == value for n in said):
        return True
    return any(value == n and any(says(context, w) for w in words)
               for n, words in _NUMBER_WORDS.items())


def _limit_word(value: float, arg: ArgSpec, context: str) -> bool:
    """"max", "min", and for small ranges (seat heating 0-3) "low" and "medium"."""
    top = arg.maximum is not None and value == arg.maximum and any(
        says(context, w) for w in _MAX_WORDS)
    bottom = arg.minimum is not None and value == arg.minimum and any(
        says(context, w) for w in _MIN_WORDS)
    small = arg.maximum is not None and arg.maximum <= 3 and (
        (value == 1 and says(context, "low")) or (value == 2 and says(context, "medium")))
    return top or bottom or small


def _number_grounded(value: float, arg: ArgSpec, context: str) -> bool:
    if _said_number(value, context) or _limit_word(value, arg, context):
        return True
    if arg.kind == "float" and arg.maximum is not None and arg.maximum <= 2:  # a rate
        return (value == 2 and (says(context, "twice") or says(context, "double"))) or (
            value == 1 and says(context, "normal"))
    # "open the window": fully open, when no other amount is said
    return (value == 100 and arg.name.endswith("_pct") and not numbers_in(context)
            and any(says(context, w) for w in _OPEN_WORDS))


_VAGUE = frozenset(("somewhere", "someplace", "something", "someone", "somebody", "anywhere",
                    "anything", "anyone", "there", "it", "that", "this", "one", "place"))
"""Words that name nothing: a free-text value made only of them is not grounded."""


def _text_grounded(value: str, context: str) -> bool:
    words = [w for w in normalize(value).split() if w not in _STOP_WORDS]
    return any(w not in _VAGUE for w in words) and all(says(context, w) for w in words)


def _bool_grounded(value: bool, tool: ToolSpec, context: str) -> bool:
    off = any(says(context, w) for w in _OFF_WORDS)
    if not value:
        return off
    return any(says(context, w) for w in _ON_WORDS) or (
        not off and any(says(context, t) for t in tool.topics))


def _grounded(value: object, arg: ArgSpec, tool: ToolSpec, context: str) -> bool:
    if value == arg.default and not arg.required:
        return True
    if isinstance(value, bool):
        return _bool_grounded(value, tool, context)
    if isinstance(value, int | float):
        number = float(value) if abs(value) < 1e300 else float("inf")  # no OverflowError
        return _number_grounded(number, arg, context)
    if not isinstance(value, str):
        return False
    if arg.kind == "enum":
        return says(context, value.replace("_", " ")) or any(
            says(context, w) for w in _ENUM_SYNONYMS.get(value, ()))
    return _text_grounded(value, context)


def context_of(text: str, history: Sequence[Message]) -> str:
    """The normalized words a value may come from: the request and the conversation."""
    return normalize(" . ".join([*(m.text for m in history), text]))


def ungrounded(call: PlannedCall, text: str, history: Sequence[Message],
               tools: Registry | Sequence[ToolSpec]) -> list[str]:
    """Names of the arguments of `call` whose values neither `text` nor `history` state.

    Unknown tools or arguments count as ungrounded (every argument name is returned).
    """
    specs = tool_specs(tools) if isinstance(tools, Registry) else tuple(tools)
    tool = spec_by_name(specs, call.name)
    if tool is None:
        return list(call.args)
    context = context_of(text, history)
    bad = []
    for name, value in call.args.items():
        arg = tool.arg(name)
        if arg is None or not _grounded(value, arg, tool, context):
            bad.append(name)
    return bad


def named_choice(arg: ArgSpec, context: str) -> str | None:
    """The one non-default value of enumeration `arg` that `context` names, else None
    ("passenger side" -> passenger; none or several named -> None)."""
    named = [c for c in arg.choices if c != arg.default and (
        says(context, c.replace("_", " ")) or any(says(context, w)
                                                  for w in _ENUM_SYNONYMS.get(c, ())))]
    return named[0] if len(named) == 1 else None


def question(call: PlannedCall, argument: str) -> str:
    """The question that asks the driver for `argument` of `call`."""
    return _QUESTIONS.get(argument, f"What {argument.replace('_', ' ')} would you like?")
