"""Text-level evaluation of the command understanding on the driver corpus (docs/corpus.md).

Each corpus item
(``build/corpus/{tune,heldout,heldout2,...,heldout16}.jsonl``, written by
``tools/build_corpus.py``) is given to
``daemon.understanding.intents.understander().understand(text,
state)`` and its `Plan` scored:

- ``right``: every expected call, in order, with the expected arguments (numbers within the
  item's tolerance, free text compared without case, punctuation or a leading article; an
  expected argument missing from the call is wrong; extra arguments are fine when they equal
  the tool's default), and a question back when the item says ``ask``; for an item expecting
  no call: no call (an injection must also be refused);
- ``asked``: no wrong call, but a question back, "not understood" (None: the language model or
  "sorry" takes it), "unable", or an injection not refused (left to the model) where a call or a
  refusal was expected;
- ``missed``: no wrong call, but an expected call silently dropped (no question, nothing said);
- ``wrong``: a call that was not expected, or with a wrong argument (any call at all when the
  expected list is empty). The worst outcome Cabin has.

``cabin eval understanding
[--split tune|heldout|heldout2|heldout3|heldout4|heldout5|heldout6|heldout7|heldout8|heldout9|
heldout10|heldout11|heldout12|heldout13|heldout14|heldout15|heldout16|all]
[--json PATH]`` prints a markdown table per split (by category and source), then every failure
with its text, plan and expectation (``--no-failures``: the tables only, for the clean held-out
splits).
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from daemon.config import REPO_ROOT

Outcome = Literal["right", "asked", "missed", "wrong"]
OUTCOMES: tuple[Outcome, ...] = ("right", "asked", "missed", "wrong")
SPLITS = ("tune", "heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6",
          "heldout7", "heldout8", "heldout9", "heldout10", "heldout11", "heldout12",
          "heldout13", "heldout14", "heldout15", "heldout16")
CATEGORIES = ("terse", "polite", "indirect", "elliptical", "multi", "correction", "refinement",
              "out_of_range", "unsupported", "injection", "question_about_car", "garbage")
CORPUS_DIR = REPO_ROOT / "build" / "corpus"

DEFAULT_STATE: Mapping[str, float | int] = {
    "TempDriver": 21.0, "TempPassenger": 21.0, "FanLevel": 3, "media.Volume": 40,
    "voice.volume_pct": 80, "voice.speed": 1.0,
}
"""What the car reports while the corpus is evaluated, unless an item overrides it: relative
changes ("two degrees warmer") are expected relative to these readings."""

FLOAT_TOLERANCE = 0.01
_ARTICLE = re.compile(r"^(the|a|an|some)\s+")
_NON_WORD = re.compile(r"[^\w\s']")


@dataclass(frozen=True)
class ExpectedCall:
    """One call an item expects: the tool and the arguments that must be in it."""

    tool: str
    args: Mapping[str, Any]


@dataclass(frozen=True)
class Item:
    """One corpus utterance (see docs/corpus.md for the fields)."""

    id: str
    split: str
    text: str
    category: str
    expected: tuple[ExpectedCall, ...]
    ask: bool = False
    source: str = "hand"
    state: Mapping[str, Any] | None = None
    tolerance: Mapping[str, float] = field(default_factory=dict)

    @staticmethod
    def from_row(row: Mapping[str, Any]) -> Item:
        """An item from a corpus JSONL row."""
        return Item(id=str(row["id"]), split=str(row["split"]), text=str(row["text"]),
                    category=str(row["category"]),
                    expected=tuple(ExpectedCall(str(c["tool"]), dict(c.get("args") or {}))
                                   for c in row.get("expected") or ()),
                    ask=bool(row.get("ask", False)), source=str(row.get("source", "hand")),
                    state=row.get("state"), tolerance=dict(row.get("tolerance") or {}))


@dataclass(frozen=True)
class Scored:
    """An item, what the understander made of it, and the outcome."""

    item: Item
    outcome: Outcome
    plan: str
    reason: str = ""
    looked_up: bool = False
    """A wrong plan whose name the dispatcher's lookup (the simulated phone book or map) asks
    about or refuses before anything is sent (`daemon.eval.lookup.stopped`)."""


def read_corpus(path: Path) -> list[Item]:
    """The items of one corpus JSONL file."""
    with path.open(encoding="utf-8") as f:
        return [Item.from_row(json.loads(line)) for line in f if line.strip()]


_TITLES = {"dr": "doctor", "mr": "mister", "mrs": "missus", "st": "saint", "mt": "mount"}
"""Titles a recogniser writes short ("Dr. Evans"): the same name as "Doctor Evans"."""


def _free_text(value: str) -> str:
    text = " ".join(_TITLES.get(w, w) for w in _NON_WORD.sub(" ", value.lower()).split())
    return _ARTICLE.sub("", text)


def same_value(expected: Any, got: Any, tolerance: float = 0.0) -> bool:
    """Whether an argument value matches: booleans exactly, numbers within ``tolerance`` (at
    least `FLOAT_TOLERANCE`), strings as free text (case, punctuation, leading article, spaces
    between words, a title written short: `_TITLES`)."""
    if isinstance(expected, bool) or isinstance(got, bool):
        return isinstance(expected, bool) and isinstance(got, bool) and expected == got
    if isinstance(expected, int | float) and isinstance(got, int | float):
        return math.isclose(float(expected), float(got), rel_tol=0.0,
                            abs_tol=max(tolerance, FLOAT_TOLERANCE))
    if isinstance(expected, str) and isinstance(got, str):  # "Market City" is "Marketcity"
        return expected == got or _free_text(expected).replace(" ", "") == _free_text(
            got).replace(" ", "")
    return bool(expected == got)


def _defaults(tool: str) -> dict[str, Any]:
    from pydantic_core import PydanticUndefined

    from daemon.understanding.intents import understander

    model = understander().registry.get(tool).args_model
    return {name: info.default for name, info in model.model_fields.items()
            if info.default is not PydanticUndefined}


def _refused(tool: str, args: Mapping[str, Any]) -> bool:
    """Whether the dispatcher refuses ``args`` for ``tool`` before any bus call (a value out of
    the tool's range: `ToolError` ``invalid_arguments``, the tool's spoken range said back)."""
    from daemon.understanding.intents import understander
    from vehicle_tools.errors import ToolError

    try:
        understander().registry.get(tool).validate(dict(args))
    except ToolError:
        return True
    return False


def call_problem(expected: ExpectedCall, tool: str, args: Mapping[str, Any],
                 tolerance: Mapping[str, float],
                 defaults: Callable[[str], Mapping[str, Any]] = _defaults, *,
                 refused: Callable[[str, Mapping[str, Any]], bool] = _refused) -> str:
    """Why a planned call does not match ``expected``; "" when it does. A call the tool refuses
    matches an expected call the tool refuses too ("set the thermostat to 95", as said or read
    as Fahrenheit, 35 degrees: out of range either way, no bus call, the same spoken range)."""
    if tool != expected.tool:
        return f"tool {tool}, expected {expected.tool}"
    if refused(tool, args) and refused(tool, expected.args):
        return ""
    for name, value in expected.args.items():
        if name not in args:
            return f"{name} missing (expected {value!r})"
        if not same_value(value, args[name], float(tolerance.get(name, 0.0))):
            return f"{name}={args[name]!r}, expected {value!r}"
    tool_defaults = defaults(tool)
    for name, value in args.items():
        if name not in expected.args and not (
                name in tool_defaults and same_value(tool_defaults[name], value)):
            return f"{name}={value!r} not expected (default {tool_defaults.get(name)!r})"
    return ""


def describe_plan(plan: Any) -> str:
    """A plan as one line: the calls, then the question, refusal or "unable"."""
    if plan is None:
        return "(not understood)"
    parts = [f"{c.tool}({', '.join(f'{k}={v!r}' for k, v in c.args.items())})"
             for c in plan.calls]
    if plan.question is not None:
        parts.append(f"ask {plan.question.text!r}")
        parts += [f"then {c.tool}({', '.join(f'{k}={v!r}' for k, v in c.args.items())})"
                  for c in getattr(plan.question, "then", ())]
    if plan.refusal:
        parts.append("refused")
    if plan.unable:
        parts.append(f"unable {plan.unable!r}")
    return "; ".join(parts) or "(nothing)"


def describe_expected(item: Item) -> str:
    """The item's expectation as one line."""
    parts = [f"{c.tool}({', '.join(f'{k}={v!r}' for k, v in c.args.items())})"
             for c in item.expected]
    if item.ask:
        parts.append("ask")
    return "; ".join(parts) or ("refuse" if item.category == "injection" else "(no call)")


def _score_no_call(item: Item, plan: Any, shown: str) -> Scored:
    if plan is not None and plan.calls:
        return Scored(item, "wrong", shown, "a call when none was wanted")
    if item.category == "injection" and not (plan is not None and plan.refusal):
        return Scored(item, "asked", shown, "not refused (left to the model)")
    if item.ask and not (plan is not None and plan.question is not None):
        return Scored(item, "asked", shown, "no question back")
    return Scored(item, "right", shown)


ASKED_FIRST = "read from a complaint or proposed by the model: asked first"
"""The reason of a plan the Decider asks about before acting (`Plan.inferred`): a right one
stays right (after the driver's yes), a wrong one is a question, never an action."""


def score(item: Item, plan: Any,
          defaults: Callable[[str], Mapping[str, Any]] = _defaults) -> Scored:
    """The outcome of ``plan`` (a `daemon.understanding.understand.Plan` or None) for
    ``item`` (see the module docstring). A plan read from a complaint is asked about first
    (`ASKED_FIRST`): wrong, it is counted asked."""
    scored = _score(item, plan, defaults)
    if not getattr(plan, "inferred", False) or not getattr(plan, "calls", ()):
        return scored
    if scored.outcome == "wrong":
        return Scored(item, "asked", scored.plan, f"{ASKED_FIRST} ({scored.reason})")
    return Scored(item, scored.outcome, scored.plan, scored.reason or ASKED_FIRST)


def _wholes(tool: str) -> Mapping[str, tuple[str, frozenset[str]]]:
    from daemon.understanding.intents import understander

    language = understander().registry.get(tool).language
    return {} if language is None else language.wholes


def as_expected(calls: Sequence[Any], expected: Sequence[ExpectedCall],
                defaults: Callable[[str], Mapping[str, Any]] = _defaults,
                wholes: Callable[[str], Mapping[str, tuple[str, frozenset[str]]]] = _wholes,
                ) -> tuple[Any, ...]:
    """``calls`` with one for a whole (``set_defrost(screen="all")``, `Language.wholes`) read
    as the calls for its parts where the item expects one per part, in the item's order
    ("front demister on and rear demister on": the same on the bus)."""
    out: list[Any] = []
    for call in calls:
        for arg, (whole, parts) in wholes(call.tool).items():
            want = expected[len(out):len(out) + len(parts)]
            said = [w.args.get(arg, defaults(call.tool).get(arg)) for w in want]
            if call.args.get(arg) == whole and len(want) == len(parts) and set(said) == parts \
                    and all(w.tool == call.tool for w in want):
                out += [replace(call, args={**call.args, arg: value}) for value in said]
                break
        else:
            out.append(call)
    return tuple(out)


def _score(item: Item, plan: Any, defaults: Callable[[str], Mapping[str, Any]]) -> Scored:
    shown = describe_plan(plan)
    if not item.expected:
        return _score_no_call(item, plan, shown)
    calls = tuple(plan.calls) if plan is not None else ()
    if plan is not None and plan.question is not None:  # run once the question is answered
        calls += tuple(getattr(plan.question, "then", ()))
    calls = as_expected(calls, item.expected, defaults)
    for n, call in enumerate(calls):
        problem = f"extra call {call.tool}" if n >= len(item.expected) else call_problem(
            item.expected[n], call.tool, call.args, item.tolerance, defaults)
        if problem:
            return Scored(item, "wrong", shown, f"call {n + 1}: {problem}")
    asks = plan is not None and plan.question is not None
    if len(calls) == len(item.expected):
        outcome: Outcome = "right" if asks == item.ask else "missed" if item.ask else "asked"
        why = {"right": "", "missed": "no question back", "asked": "an extra question"}
        return Scored(item, outcome, shown, why[outcome])
    if plan is None or asks or plan.unable or plan.refusal:
        return Scored(item, "asked", shown, "not understood" if plan is None else "asked")
    return Scored(item, "missed", shown, f"{len(item.expected) - len(calls)} call(s) dropped")


def evaluate(items: Iterable[Item], understand: Callable[[str, Mapping[str, Any]], Any],
             defaults: Callable[[str], Mapping[str, Any]] = _defaults) -> list[Scored]:
    """Score every item with ``understand(text, state)``; a wrong one says whether the
    dispatcher's name lookup would stop it (`Scored.looked_up`)."""
    from daemon.eval.lookup import stopped

    found = []
    for item in items:
        plan = understand(item.text, {**DEFAULT_STATE, **(item.state or {})})
        scored = score(item, plan, defaults)
        if scored.outcome == "wrong" and stopped(getattr(plan, "calls", ())):
            scored = replace(scored, looked_up=True)
        found.append(scored)
    return found


def _pct(n: int, total: int) -> float:
    return round(100.0 * n / total, 1) if total else 0.0


def summary(scored: Sequence[Scored]) -> dict[str, Any]:
    """Rates overall, by category and by source (JSON-able)."""
    def rates(group: Sequence[Scored]) -> dict[str, Any]:
        counts = Counter(s.outcome for s in group)
        return {"n": len(group), **{f"{o}_pct": _pct(counts[o], len(group)) for o in OUTCOMES}}

    by_category: dict[str, list[Scored]] = defaultdict(list)
    by_source: dict[str, list[Scored]] = defaultdict(list)
    for s in scored:
        by_category[s.item.category].append(s)
        by_source[s.item.source].append(s)
    return {"overall": {**rates(scored), "wrong_after_lookup_pct": _pct(sum(
                s.outcome == "wrong" and not s.looked_up for s in scored), len(scored))},
            "by_category": {c: rates(by_category[c]) for c in CATEGORIES if c in by_category},
            "by_source": {k: rates(v) for k, v in sorted(by_source.items())}}


def markdown(split: str, scored: Sequence[Scored], failures: bool = True) -> str:
    """The split's table (by category, source, overall) and its failures, in markdown."""
    numbers = summary(scored)
    lines = [f"### {split} ({len(scored)} utterances)", "",
             "| group | n | right | asked / not understood | missed | wrong action |",
             "|---|---:|---:|---:|---:|---:|"]

    def row(name: str, r: Mapping[str, Any]) -> str:
        return (f"| {name} | {r['n']} | {r['right_pct']}% | {r['asked_pct']}% | "
                f"{r['missed_pct']}% | {r['wrong_pct']}% |")

    lines += [row(c, r) for c, r in numbers["by_category"].items()]
    lines += [row(f"source: {k}", r) for k, r in numbers["by_source"].items()]
    lines.append(row("**all**", numbers["overall"]))
    first = sum(1 for s in scored if s.outcome == "right" and s.reason == ASKED_FIRST)
    wrong = sum(s.outcome == "wrong" for s in scored)
    left = wrong - sum(s.looked_up for s in scored)
    lines += ["", "Right after a question first (read from a complaint, or an action the model "
              f"proposed): {first}", "",
              f"Wrong actions left after the name lookup (the simulated phone book and map ask "
              f"about or refuse a name they are not sure of): {left} of {wrong} "
              f"({_pct(left, len(scored))}%)"]
    bad = [s for s in scored if s.outcome != "right"]
    if failures and bad:
        lines += ["", f"Failures ({len(bad)}):", "",
                  "| outcome | category | text | plan | expected | why |",
                  "|---|---|---|---|---|---|"]
        order = {o: n for n, o in enumerate(("wrong", "missed", "asked"))}
        for s in sorted(bad, key=lambda s: (order[s.outcome], s.item.category, s.item.id)):
            cells = [s.outcome, s.item.category, s.item.text, s.plan, describe_expected(s.item),
                     s.reason + (" (stopped by the name lookup)" if s.looked_up else "")]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def corpus_path(split: str, corpus_dir: Path = CORPUS_DIR) -> Path:
    """The split's JSONL, built first (tools/build_corpus.py) when it is not there."""
    path = corpus_dir / f"{split}.jsonl"
    if not path.exists():
        if str(REPO_ROOT) not in sys.path:
            sys.path.insert(0, str(REPO_ROOT))
        from tools.build_corpus import build

        build(corpus_dir)
    return path


def run(split: str = "all", json_path: Path | None = None, corpus_dir: Path = CORPUS_DIR,
        show_failures: bool = True,
        understand: Callable[[str, Mapping[str, Any]], Any] | None = None) -> dict[str, Any]:
    """Evaluate ``split`` (tune, heldout, heldout2, heldout3, heldout4, heldout5, heldout6,
    heldout7, heldout8, heldout9, heldout10, heldout11, heldout12, heldout13, heldout14,
    heldout15, heldout16 or all); prints markdown, optionally writes JSON."""
    from daemon.understanding.intents import understander

    u = understander()
    results: dict[str, Any] = {}
    for name in SPLITS if split == "all" else (split,):
        scored = evaluate(read_corpus(corpus_path(name, corpus_dir)),
                          understand if understand is not None else u.understand)
        print(markdown(name, scored, show_failures) + "\n")
        results[name] = summary(scored)
        results[name]["failures"] = [
            {"id": s.item.id, "outcome": s.outcome, "category": s.item.category,
             "text": s.item.text, "plan": s.plan, "expected": describe_expected(s.item),
             "why": s.reason} for s in scored if s.outcome != "right"]
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"results: {json_path}")
    return results
