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
