"""From a parsed command to a tool call the driver asked for, or one short question.

`resolve` applies what the declaration says about the arguments of a `Parse`:

- degrees Fahrenheit said ("72 degrees fahrenheit") are converted to degrees C (rounded to
  0.5) and the conversion is said back; a number said with no unit that only makes sense in
  Fahrenheit ("make it 68") is converted the same way, when the result is one the tool takes;
- relative changes ("a bit warmer", "turn the fan up", "two degrees cooler") are added to the
  value the car last reported; with no report, Cabin says so instead of guessing;
- an argument the tool requires that was neither said, implied nor defaulted is asked for
  ("Which window?"), never guessed.

Pure: the car's state comes in as a mapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol, get_origin

from daemon.understanding.parse import Parse
from vehicle_tools.language import ArgValue, Language
from vehicle_tools.registry import Registry


@dataclass(frozen=True)
class Call:
    """A tool call, ready for the dispatcher.

    Attributes:
        tool: the tool's name.
        args: its arguments, in the tool's units.
        note: said before the tool's reply ("72 Fahrenheit is 22 degrees."), or "".
    """

    tool: str
    args: Mapping[str, ArgValue]
    note: str = ""


@dataclass(frozen=True)
class Question:
    """One short question back instead of a guess.

    Attributes:
        text: what to ask ("Which window?").
        tool: the tool the answer completes.
        args: the arguments known so far.
        missing: the argument the answer fills.
        then: the commands said after the one asked about ("seat heating off and the
            demister": the demister), run in order once the answer completes it.
    """

    text: str
    tool: str
    args: Mapping[str, ArgValue] = field(default_factory=dict)
    missing: str = ""
    then: tuple[Call, ...] = ()


@dataclass(frozen=True)
class Unable:
    """The request was understood but cannot be carried out as said (no reading to be
    relative to): the spoken reason."""

    text: str


def _bounds(registry: Registry, tool: str, arg: str) -> tuple[float, float] | None:
    info = registry.get(tool).args_model.model_fields.get(arg)
    if info is None:
        return None
    low = high = None
    for meta in info.metadata:
        low = getattr(meta, "ge", low) if getattr(meta, "ge", None) is not None else low
        high = getattr(meta, "le", high) if getattr(meta, "le", None) is not None else high
    return None if low is None or high is None else (float(low), float(high))


def _to_celsius(fahrenheit: float) -> float:
    return round((fahrenheit - 32.0) * 5.0 / 9.0 * 2.0) / 2.0


def _say(value: float) -> str:
    return f"{value:g}"


def _state_key(keys: Mapping[str, str], arg: str, args: Mapping[str, ArgValue]) -> str | None:
    for key, state_key in keys.items():
        name, _, condition = key.partition(":")
        if name == arg and condition:
            other, _, wanted = condition.partition("=")
            if str(args.get(other)) == wanted:
                return state_key
    return keys.get(arg)


def _typed(registry: Registry, tool: str, arg: str, value: ArgValue) -> ArgValue:
    """``value`` as the argument's declared type: a whole number for an ``int`` argument, a
    float for a ``float`` one (the argument models are strict)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    info = registry.get(tool).args_model.model_fields.get(arg)
    annotation = None if info is None else info.annotation
    if annotation in (int, int | None) and float(value).is_integer():
        return int(value)
    if annotation in (int, int | None):
        return round(value)
    if annotation in (float, float | None):
        return float(value)
    return value


class Readings(Protocol):
    """What the car last reported, by state key (a mapping will do)."""

    def get(self, key: str, /) -> object:
        """The value of ``key``, or None."""


@dataclass(frozen=True)
class _After:
    """Readings with the values a call will set."""

    changed: Mapping[str, object]
    before: Readings

    def get(self, key: str, /) -> object:
        return self.changed[key] if key in self.changed else self.before.get(key)


def after_call(call: Call, language: Language, state: Readings | None) -> Readings | None:
    """``state`` as the car will report it once ``call`` ran, for a step said after it
    ("louder, then louder again": 50, then 60); only the keys of the arguments the call
    sets (`Language.state_keys`)."""
    if state is None:
        return None
    changed = {key: value for name, value in call.args.items()
               if (key := _state_key(language.state_keys, name, call.args)) is not None
               and isinstance(value, int | float) and not isinstance(value, bool)}
    return _After(changed, state) if changed else state


def resolve(parse: Parse, registry: Registry,
            state: Readings | None = None) -> Call | Question | Unable:
    """The call ``parse`` asks for, a question for what is missing, or why it cannot be done."""
    block, language = parse.block.sentences, parse.block.language
    args: dict[str, ArgValue] = dict(parse.args)
    notes: list[str] = []
    for arg in block.fahrenheit:
        value = args.get(arg)
        if isinstance(value, int | float) and not isinstance(value, bool):
            args[arg] = _to_celsius(float(value))
            notes.append(f"{_say(float(value))} Fahrenheit is {_say(float(args[arg]))} degrees.")
    for arg, above in language.fahrenheit_above.items():
        value = args.get(arg)
        bounds = _bounds(registry, parse.tool, arg)
        if (arg in parse.said and arg not in block.fahrenheit and block.relative != arg
                and isinstance(value, int | float) and value > above and bounds is not None
                and bounds[0] <= _to_celsius(float(value)) <= bounds[1]):
            args[arg] = _to_celsius(float(value))
            notes.append(f"{_say(float(value))} Fahrenheit is {_say(float(args[arg]))} degrees.")
    if block.relative is not None:
        step = args.get(block.relative)
        key = _state_key(language.state_keys, block.relative, args)
        current = None if state is None or key is None else state.get(key)
        if not isinstance(current, int | float) or isinstance(current, bool):
            return Unable("I don't have a reading to change that from yet. Please say the "
                          "value you want.")
        assert isinstance(step, int | float)
        args[block.relative] = _typed(registry, parse.tool, block.relative,
                                      float(current) + float(step))
    doubtful = set(parse.doubtful) | _against_the_step(parse, args, state) \
        | _step_or_value(parse, args, registry)
    for name in sorted(doubtful):
        args.pop(name, None)  # asked again below, never acted on as heard
    return complete(parse.tool, args, registry, " ".join(notes))


def _step_or_value(parse: Parse, args: Mapping[str, ArgValue], registry: Registry) -> set[str]:
    """A step said as a bare number that takes the value past its limits while the number
    itself is a value the tool takes ("fan up 6" with the fan at 3: level 6, or 6 more?):
    asked for, never guessed; "up by 6" is a step and refused as out of range."""
    name = parse.block.sentences.relative
    if name is None or name not in parse.said or "by" in parse.text.split():
        return set()
    step, value = parse.args.get(name), args.get(name)
    bounds = _bounds(registry, parse.tool, name)
    if bounds is None or not isinstance(step, int | float) or isinstance(step, bool) \
            or not isinstance(value, int | float) or isinstance(value, bool):
        return set()
    low, high = bounds
    current = float(value) - float(step)
    as_value = abs(float(step))  # the value it would be, the way the step goes ("fan down 4"
    toward = (as_value - current) * float(step) > 0  # at 3 is no level 4: refused as said)
    return {name} if not low <= float(value) <= high and low <= as_value <= high and toward \
        else set()


def _against_the_step(parse: Parse, args: Mapping[str, ArgValue],
                      state: Readings | None) -> set[str]:
    """The numbers of a refinement that go the other way from the step it refines ("turn the
    fan up ... about 2" with the fan at 3): asked for, never acted on; a number with no
    reading to compare with is taken as said."""
    if not parse.toward:
        return set()
    keys = parse.block.language.state_keys
    found = set()
    for name in parse.said:
        value, key = args.get(name), _state_key(keys, name, args)
        current = None if state is None or key is None else state.get(key)
        if isinstance(value, int | float) and isinstance(current, int | float) \
                and not isinstance(value, bool) and not isinstance(current, bool) \
                and (float(value) - float(current)) * parse.toward < 0:
            found.add(name)
    return found


def complete(tool: str, said: Mapping[str, ArgValue], registry: Registry,
             note: str = "") -> Call | Question:
    """The call with ``said`` typed as the tool declares and its default choices filled in
    (said in the reply: "for all zones"), or the question for the first required argument
    that is missing."""
    args = {name: _typed(registry, tool, name, value) for name, value in said.items()}
    model = registry.get(tool).args_model
    language = registry.get(tool).language
    asked = language.asked_unnamed if language is not None else frozenset()
    for name, info in model.model_fields.items():
        if (info.is_required() or name in asked) and name not in args:
            asks = language.ask if language is not None else {}
            return Question(asks.get(name, f"Which {name.replace('_', ' ')}?"), tool, args, name)
        if name not in args and get_origin(info.annotation) is Literal:
            args[name] = info.default  # the declared default choice, said in the reply
    return Call(tool, args, note)
