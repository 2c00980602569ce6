"""What Cabin does with the tool calls a language model proposes: the fast path acts, the model
proposes.

Measured on the driver corpus (`cabin eval understanding --with-llm`, docs/corpus.md), the
model's calls for sentences the declared language does not cover were wrong for 6.5 % of the
held-out sentences (questions about the car answered with an action, chit-chat turned into a
call to "Day", a correction read as its first value), against 0.8 % for the fast path. So:

- a call the dispatcher will refuse (an unknown tool, arguments out of range) goes to it and
  is refused with its spoken reason;
- a query (``get_*``) runs: it changes nothing in the car; but not for a question asking for
  advice ("what kind of fuel should I put in", "where's the spare tyre"): the live fuel level
  is no answer to it;
- a sentence that is a question ("how do I pair my phone", "is it safe to drive with the fog
  lights on") never leads to an action: it is declined;
- any other action is restated as one short question ("Do you want me to switch the lights:
  fog lights, on?"); the driver's yes runs it (the confirmation expires like every other).

Pure: the policy is a function of the sentence and the calls.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from vehicle_tools.errors import ToolError
from vehicle_tools.registry import Registry

QUESTION_DECLINE = "I can't answer that question, and I won't change anything for one."
"""Said when a question would have become an action (questions about the car that the owner's
manual covers are answered from it before any model is asked: daemon/manual/)."""

_QUESTION = re.compile(
    r"^\s*(how|what|what's|whats|where|where's|wheres|why|which|when|who|should|is it|are "
    r"(the|my|there)|is there|can i|could i|do i|does|did)\b|\?\s*$", re.IGNORECASE)


_ADVICE = re.compile(
    r"\b(should|how do i|how can i|how to|how does|what kind|which (fuel|oil|tyres?|tires?)|"
    r"where('s| is| are| do)|is it safe|is it ok|what does .* mean|why|what is the best|"
    r"what's the best|whats the best|best way)\b", re.IGNORECASE)


def asks_for_advice(text: str) -> bool:
    """Whether ``text`` asks how or what one should do, or what something means ("what kind
    of fuel should I put in", "where's the spare tyre"): a question for the manual, never
    answered with a reading of the car either."""
    return is_question(text) and _ADVICE.search(text) is not None


def is_question(text: str) -> bool:
    """Whether ``text`` asks something rather than asking for something ("how do I pair my
    phone?"); "could you open the window?" is a request (it names who should act)."""
    return _QUESTION.search(text) is not None and not re.match(
        r"^\s*(can|could|would|will) you\b", text, re.IGNORECASE)


@dataclass(frozen=True)
class ModelCall:
    """One call the model proposed (tool name and arguments)."""

    name: str
    args: Mapping[str, object]


@dataclass(frozen=True)
class Verdict:
    """What to do with the model's calls.

    Attributes:
        run: the calls to run now (queries).
        confirm: the first action to ask about, or None.
        then: the other actions, asked about in the same question, run in order after a yes.
        question: the question that asks about them all ("Do you want me to ...; then
            ...?").
        decline: a spoken refusal instead of any action ("" when none).
    """

    run: tuple[ModelCall, ...] = ()
    confirm: ModelCall | None = None
    then: tuple[ModelCall, ...] = ()
    question: str = ""
    decline: str = ""


Policy = Literal["confirm", "act"]


def judge(text: str, calls: Sequence[ModelCall], registry: Registry,
          policy: Policy = "confirm") -> Verdict:
    """The verdict on ``calls`` proposed for ``text`` (``policy`` "act" runs them all, as
    before this module)."""
    if policy == "act":
        return Verdict(run=tuple(calls))
    if asks_for_advice(text):
        return Verdict(decline=QUESTION_DECLINE)
    queries = tuple(c for c in calls if c.name.startswith("get_") or not _valid(c, registry))
    actions = [c for c in calls if c not in queries]
    if not actions:
        return Verdict(run=queries)
    if is_question(text):
        return Verdict(run=queries, decline=QUESTION_DECLINE)
    first, *rest = actions
    return Verdict(run=queries, confirm=first, then=tuple(rest),
                   question=restate_all(actions, registry))


def _valid(call: ModelCall, registry: Registry) -> bool:
    """Whether ``call`` names a tool with arguments it accepts; one that does not goes to the
    dispatcher, which refuses it with its spoken reason and moves nothing (asking "Do you
    want me to launch rockets?" first would be absurd)."""
    try:
        registry.validate(call.name, call.args)
    except ToolError:
        return False
    return True


def _spoken(name: str, value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, int | float):
        number = f"{value:g}"
        if name.endswith("_pct"):
            return f"{number} percent"
        return f"{number} degrees" if name == "celsius" else f"{name} {number}"
    return str(value).replace("_", " ")


def restate(call: ModelCall, registry: Registry) -> str:
    """One short question restating ``call`` ("Do you want me to change the temperature: 23
    degrees, passenger?")."""
    return restate_all((call,), registry)


def restate_all(calls: Sequence[ModelCall], registry: Registry) -> str:
    """One short question restating every one of ``calls``, in order ("Do you want me to
    turn the air conditioning on or off: on; then move the window: all, 0 percent?")."""
    return f"Do you want me to {'; then '.join(_restated(c, registry) for c in calls)}?"


def _restated(call: ModelCall, registry: Registry) -> str:
    try:
        action = registry.get(call.name).action
    except ToolError:  # an unknown tool: the dispatcher refuses it if the driver says yes
        action = call.name.replace("_", " ")
    details = ", ".join(_spoken(k, v) for k, v in call.args.items() if v is not None)
    return f"{action}{': ' + details if details else ''}"
