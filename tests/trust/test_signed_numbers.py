"""Numbers keep their sign (issue 23, item 3): "set the temperature to minus 20" is -20, never +20.

Over every spoken form ("minus", "negative", "below zero", "-20", "−20") the sign survives
`words_to_digits`, the fast path, the model's grammar and parser, and the grounding check; an
out-of-range value is answered with the tool's spoken range, never clamped or flipped.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from daemon.hearing.biasing import build_vocabulary
from daemon.llm.grammar import Decision, build_grammar, parse_call, render_call
from daemon.llm.grounding import normalize, numbers_in, ungrounded
from daemon.llm.prompt import model_text
from daemon.llm.schema import tool_specs
from daemon.llm.types import PlannedCall
from daemon.llm.verdict import Checker, Request
from daemon.understanding.intents import ParsedIntent, parse
from daemon.understanding.numbers import words_to_digits
from tests.trust.spoken import grammar_allows, signed_forms
from vehicle_tools.tools import default_registry

REGISTRY = default_registry()
TOOLS = tool_specs(REGISTRY)
USAGE = REGISTRY.get("set_temperature").usage
""""I can set the temperature from 16 to 28 degrees, for the driver, the passenger or both."."""

halves = st.integers(-80, 240).map(lambda n: n / 2)
"""Integers and halves in [-40, 120]."""
negatives = halves.filter(lambda v: v < 0)


@pytest.mark.parametrize(("spoken", "digits"), [
    ("set the temperature to minus 20", "set the temperature to -20"),
    ("set the temperature to minus twenty", "set the temperature to -20"),
    ("negative twenty", "-20"),
    ("twenty below zero", "-20"),
    ("twenty degrees below zero", "-20 degrees"),
    ("-20", "-20"),
    ("\u221220", "-20"),
    ("minus twenty two and a half", "-22.5"),
    ("minus 22 and a half", "-22.5"),
    ("-22 and a half", "-22.5"),
    ("minus twenty two point five", "-22.5"),
    ("set it to minus 20.", "set it to -20."),
    ("minus twenty, please", "-20, please"),
    ("minus 20 below zero", "-20"),  # still below zero: never flipped to +20
    ("-20°c", "-20 degrees"),
    ("68°f", "68 degrees fahrenheit"),  # the unit is kept: 68 °F is not 68 °C
    ("the minus button", "the minus button"),  # a sign word without a number stays a word
])
def test_words_to_digits_keeps_the_sign(spoken: str, digits: str) -> None:
    assert words_to_digits(spoken) == digits


@pytest.mark.parametrize("text", [
    "set the temperature to minus 20", "Set the temperature to minus 20.",
    "set the temperature to negative twenty", "set the temperature to twenty below zero",
    "set the temperature to -20", "set the temperature to minus twenty degrees",
])
def test_the_fast_path_keeps_the_sign(text: str) -> None:
    assert _celsius(parse(text)) == -20.0


def test_a_fahrenheit_sign_is_converted_with_its_unit() -> None:
    assert _celsius(parse("set the temperature to 68°F")) == 20.0
    assert _celsius(parse("set the temperature to minus 4 fahrenheit")) == -20.0


def _celsius(intent: ParsedIntent | None) -> object:
    assert intent is not None and intent.name == "set_temperature", intent
    return intent.args.get("celsius")


@settings(max_examples=300, deadline=None)
@given(value=halves, half=st.sampled_from(["and a half", "point five"]),
       hundred=st.sampled_from(["one", "a"]), data=st.data())
def test_every_spoken_form_round_trips_to_its_signed_value(
        value: float, half: str, hundred: str, data: st.DataObject) -> None:
    form = data.draw(st.sampled_from(signed_forms(value, half=half, hundred=hundred)))
    digits = words_to_digits(form).replace(" degrees", "")
    assert float(digits) == value, (form, digits)


@settings(max_examples=300, deadline=None)
@given(value=halves, data=st.data())
def test_the_fast_path_temperature_never_loses_the_sign(value: float, data: st.DataObject) -> None:
    """Below zero the value is exact; above it the sign is kept (a number only Fahrenheit
    makes sense of, "make it 68", may be converted and said back: still above zero)."""
    form = data.draw(st.sampled_from(signed_forms(value)))
    celsius = _celsius(parse(f"set the temperature to {form}"))
    assert isinstance(celsius, int | float), form
    if value <= 0:
        assert celsius == value, form
    else:
        assert celsius > 0, form


@settings(max_examples=200, deadline=None)
@given(value=negatives, data=st.data())
def test_the_model_reads_the_sign_the_driver_said(value: float, data: st.DataObject) -> None:
    """The model's prompt carries the sign as digits ("Minus twenty" -> "-20")."""
    form = data.draw(st.sampled_from(signed_forms(value)))
    said = model_text(f"Set the temperature to {form[0].upper()}{form[1:]}")
    assert f"{value:g}" in said.split(), said


GRAMMAR = build_grammar(TOOLS)


@pytest.mark.parametrize(("name", "arg"), [(t.name, a.name) for t in TOOLS for a in t.args
                                           if a.kind in ("int", "float")])
def test_the_grammar_lets_every_number_be_negative(name: str, arg: str) -> None:
    rule = f"v-{name.replace('_', '-')}-{arg.replace('_', '-')}"
    assert grammar_allows(GRAMMAR, rule, "-20"), rule
    assert grammar_allows(GRAMMAR, rule, "-5"), rule
    assert not grammar_allows(GRAMMAR, rule, "-0"), "-0 is zero, a valid value nobody said"
    assert not grammar_allows(GRAMMAR, rule, "--5")


@settings(max_examples=300, deadline=None)
@given(value=halves)
def test_the_grammar_never_loses_a_sign(value: float) -> None:
    """What the model may write for a temperature parses to exactly that value; every negative
    temperature can be written (the old grammar had no minus sign: -20 could only come out as
    20 or another in-range number)."""
    line = render_call(PlannedCall("set_temperature", {"celsius": value}), TOOLS)
    allowed = grammar_allows(GRAMMAR, "root", line)
    if value < 0:
        assert allowed, line
    if allowed:
        call = parse_call(line, TOOLS)
        assert call is not None and call.args == {"celsius": value}, line


def test_a_negative_integer_argument_parses_negative() -> None:
    line = "set_fan(level=-3)"
    assert grammar_allows(GRAMMAR, "root", line)
    assert parse_call(line, TOOLS) == PlannedCall("set_fan", {"level": -3})


def test_grounding_keeps_the_sign() -> None:
    assert numbers_in(normalize("set the temperature to minus 20")) == {-20.0}
    assert numbers_in(normalize("twenty-one degrees for the co-driver")) == {21.0}
    assert numbers_in(normalize("from 20-22 degrees")) == {20.0, 22.0}


@settings(max_examples=200, deadline=None)
@given(value=negatives, data=st.data())
def test_grounding_refuses_the_flipped_sign(value: float, data: st.DataObject) -> None:
    form = data.draw(st.sampled_from(signed_forms(value)))
    text = f"set the temperature to {form}"
    flipped = PlannedCall("set_temperature", {"celsius": -value})
    assert ungrounded(flipped, text, (), TOOLS) == ["celsius"], form
    assert ungrounded(PlannedCall("set_temperature", {"celsius": value}), text, (), TOOLS) == []


@pytest.mark.parametrize("written", [20.0, -20.0, 16.0])
def test_the_agent_answers_minus_20_with_the_range(written: float) -> None:
    """Whatever temperature the model writes for "minus 20" (the sign copied, dropped, or
    replaced by a limit), the agent answers with the tool's range and calls nothing."""
    decision = Decision("calls", (PlannedCall("set_temperature", {"celsius": written}),))
    verdict = Checker(REGISTRY).judge(decision, Request("set the temperature to minus 20"),
                                      source="local", timing=None)
    assert verdict is not None
    assert verdict.answer.kind == "clarify"
    assert verdict.answer.calls == ()
    assert verdict.answer.text == USAGE


def test_a_temperature_below_zero_is_not_twenty() -> None:
    decision = Decision("calls", (PlannedCall("set_temperature", {"celsius": 20.0}),))
    verdict = Checker(REGISTRY).judge(
        decision, Request("it's freezing, set the temperature to twenty below zero"),
        source="local", timing=None)
    assert verdict is not None
    assert (verdict.answer.kind, verdict.answer.text) == ("clarify", USAGE)


def test_the_recogniser_grammar_knows_every_word_of_a_signed_number() -> None:
    """Vosk decodes only the grammar's words: a sign word outside it is heard as [unk] and
    dropped (daemon/hearing/biasing.py), "negative twenty" reaching the fast path as "twenty"."""
    vocabulary = set(build_vocabulary().words)
    said = {w for v in (-20.0, -22.5, -105.0) for form in signed_forms(v)
            for w in form.split() if w.isalpha()}
    assert said - vocabulary == set()
