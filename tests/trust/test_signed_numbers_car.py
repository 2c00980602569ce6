"""A negative temperature reaches no car (issue 23, item 3), end to end.

The real Decider and dispatcher with the simulated car on a python-can virtual bus (no D-Bus):
"set the temperature to minus 20" (and its other spoken forms) sends no CAN frame, replies with
the tool's spoken range, and the car keeps its temperature. A valid request afterwards proves
the capture hears the head unit's frames.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from daemon import events as ev
from daemon.conversation.decide import Decider, TurnInput
from daemon.conversation.dialogue import Conversation
from daemon.llm.types import CancelToken
from tests.vehicle.conftest import Live, running_vehicle, vehicle_config
from vehicle_tools.dbc import load_dbc

SPOKEN = ["set the temperature to minus 20", "Set the temperature to minus twenty.",
          "set the temperature to negative twenty degrees",
          "set the temperature to twenty degrees below zero", "set the temperature to -20",
          "set the temperature to \u221220°C", "set the temperature to minus 22 and a half"]


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    with running_vehicle(vehicle_config(f"cabin-test-{uuid.uuid4()}"), load_dbc()) as car:
        reported = car.vehicle.backend.wait_for_state(
            lambda s: s.number("TempDriver") is not None, 5.0)
        assert car.runner.run(reported), "the simulated car never reported its temperature"
        car.frames()
        yield car


def _say(live: Live, decider: Decider, turn: int, text: str) -> str:
    async def run() -> str:
        pieces = [p async for p in decider.decide(TurnInput(turn, text, CancelToken()))]
        return " ".join(pieces)

    return live.runner.run(run())


@pytest.mark.parametrize("text", SPOKEN)
def test_minus_20_sends_no_frame_and_says_the_range(live: Live, text: str) -> None:
    live.fresh_dispatcher()
    live.frames()  # nothing left over from an earlier case
    log = ev.EventLog()
    decider = Decider(live.dispatcher, log, lambda: 0.0, Conversation())
    before = live.vehicle.backend.state.number("TempDriver")
    assert before is not None

    reply = _say(live, decider, 1, text)

    assert reply == live.vehicle.registry.get("set_temperature").usage
    assert live.frames() == []
    calls = [e for e in log.events if isinstance(e, ev.ToolCall)]
    celsius = [c.args["celsius"] for c in calls]
    assert celsius == [pytest.approx(-20.0, abs=2.5)]
    assert all(isinstance(v, int | float) and v < 0 for v in celsius)  # the sign got through
    assert live.vehicle.backend.state.number("TempDriver") == before

    # the capture hears a valid command on this channel: the silence above was a refusal
    assert _say(live, decider, 2, "set the temperature to twenty one").endswith(
        "The temperature is set to 21 degrees.")
    assert [f.values["TempTarget"] for f in live.frames()] == [21.0]

