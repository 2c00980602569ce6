"""The evaluations' view of the dispatcher's name lookup on the simulated car
(daemon/eval/lookup.py)."""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest

from daemon.eval.lookup import stopped


class Call(NamedTuple):
    tool: str
    args: dict[str, Any]


@pytest.mark.parametrize("calls", [
    [Call("navigate_to", {"destination": "camera, John, turn"})],  # nothing on the map
    [Call("navigate_to", {"destination": "heat row airport"})],  # near a place: asked
    [Call("call_contact", {"contact": "phone"})],  # in no phone book
    [Call("set_ac", {"on": True}), Call("call_contact", {"contact": "Rob Smith"})],  # asked
])
def test_a_name_the_sim_is_not_sure_of_stops_the_plan(calls: list[Call]) -> None:
    assert stopped(calls)


@pytest.mark.parametrize("calls", [
    [], [Call("set_ac", {"on": True})],
    [Call("navigate_to", {"destination": "the nearest gas station"})],
    [Call("navigate_to", {"destination": "221 Baker Street"})],
    [Call("call_contact", {"contact": "mum"})],
    [Call("media_search", {"query": "anything at all"})],  # no directory: the player decides
])
def test_names_the_sim_is_sure_of_and_calls_without_a_directory_go_ahead(
        calls: list[Call]) -> None:
    assert not stopped(calls)


def test_the_text_evaluation_counts_the_wrong_plans_the_lookup_stops() -> None:
    """`cabin eval understanding` scores the plan, and says which wrong ones the dispatcher's
    lookup asks about before anything is sent ("mum nanni" is in no phone book), and which
    would run ("Bob Smith" is: calling him when Mom was asked for is a wrong action)."""
    from daemon.eval.understanding_eval import ExpectedCall, Item, evaluate, markdown, summary
    from daemon.understanding.resolve import Call as PlanCall
    from daemon.understanding.understand import Plan

    item = Item("t-1", "tune", "call mum nanni", "terse",
                (ExpectedCall("call_contact", {"contact": "Mom"}),))
    heard = {"call mum nanni": "mum nanni", "bob": "Bob Smith", "mom": "Mom"}
    scored = evaluate([item, *(Item(f"t-{n}", "tune", text, "terse", item.expected)
                               for n, text in enumerate(("bob", "mom"), 2))],
                      lambda text, _: Plan((PlanCall("call_contact",
                                                     {"contact": heard[text]}),)),
                      lambda _: {})
    assert [(s.outcome, s.looked_up) for s in scored] == [
        ("wrong", True), ("wrong", False), ("right", False)]
    assert summary(scored)["overall"]["wrong_after_lookup_pct"] == 33.3
    assert "left after the name lookup (the simulated phone book and map ask about or " \
           "refuse a name they are not sure of): 1 of 2" in markdown("tune", scored)
