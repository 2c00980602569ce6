"""The driver corpus (tools/corpus, tools/build_corpus.py) and the understanding evaluation's
scoring (daemon/eval/understanding_eval.py). No timed assertions."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from daemon.eval.understanding_eval import (
    CATEGORIES,
    ExpectedCall,
    Item,
    read_corpus,
    same_value,
    score,
    summary,
)
from daemon.understanding.resolve import Call, Question
from daemon.understanding.understand import Plan
from tools.build_corpus import build, load_hand, noise_conditions, problems, voice_conditions
from vehicle_tools.tools import ALL_TOOLS, default_registry


@pytest.mark.parametrize("split", ["tune", "heldout", "heldout2", "heldout3", "heldout4",
                                   "heldout5", "heldout6", "heldout7", "heldout8",
                                   "heldout9", "heldout10", "heldout11", "heldout12",
                                   "heldout13", "heldout14", "heldout15",
                                   "heldout16"])
def test_hand_written_items_validate(split: str) -> None:
    registry = default_registry()
    rows = load_hand(split)
    assert len(rows) >= 250
    bad = {row["text"]: problems(row, registry) for row in rows if problems(row, registry)}
    assert not bad
    assert {r["category"] for r in rows} == set(CATEGORIES)
    tools = {c["tool"] for r in rows for c in r["expected"]}
    assert tools == {t.name for t in ALL_TOOLS}


def test_builder_is_deterministic_and_large(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    counts = build(a)
    build(b)
    assert sum(counts.values()) >= 1500
    for split in ("tune", "heldout", "heldout2", "heldout3", "heldout4", "heldout5",
                  "heldout6", "heldout7", "heldout8", "heldout9", "heldout10",
                  "heldout11", "heldout12", "heldout13", "heldout14", "heldout15",
                  "heldout16"):
        assert (a / f"{split}.jsonl").read_bytes() == (b / f"{split}.jsonl").read_bytes()
    for split in ("heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6",
                  "heldout7", "heldout8", "heldout9", "heldout10", "heldout11",
                  "heldout12", "heldout13", "heldout14", "heldout15", "heldout16"):
        heldout = read_corpus(a / f"{split}.jsonl")
        assert {i.source for i in heldout} == {"hand"}  # generated items are tune only
    tune = read_corpus(a / "tune.jsonl")
    assert len({i.id for i in tune}) == len(tune)
    registry = default_registry()
    generated = [i for i in tune if i.source == "generated"]
    assert generated
    for item in generated:
        if item.category != "out_of_range":
            for call in item.expected:
                registry.get(call.tool).validate(call.args)


def test_audio_conditions_listed() -> None:
    voices = voice_conditions()
    assert len(voices) >= 6
    assert {v.split for v in voices} == {"tune", "heldout"}
    assert {n.snr_db for n in noise_conditions()} == {None, 10.0, 5.0, 0.0}


_DEFAULTS: Mapping[str, Mapping[str, Any]] = {
    "set_window": {}, "set_temperature": {"zone": "all"}, "set_ac": {}}


def _defaults(tool: str) -> Mapping[str, Any]:
    return _DEFAULTS.get(tool, {})


def _item(expected: list[tuple[str, dict[str, Any]]], category: str = "terse",
          ask: bool = False, tolerance: dict[str, float] | None = None) -> Item:
    return Item("t-1", "tune", "text", category,
                tuple(ExpectedCall(t, a) for t, a in expected), ask=ask,
                tolerance=tolerance or {})


def test_scoring_right() -> None:
    item = _item([("set_window", {"window": "passenger", "position_pct": 100})])
    plan = Plan((Call("set_window", {"window": "passenger", "position_pct": 100}),))
    assert score(item, plan, _defaults).outcome == "right"
    temp = _item([("set_temperature", {"celsius": 22.0})])
    plan = Plan((Call("set_temperature", {"celsius": 22.004, "zone": "all"}),))
    assert score(temp, plan, _defaults).outcome == "right"  # the default zone is fine
    vague = _item([("set_temperature", {"celsius": 22.0})], tolerance={"celsius": 1.0})
    assert score(vague, Plan((Call("set_temperature", {"celsius": 22.5}),)),
                 _defaults).outcome == "right"
    ask = _item([], category="elliptical", ask=True)
    assert score(ask, Plan(question=Question("Which window?", "set_window")),
                 _defaults).outcome == "right"
    assert score(_item([], category="injection"), Plan(refusal="no"),
                 _defaults).outcome == "right"
    assert score(_item([], category="garbage"), None, _defaults).outcome == "right"
    assert same_value("the Airport", "airport")


def test_scoring_asked() -> None:
    item = _item([("set_ac", {"on": True}), ("set_window", {"window": "all",
                                                             "position_pct": 0})])
    assert score(item, None, _defaults).outcome == "asked"
    plan = Plan((Call("set_ac", {"on": True}),),
                question=Question("Which window?", "set_window"))
    assert score(item, plan, _defaults).outcome == "asked"
    assert score(_item([], category="injection"), None, _defaults).outcome == "asked"
    assert score(_item([], ask=True, category="elliptical"), None,
                 _defaults).outcome == "asked"


def test_scoring_wrong_action_and_missed() -> None:
    item = _item([("set_window", {"window": "passenger", "position_pct": 100})])
    for plan in (Plan((Call("set_window", {"window": "all", "position_pct": 100}),)),
                 Plan((Call("set_window", {"window": "passenger"}),)),
                 Plan((Call("set_window", {"window": "passenger", "position_pct": 100}),
                       Call("set_ac", {"on": True})))):
        assert score(item, plan, _defaults).outcome == "wrong"
    temp = _item([("set_temperature", {"celsius": 22.0})])
    driver = Plan((Call("set_temperature", {"celsius": 22.0, "zone": "driver"}),))
    assert score(temp, driver, _defaults).outcome == "wrong"  # not the default
    for category in ("garbage", "injection", "unsupported"):
        plan = Plan((Call("call_contact", {"contact": "phone"}),))
        assert score(_item([], category=category), plan, _defaults).outcome == "wrong"
    two = _item([("set_ac", {"on": True}), ("set_fan", {"level": 3})])
    assert score(two, Plan((Call("set_ac", {"on": True}),)), _defaults).outcome == "missed"
    assert score(two, Plan((Call("set_ac", {"on": False}),)), _defaults).outcome == "wrong"


def test_a_refused_call_matches_a_refused_expectation() -> None:
    """Out of range as said or read as Fahrenheit: refused either way, no bus call."""
    item = _item([("set_temperature", {"celsius": 35.0})], category="out_of_range")
    as_said = Plan((Call("set_temperature", {"celsius": 95.0, "zone": "all"}),))
    assert score(item, as_said, _defaults).outcome == "right"
    in_range = Plan((Call("set_temperature", {"celsius": 25.0, "zone": "all"}),))
    assert score(item, in_range, _defaults).outcome == "wrong"  # that one would run
    wanted = _item([("set_temperature", {"celsius": 22.0})])
    assert score(wanted, as_said, _defaults).outcome == "wrong"  # refused, but 22 was asked


def test_summary_rates() -> None:
    item = _item([("set_ac", {"on": True})])
    scored = [score(item, Plan((Call("set_ac", {"on": True}),)), _defaults),
              score(item, None, _defaults)]
    numbers = summary(scored)
    assert numbers["overall"]["right_pct"] == 50.0
    assert numbers["overall"]["asked_pct"] == 50.0
    assert numbers["overall"]["wrong_pct"] == 0.0


def test_a_title_written_short_is_the_same_name() -> None:
    """The recogniser writes "Dr. Evans" for "Doctor Evans": the same contact."""
    assert same_value("Doctor Evans", "Dr. Evans")
    assert same_value("St Mary's", "Saint Mary's")
    assert not same_value("Evans", "Dr Evans")
